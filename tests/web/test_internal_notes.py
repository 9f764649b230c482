"""What staff write for each other stays with the staff: a clerk's extension request and its
reason reach the head of the unit (listed with who asked and why), the head's internal note and
a clerk's note on an approval are never shown to the applicant, while the reason the law says
to give (the extension's) is."""
from __future__ import annotations

from tests.conftest import login
from tests.operations.helpers import act, file_criminal_record, file_objection
from tests.web.test_lifecycle_forms import _post, _switch

CLERK_ASKS = "涉及外省户籍信息，需协查"
APPLICANT_REASON = "需向外省公安机关调取户籍档案"
HEADS_NOTE = "同意，需外省核查"
CLERKS_NOTE = "已电话核实单位用途"


def test_internal_steps_and_notes_stay_with_the_staff(app, client):
    with app.app_context():
        application = file_objection(app)  # a service with an extension (the criminal record has none)
        act(application, "accept", "clerk")
        application_id = application.id
        query = file_criminal_record(app, "citizen")
        act(query, "accept", "clerk")
        query_id = query.id
    desk, query_desk = f"/desk/applications/{application_id}", f"/desk/applications/{query_id}"
    login(client, "clerk")
    assert _post(client, f"{desk}/actions/request_extension", {"reason": CLERK_ASKS}).status_code == 302

    _switch(client, "supervisor")
    dashboard = client.get("/supervisor/").get_data(as_text=True)
    assert CLERK_ASKS in dashboard and "周晓燕" in dashboard  # who asked, and why
    assert _post(client, f"{desk}/actions/extend", {"reason": APPLICANT_REASON,
                                                    "internal_note": HEADS_NOTE}).status_code == 302

    _switch(client, "clerk")
    assert _post(client, f"{query_desk}/actions/approve", {"internal_note": CLERKS_NOTE}).status_code == 302
    staff_page = client.get(desk).get_data(as_text=True) + client.get(query_desk).get_data(as_text=True)
    for seen_by_staff in (CLERK_ASKS, APPLICANT_REASON, HEADS_NOTE, CLERKS_NOTE, "内部备注"):
        assert seen_by_staff in staff_page, seen_by_staff

    _switch(client, "citizen2")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert APPLICANT_REASON in mine  # the extension's reason is the applicant's to know
    for internal in (CLERK_ASKS, HEADS_NOTE, "内部备注"):
        assert internal not in mine, internal
    _switch(client, "citizen")
    approved = client.get(f"/my/applications/{query_id}").get_data(as_text=True)
    for internal in (CLERKS_NOTE, "内部备注"):
        assert internal not in approved, internal
