"""The head's view: red and yellow items, extension requests, clerks' load, figures and CSV."""
from tests.conftest import api_token, csrf_from, local, login
from tests.materials.helpers import api_materials
from tests.operations.helpers import file_objection


def _act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def _file(client, username="citizen"):
    headers = api_token(client, username)
    proof = api_materials(client, headers, "criminal_record", ["purpose_proof"])  # from the 4th in a year
    body = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职",
                                                   "purpose_detail": "多家单位要求", "materials": proof}}
    return client.post("/api/v1/applications", json=body, headers=headers).get_json()["id"]


def test_dashboard_shows_red_yellow_requests_loads_and_figures(app, client, clock):
    clerk, supervisor = api_token(client, "clerk"), api_token(client, "supervisor")
    on_time, late, stale, yellow = (_file(client) for _ in range(4))
    with app.app_context():  # the extension request is on a service that has one (not the criminal record)
        waiting = file_objection(app).id
    for application_id in (on_time, late, stale, yellow, waiting):
        _act(client, clerk, application_id, "accept")
    _act(client, clerk, on_time, "approve")
    assert _act(client, clerk, waiting, "request_extension", reason="需外调材料").status_code == 200
    assert _act(client, clerk, waiting, "request_extension", reason="again").status_code == 409
    login(client, "clerk")
    claim_page = client.get(f"/desk/applications/{late}").get_data(as_text=True)
    client.post(f"/desk/applications/{late}/claim", data={"csrf_token": csrf_from(claim_page)})

    clock.set(local(2026, 11, 17, 9))  # the promised day: yellow
    login(client, "supervisor")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "黄灯" in page and "待审批的延期申请（1件）" in page

    clock.set(local(2026, 11, 20, 9))  # past the 3-working-day statutory limit: red
    _act(client, clerk, late, "approve")
    page = client.get("/supervisor/").get_data(as_text=True)
    assert "红灯：已超过法定期限（2件）" in page  # `stale` and `yellow`: still deciding, overdue
    assert "周晓燕" in page  # the clerk's load row
    figures = client.get("/supervisor/?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "66.7%" in figures  # two decided on time (one the refused query objected to), one late
    csv_body = client.get("/supervisor/figures.csv?start=2026-11-01&end=2026-11-30")
    assert csv_body.status_code == 200 and csv_body.mimetype == "text/csv"
    text = csv_body.get_data(as_text=True)
    assert "按时办结率" in text and "criminal_record" in text and "66.7%" in text

    # The head decides the request: refusing it clears it from the list.
    refuse = client.get(f"/desk/applications/{waiting}/actions/refuse_extension").get_data(as_text=True)
    client.post(f"/desk/applications/{waiting}/actions/refuse_extension",
                data={"reason": "可按期办结", "csrf_token": csrf_from(refuse)})
    assert "待审批的延期申请（0件）" in client.get("/supervisor/").get_data(as_text=True)
    assert _act(client, supervisor, waiting, "extend", reason="复杂").status_code == 200


def test_only_supervisors_see_the_dashboard(client):
    login(client, "clerk")
    assert client.get("/supervisor/").status_code == 403


def test_sql_lights_agree_with_the_domain_light(app, client, clock):
    from sqlalchemy import select

    from app.domain.clock import light
    from app.domain.workflow import State
    from app.extensions import db
    from app.models.applications import Application
    from app.operations import lights
    from app.operations.events import clocks_for

    clerk = api_token(client, "clerk")
    ids = [_file(client) for _ in range(5)]
    _act(client, clerk, ids[1], "accept")
    _act(client, clerk, ids[2], "accept")
    clock.set(local(2026, 11, 17, 9))
    _act(client, clerk, ids[2], "suspend", reason_code="testing", reason="检测")
    _act(client, clerk, ids[3], "accept")
    _act(client, clerk, ids[3], "approve")
    _act(client, clerk, ids[4], "request_correction", items=["照片"])
    for moment in (local(2026, 11, 17, 12), local(2026, 11, 19, 9), local(2026, 11, 25, 9), local(2026, 12, 20, 9)):
        with app.app_context():
            for colour in ("red", "yellow", "green"):
                in_sql = set(db.session.scalars(select(Application.id).where(getattr(lights, colour)(moment))))
                in_domain = {a.id for a in db.session.scalars(select(Application))
                             if (light(State(a.state), clocks_for(a), moment) or "green") == colour}
                assert in_sql == in_domain, (moment, colour)
