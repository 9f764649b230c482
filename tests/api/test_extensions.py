"""Extensions only in time, through the API, the desk and the head's pages (both databases).

The case from the review: an objection review accepted on 2026-11-19 must be answered by the end
of 12-10 (15 working days); on 12-20 the limit has passed, so neither the head's extension nor a
clerk's request for one is possible, and the late answer counts as overdue. A log that holds an
extension recorded after the limit had passed (before this rule) counts as overdue too."""
import re
import subprocess

from sqlalchemy import select

from app.domain.workflow import Action, Actor, ActorKind, Decision, State
from app.extensions import db
from app.models.applications import Application, Document
from app.operations import supervision
from app.operations.events import EXTENDED_SCOPE, recompute_clocks, record
from tests.conftest import api_token, csrf_from, local, login
from tests.operations.helpers import act, file_objection, user

DUE = "2026-12-10T23:59:59"


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _accepted_objection(app, clock) -> int:
    with app.app_context():
        objection = file_objection(app)
        clock.set(local(2026, 11, 19, 10))
        act(objection, "accept", "clerk")
        return objection.id


def _december_figures(app, code="criminal_record_objection"):
    with app.app_context():
        unit_id = user("supervisor").unit_id
        figures = supervision.unit_figures(unit_id, start=local(2026, 12, 1, 0), end=local(2027, 1, 1, 0),
                                           now=local(2026, 12, 31))
        entry = figures[code]
        return entry.decided, entry.on_time


def test_an_extension_after_the_limit_has_passed_is_refused_and_the_answer_counts_late(app, client, clock):
    objection_id = _accepted_objection(app, clock)
    clerk, head = api_token(client, "clerk"), api_token(client, "supervisor")
    detail = client.get(f"/api/v1/applications/{objection_id}", headers=head).get_json()
    assert detail["clocks"]["statutory_due_at"].startswith(DUE) and "extend" in detail["allowed_actions"]

    clock.set(local(2026, 12, 20, 10))
    for who, action in ((head, "extend"), (clerk, "request_extension")):
        refused = _act(client, who, objection_id, action, reason="情况复杂")
        assert refused.status_code == 409, refused.get_json()
        body = refused.get_json()
        assert body["error"] == "extension_too_late" and "2026-12-10" in body["message"]
    detail = client.get(f"/api/v1/applications/{objection_id}", headers=head).get_json()
    assert detail["clocks"]["statutory_due_at"].startswith(DUE)
    assert not {"extend", "request_extension"} & set(detail["allowed_actions"])
    english = client.post(f"/api/v1/applications/{objection_id}/actions/extend", json={"reason": "x"},
                          headers={**head, "Accept-Language": "en"}).get_json()
    assert "cannot be extended" in english["message"], english

    clock.set(local(2026, 12, 22, 10))
    assert _act(client, clerk, objection_id, "approve", outcome="maintained", opinion="经复核维持").status_code == 200
    assert _december_figures(app) == (1, 0)  # decided after 12-10: overdue


def test_a_late_extension_recorded_before_the_rule_counts_as_overdue(app, client, clock):
    objection_id = _accepted_objection(app, clock)
    clock.set(local(2026, 12, 20, 10))
    with app.app_context():
        application = db.session.get(Application, objection_id)
        head = user("supervisor")
        # As the portal recorded it before extensions were judged against the limit.
        record(application, Decision(Action.EXTEND, State.ACCEPTED, State.ACCEPTED, "情况复杂", {},
                                     ("extension_notice",)),
               Actor(ActorKind.SUPERVISOR, head.id, head.unit_id), at=clock.moment, recorded_at=clock.moment)
        db.session.commit()
        assert application.statutory_due_at.isoformat().startswith("2026-12-10T15:59:59")  # UTC of 23:59:59
    login(client, "supervisor")
    page = client.get(f"/desk/applications/{objection_id}").get_data(as_text=True)
    assert "不发生延长效力" in page, page[page.find("为什么"):page.find("为什么")+3000]
    assert "已超期" in page  # "why this date" says the extension did not count
    clock.set(local(2026, 12, 22, 10))
    assert _act(client, api_token(client, "clerk"), objection_id, "approve", outcome="maintained",
                opinion="经复核维持").status_code == 200
    assert _december_figures(app) == (1, 0)

    # The stored clocks of such a matter as the old rule left them (moved by the extension) are
    # recomputed from the log by the job migration l2extend0001 queues.
    with app.app_context():
        application = db.session.get(Application, objection_id)
        application.statutory_due_at = local(2026, 12, 31, 23, 59)
        db.session.commit()
    assert _december_figures(app) == (1, 1)  # what the stale cache said
    with app.app_context():
        recompute_clocks({"after_id": 0, "scope": EXTENDED_SCOPE})
    assert _december_figures(app) == (1, 0)


def test_the_desk_and_the_head_see_why_instead_of_a_button(app, client, clock):
    objection_id = _accepted_objection(app, clock)
    clock.set(local(2026, 12, 9, 10))
    with app.app_context():
        act(db.session.get(Application, objection_id), "request_extension", "clerk", reason="需调取再审判决")
    clock.set(local(2026, 12, 11, 9))  # the request came in time, the approval would not
    login(client, "supervisor")
    dashboard = client.get("/supervisor/").get_data(as_text=True)
    assert "待审批的延期申请（1件）" in dashboard and "需调取再审判决" in dashboard
    assert f"/desk/applications/{objection_id}/actions/extend" not in dashboard
    assert "期限届满后不能再延长办理期限" in dashboard
    detail = client.get(f"/desk/applications/{objection_id}").get_data(as_text=True)
    notes = detail[detail.index('id="refused-actions"'):]
    assert "延长办理期限" in notes and "2026-12-10 23:59" in notes
    assert f'href="/desk/applications/{objection_id}/actions/extend"' not in detail
    form = client.get(f"/desk/applications/{objection_id}/actions/extend").get_data(as_text=True)
    assert "期限届满后不能再延长办理期限" in form
    posted = client.post(f"/desk/applications/{objection_id}/actions/extend",
                         data={"reason": "情况复杂", "csrf_token": csrf_from(form)})
    assert posted.status_code == 409 and "期限届满后不能再延长办理期限" in posted.get_data(as_text=True)
    # The request can still be answered: refusing it clears it.
    refuse = client.get(f"/desk/applications/{objection_id}/actions/refuse_extension").get_data(as_text=True)
    assert client.post(f"/desk/applications/{objection_id}/actions/refuse_extension",
                       data={"reason": "期限已届满", "csrf_token": csrf_from(refuse)}).status_code == 302
    assert "待审批的延期申请（0件）" in client.get("/supervisor/").get_data(as_text=True)


def test_the_extension_notice_of_the_objection_review_says_extended_to_30_working_days(app, client, clock,
                                                                                        tmp_path):
    objection_id = _accepted_objection(app, clock)
    clock.set(local(2026, 12, 1, 10))
    extended = _act(client, api_token(client, "supervisor"), objection_id, "extend", reason="需调取再审判决")
    assert extended.status_code == 200
    assert extended.get_json()["clocks"]["statutory_due_at"].startswith("2026-12-31T23:59:59")  # 30 in all
    with app.app_context():
        notice = db.session.scalar(select(Document).where(Document.application_id == objection_id,
                                                          Document.kind == "extension_notice"))
        path = tmp_path / "extension_notice.pdf"
        path.write_bytes(notice.content)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                             capture_output=True, text=True).stdout)
    assert "根据《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）的规定" in text
    assert "办理期限延长至30个工作日" in text and "2026年12月31日" in text and "2026年12月10日" in text
    assert "行政许可法" not in text


def test_the_catalogue_says_per_service_whether_and_how_it_extends(client):
    services = {s["code"]: s for s in client.get("/api/v1/services").get_json()["services"]}
    record = services["criminal_record"]
    assert record["extension"]["available"] is False and "extension" not in record["limits"]
    assert "调查核实" in record["extension"]["source"] and "suspension" in record["steps"]
    objection = services["criminal_record_objection"]["extension"]
    assert objection["available"] and objection["by"]["text_zh"] == "15个工作日"
    assert objection["to"]["text_zh"] == "30个工作日" and "延长至30个工作日" in objection["source"]
    licence = services["security_licence"]["extension"]
    assert licence["by"]["text_zh"] == "10个工作日" and licence["to"] is None
    assert licence["basis_zh"] == "《中华人民共和国行政许可法》第四十二条"
    for code, service in services.items():
        assert service["extension"]["source"], code


def test_calendar_due_says_provisional_for_a_result_in_an_unpublished_year(app):
    runner = app.test_cli_runner()
    official = runner.invoke(args=["calendar", "due", "2026-11-20T10:00:00+08:00", "5", "workdays"])
    assert official.output.strip() == "2026-11-27T23:59:59+08:00"
    provisional = runner.invoke(args=["calendar", "due", "2026-12-28T10:00:00+08:00", "5", "workdays"])
    assert provisional.exit_code == 0, provisional.output
    assert re.fullmatch(r"2027-01-\d\dT23:59:59\+08:00 provisional", provisional.output.strip()), provisional.output
    hours = runner.invoke(args=["calendar", "due", "2027-03-01T10:00:00+08:00", "24", "hours"])
    assert hours.output.strip() == "2027-03-02T10:00:00+08:00 provisional"


def test_sql_lights_agree_with_the_domain_on_a_late_extension(app, client, clock):
    from app.domain.clock import light
    from app.operations import lights
    from app.operations.events import clocks_for

    late_id, in_time_id = _accepted_objection(app, clock), _accepted_objection(app, clock)
    clock.set(local(2026, 12, 10, 16))
    assert _act(client, api_token(client, "supervisor"), in_time_id, "extend", reason="情况复杂").status_code == 200
    clock.set(local(2026, 12, 20, 10))
    with app.app_context():
        head = user("supervisor")
        record(db.session.get(Application, late_id),
               Decision(Action.EXTEND, State.ACCEPTED, State.ACCEPTED, "情况复杂", {}, ()),
               Actor(ActorKind.SUPERVISOR, head.id, head.unit_id), at=clock.moment, recorded_at=clock.moment)
        db.session.commit()
        for colour in ("red", "yellow", "green"):
            in_sql = set(db.session.scalars(select(Application.id).where(
                Application.id.in_((late_id, in_time_id)), getattr(lights, colour)(clock.moment))))
            in_domain = {i for i in (late_id, in_time_id)
                         if (light(State(db.session.get(Application, i).state),
                                   clocks_for(db.session.get(Application, i)), clock.moment) or "green") == colour}
            assert in_sql == in_domain, colour
        assert late_id in set(db.session.scalars(select(Application.id).where(lights.red(clock.moment))))
        assert in_time_id not in set(db.session.scalars(select(Application.id).where(lights.red(clock.moment))))
