"""The holes an attacker's probing found, each held shut: unattended issuance, unbounded and
unreadable text, type confusion and edge values (never a 500), and random JSON at every
write endpoint."""
from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.accounts import Unit
from app.models.applications import Application
from app.models.terminals import TerminalDevice
from app.operations import terminals as terminal_ops
from tests.conftest import api_token, csrf_from, login
from tests.operations.helpers import hall_terminal, home_station, user

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}


def application_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Application.id)))


def post_raw(client, headers, body: bytes, path="/api/v1/applications"):
    return client.post(path, data=body, headers={**headers, "Content-Type": "application/json"})


# --- channels are facts -------------------------------------------------------------------


def test_a_citizen_cannot_claim_the_terminal_channel(app, client):
    citizen = api_token(client, "citizen")
    before = application_count(app)
    claimed = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {**FILE["data"], "channel": "terminal"}})
    assert claimed.status_code == 422
    body = claimed.get_json()
    assert body["errors"] == [{"field": "channel", "code": "unknown_field", "message": "不接受该字段。"}]
    assert application_count(app) == before


def test_a_registered_terminal_of_the_home_station_issues_on_the_spot(app, client):
    with app.app_context():
        _device, credential = hall_terminal(home_station("citizen"))
    citizen = api_token(client, "citizen")
    filed = client.post("/api/v1/applications", json=FILE, headers={**citizen, "X-Terminal-Credential": credential})
    assert filed.status_code == 201, filed.get_json()
    assert filed.get_json()["status"] == "issued"
    assert filed.get_json()["data"]["channel"] == "terminal"


def test_an_online_filing_waits_for_a_clerk(app, client):
    filed = client.post("/api/v1/applications", json=FILE, headers=api_token(client, "citizen"))
    assert filed.status_code == 201 and filed.get_json()["status"] == "submitted"
    assert filed.get_json()["data"]["channel"] == "online"


def test_a_terminal_of_another_unit_or_a_revoked_one_decides_nothing(app, client):
    citizen = api_token(client, "citizen")
    with app.app_context():
        _device, elsewhere = hall_terminal(_another_station(home_station("citizen")))
        revoked_device, revoked = hall_terminal(home_station("citizen"), name="二号机")
        terminal_ops.revoke(admin=user("admin"), device_id=revoked_device.id, now=timeutil.now())
        assert not db.session.get(TerminalDevice, revoked_device.id).active
    away = client.post("/api/v1/applications", json=FILE, headers={**citizen, "X-Terminal-Credential": elsewhere})
    assert away.status_code == 201 and away.get_json()["status"] == "submitted"
    before = application_count(app)
    refused = client.post("/api/v1/applications", json=FILE, headers={**citizen, "X-Terminal-Credential": revoked})
    assert refused.status_code == 401 and refused.get_json()["error"] == "terminal.invalid"
    wrong = client.post("/api/v1/applications", json=FILE, headers={**citizen, "X-Terminal-Credential": "guess"})
    assert wrong.status_code == 401
    assert application_count(app) == before


def _another_station(code: str) -> str:
    return db.session.scalar(select(Unit.code).where(Unit.kind == "police_station", Unit.code != code)
                             .order_by(Unit.code))


def test_the_admin_registers_a_terminal_and_sees_its_credential_once(app, client):
    login(client, "admin")
    page = client.get("/admin/terminals/")
    assert page.status_code == 200
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == home_station("citizen")))
    issued = client.post("/admin/terminals/", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                    "unit_id": unit_id, "name": "一楼大厅1号机"})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    html = issued.get_data(as_text=True)
    assert "只显示这一次" in html
    credential = html.split('<code class="credential">')[1].split("</code>")[0]
    again = client.get("/admin/terminals/").get_data(as_text=True)
    assert credential not in again and "一楼大厅1号机" in again
    api = client.application.test_client()
    filed = api.post("/api/v1/applications", json=FILE,
                     headers={**api_token(api, "citizen"), "X-Terminal-Credential": credential})
    assert filed.get_json()["status"] == "issued"


def test_only_the_admin_manages_terminals(client):
    login(client, "clerk")
    assert client.get("/admin/terminals/").status_code == 403


# --- bounded input ------------------------------------------------------------------------------


def test_a_megabyte_purpose_is_refused_before_parsing_and_nothing_is_stored(app, client):
    citizen = api_token(client, "citizen")
    before = application_count(app)
    huge = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入" * 1_000_000}}
    refused = client.post("/api/v1/applications", json=huge, headers=citizen)
    assert refused.status_code == 413 and "64 KB" in refused.get_json()["message"]
    long = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入" * 3000}})
    assert long.status_code == 422
    assert long.get_json()["errors"][0] == {"field": "purpose", "code": "too_long", "message": "最多填写100个字符。"}
    assert application_count(app) == before


def test_a_lone_surrogate_is_refused(app, client):
    citizen = api_token(client, "citizen")
    before = application_count(app)
    body = b'{"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "\\ud800x"}}'
    refused = post_raw(client, citizen, body)
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid_text"
    control = post_raw(client, citizen, '{"service": "criminal_record", "data": {"applicant_type": "individual", '
                                        '"purpose": "入职\\u0007"}}'.encode())
    assert control.status_code == 422
    assert application_count(app) == before


def test_type_confusion_is_a_422_listing_every_field(client):
    citizen = api_token(client, "citizen")
    for value in (["individual"], {"kind": "individual"}, 7, None, True):
        response = client.post("/api/v1/applications", headers=citizen, json={
            "service": "criminal_record", "data": {"applicant_type": value, "purpose": ["入职"]}})
        assert response.status_code == 422, (value, response.get_json())
        assert {e["field"] for e in response.get_json()["errors"]} == {"applicant_type", "purpose"}


def test_deep_nesting_is_refused_without_recursing(client):
    citizen = api_token(client, "citizen")
    deep = b'{"service": "criminal_record", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = post_raw(client, citizen, deep)
    assert response.status_code in (413, 422)
    nested = b'{"service": "criminal_record", "data": {"purpose": ' + b"[" * 40 + b"]" * 40 + b"}}"
    response = post_raw(client, citizen, nested)
    assert response.status_code == 422 and "嵌套" in response.get_json()["message"]


def test_an_id_beyond_any_integer_is_not_found(client):
    citizen = api_token(client, "citizen")
    huge = "1" * 23
    assert client.get(f"/api/v1/applications/{huge}", headers=citizen).status_code == 404
    assert client.post(f"/api/v1/applications/{huge}/actions/withdraw", json={}, headers=citizen).status_code == 404
    assert client.get(f"/api/v1/applications/{huge}/documents/{huge}", headers=citizen).status_code == 404
    assert client.get(f"/api/v1/materials/{huge}", headers=citizen).status_code == 404
    for beyond in (2**31, 2**63 - 1):  # the keys are 32-bit integers on PostgreSQL
        assert client.get(f"/api/v1/applications/{beyond}", headers=citizen).status_code == 404
    assert client.get(f"/api/v1/applications/{2**31 - 1}", headers=citizen).status_code == 404
    filed = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {**FILE["data"], "materials": {"purpose_proof": [2**31]}}})
    assert filed.status_code == 422 and filed.get_json()["errors"][0]["field"] == "materials.purpose_proof.0"
    for cursor in ("~999999999999", f"20261116T100000000000~{2**31}", "~" + "9" * 40):
        assert client.get(f"/api/v1/applications?after={cursor}", headers=citizen).status_code < 500
    login(client, "citizen")
    assert client.get(f"/my/applications/{huge}").status_code == 404


def test_action_fields_are_bounded_and_unknown_ones_refused(app, client):
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    application_id = client.post("/api/v1/applications", json=FILE, headers=citizen).get_json()["id"]
    too_long = client.post(f"/api/v1/applications/{application_id}/actions/not_accept", headers=clerk,
                           json={"reason": "理" * 2001})
    assert too_long.status_code == 422 and too_long.get_json()["errors"][0]["field"] == "reason"
    claimed = client.post(f"/api/v1/applications/{application_id}/actions/accept", headers=clerk,
                          json={"result": "no_record", "to_unit_id": 1})
    assert claimed.status_code == 422
    assert {e["field"] for e in claimed.get_json()["errors"]} == {"result", "to_unit_id"}
    assert client.get(f"/api/v1/applications/{application_id}", headers=clerk).get_json()["status"] == "submitted"


def test_errors_come_in_the_requests_language(client):
    citizen = api_token(client, "citizen")
    response = client.post("/api/v1/applications", headers={**citizen, "Accept-Language": "en"}, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "x" * 101, "channel": 1}})
    messages = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert messages["purpose"] == "At most 100 characters."
    assert messages["channel"] == "This field is not accepted."


# --- random JSON at every write endpoint --------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
FIELDS = ["applicant_type", "purpose", "route", "subject_name", "subject_id_number", "materials", "channel",
          "seals", "shop_id", "managers", "zones", "windows", "valid_from", "plate", "tolerance_requested",
          "commitment_days", "reason", "items", "reason_code", "rating_id", "child_name"]
SERVICES = ["criminal_record", "criminal_record_objection", "newborn_registration", "seal_engraving",
            "accident_evidence", "truck_permit", "security_licence", "rating_rectification", "nonsense"]
DATA = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8) | JSON
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(service=st.sampled_from(SERVICES) | JSON, data=DATA)
def test_random_filings_never_get_a_5xx(client, service, data):
    headers = _tokens(client)
    for who in ("citizen", "enterprise", "officer"):
        response = client.post("/api/v1/applications", json={"service": service, "data": data}, headers=headers[who])
        assert response.status_code < 500, response.get_json()
        assert response.is_json


@SETTINGS
@given(body=JSON, action=st.sampled_from(["accept", "request_correction", "not_accept", "suspend", "extend",
                                          "approve", "reject", "withdraw", "resubmit", "supply_materials"]))
def test_random_action_bodies_never_get_a_5xx(client, body, action):
    headers = _tokens(client)
    application_id = _one_application(client, headers)
    for who in ("clerk", "citizen", "supervisor"):
        response = client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body,
                               headers=headers[who])
        assert response.status_code < 500, response.get_json()


@SETTINGS
@given(body=JSON)
def test_random_token_requests_never_get_a_5xx(client, body):
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code < 500, response.get_json()


@SETTINGS
@given(service=st.text(max_size=30), slot=st.text(max_size=30), content=st.binary(max_size=300))
def test_random_uploads_never_get_a_5xx(client, service, slot, content):
    headers = _tokens(client)
    application_id = _one_application(client, headers)
    response = client.post("/api/v1/uploads", headers=headers["citizen"], data={
        "service": service, "slot": slot, "file": (io.BytesIO(content), "x.pdf")})
    assert response.status_code < 500, response.get_json()
    response = client.post(f"/api/v1/applications/{application_id}/materials/{slot or 'x'}", headers=headers["citizen"],
                           data={"file": (io.BytesIO(content), "x.jpg")})
    assert response.status_code < 500, response.get_json()


_cache: dict = {}


def _tokens(client) -> dict:
    key = id(client.application)
    if key not in _cache:
        _cache.clear()
        _cache[key] = {who: api_token(client, who) for who in ("citizen", "enterprise", "officer", "clerk",
                                                               "supervisor")}
    return _cache[key]


def _one_application(client, headers) -> int:
    key = ("application", id(client.application))
    if key not in _cache:
        _cache[key] = client.post("/api/v1/applications", json=FILE, headers=headers["citizen"]).get_json()["id"]
    return _cache[key]


def test_json_helpers_see_what_the_parser_would():
    from app.web.bounded_input import json_depth_exceeds

    assert not json_depth_exceeds(json.dumps({"a": "[[[[[[[[[[[[[[[[[[["}).encode(), 3)
    assert json_depth_exceeds(b"[[[[1]]]]", 3)
    assert not json_depth_exceeds(b'["\\"[[[[["]', 2)
