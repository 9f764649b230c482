"""Acts that cannot be undone ask to be confirmed, naming the consequence: an applicant's
withdrawal, and a clerk's refusal (the not-accepting case is in test_lifecycle_forms)."""
from __future__ import annotations

from tests.conftest import csrf_from, login
from tests.operations.helpers import act, file_criminal_record
from tests.web.test_lifecycle_forms import _post, _switch


def test_withdrawing_needs_the_confirmation_and_says_what_it_means(app, client):
    with app.app_context():
        application_id = file_criminal_record(app, "citizen").id
    login(client, "citizen")
    page = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "撤回后本件办理即终止" in page
    unconfirmed = client.post(f"/my/applications/{application_id}/withdraw",
                              data={"csrf_token": csrf_from(page), "reason": "不需要了"})
    assert unconfirmed.status_code == 302
    after = client.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    assert "请勾选确认后再撤回申请" in after and "待受理" in after
    done = client.post(f"/my/applications/{application_id}/withdraw",
                       data={"csrf_token": csrf_from(after), "reason": "不需要了", "confirm": "y"})
    assert "申请已撤回" in client.get(done.headers["Location"]).get_data(as_text=True)


def test_a_refusal_needs_the_confirmation(app, client):
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        act(application, "accept", "clerk")
        application_id = application.id
    login(client, "clerk")
    url = f"/desk/applications/{application_id}/actions/reject"
    page = client.get(url).get_data(as_text=True)
    assert "本决定不能在系统内撤回" in page
    unconfirmed = _post(client, url, {"reason": "登记用途与所附证明不符"})
    assert unconfirmed.status_code == 422 and "请勾选确认后再作出决定" in unconfirmed.get_data(as_text=True)
    assert _post(client, url, {"reason": "登记用途与所附证明不符", "confirm": "y"}).status_code == 302
    _switch(client, "citizen")
    page = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    # A no-criminal-record refusal is 不予出具, not a licence refused: the status says only that
    # the matter ended with a refusal, and the notice names the act.
    assert "已办结（不予）" in page and "不予出具无犯罪记录证明通知书" in page and "不予许可" not in page
