"""The applicant's correction reply (补正说明) is read by the clerk who asked and shown to the
applicant in their timeline; the public QR page says a reply came, never what it says."""
from __future__ import annotations

from tests.conftest import csrf_from, login
from tests.operations.helpers import act, file_criminal_record

REPLY = "已补齐户口簿首页；照片为近三个月内所拍。联系人手机 13803740001"


def test_the_reply_reaches_the_clerk_and_the_applicant_but_not_the_qr_page(app, client):
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        act(application, "request_correction", "clerk", items=["户口簿首页"])
        application_id, token = application.id, application.tracking_token
    login(client, "citizen")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    sent = client.post(f"/my/applications/{application_id}/resubmit", data={"note": REPLY, "csrf_token": csrf_from(mine)})
    assert sent.status_code == 302
    assert REPLY in client.get(f"/my/applications/{application_id}").get_data(as_text=True)

    login(client, "clerk")
    desk = client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    assert "补正说明" in desk and REPLY in desk

    public = client.get(f"/t/{token}").get_data(as_text=True)
    assert "补正后重新提交" in public and REPLY not in public and "13803740001" not in public
    api = client.get(f"/api/v1/track/{token}").get_data(as_text=True)
    assert "近三个月" not in api
