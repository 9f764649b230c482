"""城市配送货车电子通行证 end to end, through the API and the HTML forms, time controlled:
approved at once by the system (Saturdays and public holidays too), refused with every
reason, routed to a clerk of the traffic brigade, the permit with its signed roadside QR
code, the roadside check (valid / not yet valid / expired / revoked), revocation by the
sweep (idempotent) and by staff."""
from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app.domain.calendar import SHANGHAI
from app.domain.catalogue import truck_permit as rules
from app.extensions import db
from app.models.accounts import AccessLog, Role, Unit, User
from app.models.applications import Application, Certificate, Document
from app.models.permits import TruckPermit
from app.models.registries import RegDriver, RegVehicle, RegViolation
from app.operations.calendar import load_calendar
from app.operations.sla import sweep
from app.seed import DEMO_IDS, DEMO_PASSWORD, DRIVERS, PLATES, UNIT_CODES
from tests.conftest import api_token, confirm_answers, csrf_from, local, login, logout

DRIVER_NAMES = {"liu_jianjun": "刘建军", "song_tao": "宋涛", "han_lei": "韩磊", "feng_jun": "冯军",
                "tang_liang": "唐亮", "li_ming": "李明"}


def _data(day: date | None = None, **changes) -> dict:
    start = day or date(2026, 11, 16)
    driver = changes.pop("driver", "pass")
    key = DRIVERS.get(driver, driver)
    data = {
        "plate": PLATES["pass"],
        "driver_name": DRIVER_NAMES[key],
        "driver_id_number": DEMO_IDS[key],
        "zones": ["weidu_centre", "dongcheng"],
        "windows": "06:00-07:00, 09:00-17:00",
        "valid_from": start.isoformat(),
        "valid_until": (start + timedelta(days=29)).isoformat(),
    }
    return data | changes


def _file(client, headers, **changes):
    day = changes.pop("day", None)
    return client.post("/api/v1/applications", json={"service": "truck_permit", "data": _data(day, **changes)},
                       headers=headers)


def _permit(app, application_id: int) -> TruckPermit:
    with app.app_context():
        permit = db.session.scalar(select(TruckPermit).where(TruckPermit.application_id == application_id))
        db.session.expunge(permit)
        return permit


def _events(app, application_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        application = db.session.get(Application, application_id)
        return [(e.action, e.actor_kind) for e in application.events]


def _pdf_text(app, application_id: int, kind: str, tmp_path) -> str:
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.application_id == application_id,
                                                            Document.kind == kind))
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(document.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", "", text)


def _roadside_path(app, application_id: int) -> str:
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application_id))
        from app.operations.permits import roadside_url

        url = roadside_url(certificate)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


# --- approved at once, any day -------------------------------------------------------------------


def test_passing_request_is_approved_and_issued_at_once_on_a_saturday(app, client, clock):
    clock.set(local(2026, 11, 21, 20, 15))  # Saturday evening
    with app.app_context():
        assert not load_calendar().is_working_day(date(2026, 11, 21))
    headers = api_token(client, "enterprise")
    response = _file(client, headers, day=date(2026, 11, 21))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "issued" and body["number"].startswith("TX20261121")
    assert [d["kind"] for d in body["documents"]] == ["receipt", "acceptance_notice", "certificate"]
    assert _events(app, body["id"]) == [("submit", "applicant"), ("accept", "system"), ("approve", "system"),
                                         ("issue", "system")]
    assert body["data"]["check_outcome"] == "approve" and body["data"]["driver_id_number"].count("*") >= 8
    permit = _permit(app, body["id"])
    assert permit.status == "issued" and permit.number.startswith("TXZ")
    assert permit.windows == ["06:00–07:00", "09:00–17:00"] and permit.zones == ["weidu_centre", "dongcheng"]
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.number == permit.number))
        assert certificate.kind == "truck_permit" and certificate.revoked_at is None
        assert certificate.valid_until.astimezone(SHANGHAI).date() == date(2026, 12, 20)


def test_passing_request_is_approved_at_once_on_a_public_holiday_at_night(app, client, clock):
    clock.set(local(2027, 1, 1, 23, 40))  # New Year's Day
    with app.app_context():
        assert not load_calendar().is_working_day(date(2027, 1, 1))
    body = _file(client, api_token(client, "enterprise"), day=date(2027, 1, 1)).get_json()
    assert body["status"] == "issued", body
    assert _permit(app, body["id"]).issued_at.astimezone(SHANGHAI) == local(2027, 1, 1, 23, 40)


def test_permit_pdf_carries_the_roadside_qr_link_and_the_permit_facts(app, client, tmp_path):
    body = _file(client, api_token(client, "enterprise")).get_json()
    text = _pdf_text(app, body["id"], "certificate", tmp_path)
    permit = _permit(app, body["id"])
    assert "城市配送货车电子通行证" in text and PLATES["pass"] in text and permit.number in text
    assert "魏都区中心城区" in text and "06:00–07:00、09:00–17:00" in text and "2026年11月16日至2026年12月15日" in text
    assert f"/permit/{permit.number}?s=" in text
    assert DEMO_IDS["liu_jianjun"] not in text  # the driver's ID number is masked


# --- refused with every reason ---------------------------------------------------------------------


@pytest.mark.parametrize(("plate", "code"), [
    ("inspection_expired", "vehicle.inspection_expired"),
    ("scrapped", "vehicle.scrapped"),
    ("emission_iv", "vehicle.emission"),
    ("vehicle_violation", "vehicle.violations"),
    ("other_owner", "vehicle.not_owned"),
])
def test_each_failing_plate_is_refused_with_its_own_reason(app, client, plate, code, tmp_path):
    # 东城区 admits 国V and 国VI, so a 国V truck fails only its own rule there.
    response = _file(client, api_token(client, "enterprise"), plate=PLATES[plate], zones=["dongcheng"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "rejected"
    assert _events(app, body["id"])[1:] == [("accept", "system"), ("reject", "system")]
    permit = _permit(app, body["id"])
    assert [r["code"] for r in permit.check_result["reasons"]] == [code]
    assert permit.status == "not_issued" and permit.number is None
    refusal = _pdf_text(app, body["id"], "refusal_decision", tmp_path)
    assert "不予核发货车通行证决定书" in refusal and "行政复议" in refusal
    reason = permit.check_result["reasons"][0]
    assert re.sub(r"\s+", "", reason["message"].rstrip("。")) in refusal
    assert re.sub(r"\s+", "", reason["remedy"].rstrip("。")) in refusal


@pytest.mark.parametrize(("driver", "code"), [
    ("licence_expired", "driver.licence_expired"),
    ("driver_violation", "driver.violations"),
    ("suspended", "driver.licence_status"),
])
def test_each_failing_driver_is_refused_with_its_own_reason(app, client, driver, code):
    body = _file(client, api_token(client, "enterprise"), driver=driver).get_json()
    assert body["status"] == "rejected"
    assert [r["code"] for r in _permit(app, body["id"]).check_result["reasons"]] == [code]


def test_every_failing_rule_is_listed_not_just_the_first(app, client, tmp_path):
    # A scrapped 国V truck in 魏都区中心城区 (国VI only), driven by a driver whose licence expired.
    body = _file(client, api_token(client, "enterprise"), plate=PLATES["scrapped"], zones=["weidu_centre"],
                 driver="licence_expired").get_json()
    assert body["status"] == "rejected"
    permit = _permit(app, body["id"])
    codes = [r["code"] for r in permit.check_result["reasons"]]
    assert codes == ["vehicle.scrapped", "vehicle.emission", "driver.licence_expired"]
    assert body["data"]["check_reasons"] == [r["message"] for r in permit.check_result["reasons"]]
    refusal = _pdf_text(app, body["id"], "refusal_decision", tmp_path)
    assert "共3项" in refusal and "1.该车辆已达到报废标准" in refusal and "2.车辆排放标准为国V" in refusal
    assert "3.驾驶人的驾驶证有效期至" in refusal and "整改办法" in refusal


# --- input rules: every wrong field said at once, nothing recorded -----------------------------------


def test_windows_under_six_hours_are_refused_on_the_field(app, client):
    headers = api_token(client, "enterprise")
    response = _file(client, headers, windows="09:00-12:00, 13:00-15:30")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "windows.too_short" and "不得少于6小时" in body["message"] and "5小时30分钟" in body["message"]
    overlap = _file(client, headers, windows="09:00-13:00, 12:00-17:00").get_json()
    assert overlap["error"] == "windows.overlap"
    several = _file(client, headers, windows="9-17", plate="豫K").get_json()  # two wrong fields: both said
    assert "车牌号码格式不正确" in several["message"] and "通行时段格式不正确" in several["message"]
    with app.app_context():
        assert db.session.scalar(select(TruckPermit.id)) is None
        assert db.session.scalar(select(Application.id).where(Application.service_code == "truck_permit")) is None


def test_an_overnight_window_counts_across_midnight(app, client):
    body = _file(client, api_token(client, "enterprise"), windows="21:00-03:00").get_json()
    assert body["status"] == "issued", body
    assert body["data"]["daily_hours"] == "6小时"


def test_unknown_plate_and_unverified_driver_are_refused_on_their_field(client):
    headers = api_token(client, "enterprise")
    unknown = _file(client, headers, plate="豫K9Z999").get_json()
    assert unknown["error"] == "plate.unknown" and "豫K9Z999" in unknown["message"]
    mismatch = _file(client, headers, driver_name="刘建国").get_json()
    assert mismatch["error"] == "driver.unknown"
    only_open = _file(client, headers, zones=["demonstration_zone"]).get_json()
    assert only_open["error"] == "zones.unrestricted"
    too_long = _file(client, headers, valid_until="2027-11-16").get_json()
    assert too_long["error"] == "valid_until.too_long" and "366日" in too_long["message"]


# --- peak hours: ordinary, new-energy and refrigerated trucks -----------------------------------------


def test_ordinary_truck_in_peak_hours_is_refused_but_new_energy_truck_is_granted(app, client):
    headers = api_token(client, "enterprise")
    ordinary = _file(client, headers, windows="06:00-12:00").get_json()
    assert ordinary["status"] == "rejected"
    reasons = _permit(app, ordinary["id"]).check_result["reasons"]
    assert [r["code"] for r in reasons] == ["windows.peak", "windows.peak"]  # both zones' morning peak
    assert "07:00–09:00" in reasons[0]["message"] and "07:30–09:00" in reasons[1]["message"]
    electric = _file(client, headers, plate=PLATES["new_energy"], windows="06:00-12:00").get_json()
    assert electric["status"] == "issued", electric
    assert _permit(app, electric["id"]).vehicle_class == "new_energy"


# --- routed to a clerk of the traffic brigade -----------------------------------------------------------


def test_validity_over_ninety_days_waits_for_a_clerk_who_grants_it(app, client, clock):
    enterprise = api_token(client, "enterprise")
    body = _file(client, enterprise, valid_until="2027-03-31").get_json()
    assert body["status"] == "submitted"
    assert body["data"]["check_outcome"] == "review"
    assert "超过90日的由交警大队人工审核" in body["data"]["review_reasons"][0]
    assert [d["kind"] for d in body["documents"]] == ["receipt"]
    assert _permit(app, body["id"]).status == "pending"

    login(client, "enterprise")
    mine = _page(client, "/my/permits/")
    assert "已转交警大队人工审核" in mine and "超过90日" in mine

    clerk = api_token(client, "clerk_traffic")
    assert client.post(f"/api/v1/applications/{body['id']}/actions/accept", headers=clerk).status_code == 200
    clock.advance(hours=2)
    granted = client.post(f"/api/v1/applications/{body['id']}/actions/approve", json={}, headers=clerk).get_json()
    assert granted["status"] == "issued", granted
    assert _events(app, body["id"])[1:] == [("accept", "clerk"), ("approve", "clerk"), ("issue", "system")]
    assert _permit(app, body["id"]).status == "issued"


def test_refrigerated_truck_asking_for_peak_hours_is_routed_with_the_reason(app, client):
    body = _file(client, api_token(client, "enterprise"), plate=PLATES["refrigerated"],
                 windows="05:00-08:00, 10:00-16:00").get_json()
    assert body["status"] == "submitted"
    review = _permit(app, body["id"]).check_result["review"]
    assert [r["code"] for r in review] == ["review.extended_window", "review.extended_window"]
    assert "冷藏车申请在魏都区中心城区高峰时段（07:00–09:00）通行" in review[0]["message"]


def test_pending_accident_of_the_driver_routes_to_a_clerk(app, client):
    with app.app_context():  # 唐亮 is a party to a general-procedure case whose determination is not served
        db.session.add(RegDriver(id_number=DEMO_IDS["tang_liang"], name="唐亮", licence_number="TL-0001",
                                 licence_class="B2", licence_valid_until=date(2030, 1, 1), status="valid"))
        db.session.commit()
    body = _file(client, api_token(client, "enterprise"), driver="tang_liang").get_json()
    assert body["status"] == "submitted"
    assert [r["code"] for r in _permit(app, body["id"]).check_result["review"]] == ["review.accident_pending"]


def test_clerk_cannot_grant_when_the_registries_now_refuse_and_refuses_with_the_reason(app, client):
    body = _file(client, api_token(client, "enterprise"), valid_until="2027-03-31").get_json()
    _add_violation(app, plate=PLATES["pass"])
    clerk = api_token(client, "clerk_traffic")
    client.post(f"/api/v1/applications/{body['id']}/actions/accept", headers=clerk)
    refused = client.post(f"/api/v1/applications/{body['id']}/actions/approve", json={}, headers=clerk)
    assert refused.status_code == 409 and "该车辆有1起未处理的交通违法记录" in refused.get_json()["message"]
    rejected = client.post(f"/api/v1/applications/{body['id']}/actions/reject",
                           json={"reason": "车辆有未处理的交通违法记录，请处理后重新申请。"}, headers=clerk).get_json()
    assert rejected["status"] == "rejected" and _permit(app, body["id"]).status == "not_issued"


# --- individual applicants --------------------------------------------------------------------------------


def test_an_individual_gets_a_permit_for_their_own_truck_only(app, client):
    with app.app_context():
        db.session.add(RegVehicle(plate="豫K6B321", owner_id=DEMO_IDS["li_ming"], owner_name="李明",
                                  vehicle_type="轻型栏板货车", energy="fuel", refrigerated=False,
                                  emission_standard="国VI", inspection_valid_until=date(2027, 10, 1), scrapped=False))
        db.session.commit()
    citizen = api_token(client, "citizen")
    own = _file(client, citizen, plate="豫K6B321").get_json()
    assert own["status"] == "issued" and own["data"]["applicant_kind"] == "individual"
    other = _file(client, citizen).get_json()  # the enterprise's truck
    assert other["status"] == "rejected"
    check = _permit(app, other["id"]).check_result
    assert [r["code"] for r in check["reasons"]] == ["vehicle.not_owned"]


# --- the roadside check --------------------------------------------------------------------------------------


def _add_violation(app, *, plate=None, driver=None, reference="4110022699000001"):
    with app.app_context():
        db.session.add(RegViolation(reference=reference, plate=plate, driver_id_number=driver,
                                    occurred_at=local(2026, 11, 20, 8, 5), description="货车闯禁行", handled=False))
        db.session.commit()


def test_roadside_page_says_valid_inside_or_outside_a_window_then_expired(app, client, clock):
    body = _file(client, api_token(client, "enterprise")).get_json()
    path = _roadside_path(app, body["id"])
    page = _page(client, path)  # Monday 10:00
    assert "通行证状态：有效" in page and PLATES["pass"] in page and "当前时间在通行时段内，可以通行" in page
    assert "刘**" in page and "刘建军" not in page and DEMO_IDS["liu_jianjun"] not in page
    assert "06:00–07:00、09:00–17:00" in page and "魏都区中心城区" in page
    clock.set(local(2026, 11, 16, 18))
    evening = _page(client, path)
    assert "当前时间不在通行时段内" in evening and "下一通行时段06:00开始" in evening
    clock.set(local(2026, 12, 15, 23, 59))
    assert "通行证状态：有效" in _page(client, path)  # the last day counts whole
    clock.set(local(2026, 12, 16, 0, 1))
    expired = _page(client, path)
    assert "通行证状态：已过期" in expired and "该通行证当前无效" in expired
    with app.app_context():
        actions = set(db.session.scalars(select(AccessLog.action).where(AccessLog.subject_kind == "truck_permit")))
        assert {"permit.roadside.valid", "permit.roadside.expired"} <= actions


def test_roadside_page_says_not_yet_valid_before_the_first_day(app, client):
    body = _file(client, api_token(client, "enterprise"), day=date(2026, 11, 20)).get_json()
    page = _page(client, _roadside_path(app, body["id"]))
    assert "通行证状态：尚未生效" in page and "自2026-11-20起生效" in page


def test_roadside_page_sends_no_referer_and_is_not_kept(app, client):
    """Its URL carries the permit's signature: no Referer takes it to another site, not even to
    this one's other pages, and no cache keeps the page."""
    body = _file(client, api_token(client, "enterprise")).get_json()
    response = client.get(_roadside_path(app, body["id"]))
    assert response.status_code == 200
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_changed_link_is_not_genuine(app, client):
    body = _file(client, api_token(client, "enterprise")).get_json()
    path = _roadside_path(app, body["id"])
    forged = _page(client, path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert "未能核验" in forged and PLATES["pass"] not in forged
    other_number = _page(client, path.replace("TXZ", "TXY"))
    assert "未能核验" in other_number


def test_new_unhandled_violation_revokes_the_permit_on_the_sweep_once(app, client, clock):
    body = _file(client, api_token(client, "enterprise")).get_json()
    path = _roadside_path(app, body["id"])
    with app.app_context():
        now = clock.moment
        assert sweep(as_of=now, now=now).fired == []  # nothing new: nothing revoked
    _add_violation(app, driver=DEMO_IDS["liu_jianjun"])
    clock.advance(hours=1)
    with app.app_context():
        first = sweep(as_of=clock.moment, now=clock.moment)
        assert (body["id"], "revoke_permit") in first.fired
        second = sweep(as_of=clock.moment, now=clock.moment)
        assert all(action != "revoke_permit" for _, action in second.fired)
    permit = _permit(app, body["id"])
    assert permit.status == "revoked" and permit.revoked_by == "system"
    assert "驾驶人新增1起未处理的交通违法记录" in permit.revoked_reason
    page = _page(client, path)
    assert "通行证状态：已撤销" in page and "违法" not in page  # no reasons on the public page
    verify = client.get(path.replace("/permit/", "/api/v1/verify/")).get_json()
    assert verify["status"] == "revoked"
    with app.app_context():
        application = db.session.get(Application, body["id"])
        assert application.state == "revoked"  # through the engine, with its written decision
        assert "revocation_decision" in [d.kind for d in application.documents]
    tracked = client.get(f"/api/v1/track/{application.tracking_token}").get_json()
    assert tracked["status"] == "revoked"
    login(client, "enterprise")
    assert "驾驶人新增1起未处理的交通违法记录" in _page(client, "/my/permits/")


# --- revocation by staff ----------------------------------------------------------------------------------


def _brigade_supervisor(app) -> None:
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == UNIT_CODES["weidu_traffic"]))
        db.session.add(User(username="traffic_head", password_hash=PasswordHasher().hash(DEMO_PASSWORD),
                            role=Role.SUPERVISOR.value, real_name="交警大队负责人", phone="13903749999", unit=unit))
        db.session.commit()


def test_clerk_revokes_the_permit_and_supervisor_revokes_through_the_engine(app, client, tmp_path):
    enterprise = api_token(client, "enterprise")
    first = _file(client, enterprise).get_json()
    second = _file(client, enterprise, plate=PLATES["new_energy"]).get_json()
    first_permit, second_permit = _permit(app, first["id"]), _permit(app, second["id"])

    login(client, "enterprise")
    assert client.get("/desk/permits/").status_code == 403
    logout(client)

    login(client, "clerk_traffic")
    listing = _page(client, "/desk/permits/")
    assert first_permit.number in listing and "刘**" in listing
    url = f"/desk/permits/{first_permit.id}"
    empty = client.post(url, data={"reason": "", "csrf_token": csrf_from(_page(client, url))})
    assert empty.status_code == 422 and "请填写撤销理由" in empty.get_data(as_text=True)
    done = client.post(url, data={"reason": "车辆超载被查处", "csrf_token": csrf_from(_page(client, url))})
    assert done.status_code == 302
    permit = _permit(app, first["id"])
    assert permit.status == "revoked" and permit.revoked_by == "clerk" and permit.revoked_reason == "车辆超载被查处"
    assert "已撤销" in _page(client, _roadside_path(app, first["id"]))
    logout(client)

    _brigade_supervisor(app)
    login(client, "traffic_head")
    url = f"/desk/permits/{second_permit.id}"
    done = client.post(url, data={"reason": "驾驶人多次违反通行规定", "csrf_token": csrf_from(_page(client, url))})
    assert done.status_code == 302
    with app.app_context():
        application = db.session.get(Application, second["id"])
        assert application.state == "revoked"
        assert "revocation_decision" in [d.kind for d in application.documents]
    assert _permit(app, second["id"]).revoked_by == "supervisor"
    assert "驾驶人多次违反通行规定" in _pdf_text(app, second["id"], "revocation_decision", tmp_path)
    assert "已撤销" in _page(client, _roadside_path(app, second["id"]))


# --- the HTML forms --------------------------------------------------------------------------------------------


def _form(day: date | None = None, **changes) -> dict:
    data = _data(day, **changes)
    return {**{k: v for k, v in data.items() if k != "zones"}, "zones": data["zones"]}


def test_file_through_the_form_see_the_permit_and_its_qr_code(app, client, clock):
    clock.set(local(2026, 11, 22, 9, 30))  # Sunday
    login(client, "enterprise")
    url = "/my/apply/truck_permit"
    page = _page(client, url)
    assert "魏都区中心城区" in page and "每日合计不少于6小时" in page
    response = confirm_answers(client, url, client.post(url, data={**_form(date(2026, 11, 22)),
                                                                   "csrf_token": csrf_from(page)}))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    filed = _page(client, response.headers["Location"])
    assert "已发证" in filed and "城市配送货车电子通行证" in filed
    mine = _page(client, "/my/permits/")
    permit_id = int(re.search(r"/my/permits/(\d+)", mine).group(1))
    holder = _page(client, f"/my/permits/{permit_id}")
    assert "<svg" in holder and "/permit/TXZ" in holder and "状态：有效" in holder
    client.post("/auth/logout", data={"csrf_token": csrf_from(holder)})
    login(client, "citizen")
    assert client.get(f"/my/permits/{permit_id}").status_code == 404  # someone else's permit


def test_form_shows_every_wrong_field_at_once(client):
    login(client, "enterprise")
    url = "/my/apply/truck_permit"
    page = _page(client, url)
    response = client.post(url, data={**_form(), "plate": "豫", "windows": "09:00-11:00", "zones": [],
                                      "csrf_token": csrf_from(page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "车牌号码格式不正确" in html and "不得少于6小时" in html and "请选择至少一个通行区域" in html


def test_form_refusal_lists_every_reason(app, client):
    login(client, "enterprise")
    url = "/my/apply/truck_permit"
    response = confirm_answers(client, url, client.post(url, data={
        **_form(plate=PLATES["scrapped"], zones=["weidu_centre"]), "csrf_token": csrf_from(_page(client, url))}))
    assert response.status_code == 302
    mine = _page(client, "/my/permits/")
    assert "不予核发" in mine and "该车辆已达到报废标准" in mine and "车辆排放标准为国V" in mine
    assert "整改办法" in mine


# --- the pure rules ---------------------------------------------------------------------------------------------


def test_window_rules_by_example():
    assert [w.text for w in rules.parse_windows("22:00-06:00")] == ["22:00–06:00"]
    assert rules.daily_minutes(rules.parse_windows(["00:00-24:00"])) == 24 * 60
    assert rules.daily_minutes(rules.parse_windows("6:00～8:00，9:30至13:30")) == 6 * 60
    for text, code in (("09:00-09:00", "windows.empty"), ("25:00-26:00", "windows.format"),
                       ("20:00-02:00, 01:00-04:00", "windows.overlap"), ("", "windows.missing"),
                       ("1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-12:00", "windows.too_many")):
        with pytest.raises(rules.RuleViolation) as refused:
            rules.parse_windows(text)
        assert refused.value.code == code and refused.value.field == "windows"
    windows = rules.parse_windows("22:00-06:00, 10:00-12:00")
    assert rules.window_now(windows, local(2026, 11, 16, 2, 30)).inside
    later = rules.window_now(windows, local(2026, 11, 16, 12, 0))
    assert not later.inside and later.next_start == "22:00"


def test_permit_status_by_example():
    start, end = date(2026, 11, 16), date(2026, 11, 30)
    assert rules.permit_status(start, end, None, local(2026, 11, 15, 23, 59)) == rules.PermitStatus.NOT_YET_VALID
    assert rules.permit_status(start, end, None, local(2026, 11, 16, 0, 0)) == rules.PermitStatus.VALID
    assert rules.permit_status(start, end, None, local(2026, 12, 1, 0, 0)) == rules.PermitStatus.EXPIRED
    revoked = local(2026, 11, 20, 8)
    assert rules.permit_status(start, end, revoked, local(2026, 11, 20, 7)) == rules.PermitStatus.VALID
    assert rules.permit_status(start, end, revoked, local(2026, 11, 20, 9)) == rules.PermitStatus.REVOKED


def test_two_concurrent_sweeps_revoke_each_permit_exactly_once(app, client, clock):
    import threading
    from collections import Counter

    from app.operations.permits import sweep_revocations

    headers = api_token(client, "enterprise")
    # Three permits per plate, one after another (a plate holds one permit in force on any day).
    starts = [date(2026, 11, 16) + timedelta(days=10 * (i // 2)) for i in range(6)]
    ids = [_file(client, headers, plate=PLATES["pass" if i % 2 else "new_energy"], day=start,
                 valid_until=(start + timedelta(days=9)).isoformat()).get_json()["id"]
           for i, start in enumerate(starts)]
    _add_violation(app, driver=DEMO_IDS["liu_jianjun"])
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                barrier.wait()
                results.append(sweep_revocations(as_of=clock.moment, now=clock.moment))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    revoked = Counter(pair for result in results for pair in result)
    assert sorted(revoked) == sorted((i, "revoke_permit") for i in ids) and set(revoked.values()) == {1}
    assert all(_permit(app, i).status == "revoked" for i in ids)


# --- one permit in force per plate ---------------------------------------------------------------------------


def test_a_second_permit_for_a_plate_and_an_overlapping_period_is_refused_naming_the_first(app, client):
    enterprise = api_token(client, "enterprise")
    first = _file(client, enterprise).get_json()  # 2026-11-16 to 2026-12-15
    held = _permit(app, first["id"])
    again = _file(client, enterprise, day=date(2026, 12, 1))
    assert again.status_code == 422
    body = again.get_json()
    assert body["error"] == "plate.permit_overlap" and body.get("field", "valid_from") == "valid_from"
    assert held.number in body["message"] and "2026-11-16至2026-12-15" in body["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(TruckPermit.id))) == 1  # nothing left behind
    # The day after it ends is free; another plate is free; a revoked permit holds nothing.
    assert _file(client, enterprise, day=date(2026, 12, 16)).get_json()["status"] == "issued"
    assert _file(client, enterprise, plate=PLATES["new_energy"]).get_json()["status"] == "issued"
    with app.app_context():
        permit = db.session.get(TruckPermit, held.id)
        permit.status, permit.revoked_at = "revoked", permit.issued_at
        db.session.commit()
    assert _file(client, enterprise, day=date(2026, 11, 20), valid_until="2026-12-10").get_json()["status"] == "issued"


def test_the_form_names_the_permit_already_held(app, client):
    enterprise = api_token(client, "enterprise")
    held = _permit(app, _file(client, enterprise).get_json()["id"])
    login(client, "enterprise")
    url = "/my/apply/truck_permit"
    response = client.post(url, data={**_form(date(2026, 11, 20)), "csrf_token": csrf_from(_page(client, url))})
    html = response.get_data(as_text=True)
    if response.status_code == 200 and "核对申请信息" in html:  # met on check-your-answers, before filing
        response = confirm_answers(client, url, response)
        html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:2000]
    assert held.number in html and "已有有效的通行证" in html and "2026-12-15" in html


def test_overlap_rule_by_example():
    held = [rules.HeldPermit("TXZ1", date(2026, 11, 16), date(2026, 12, 15))]
    rules.check_no_overlap("豫K12345", date(2026, 12, 16), date(2026, 12, 31), held)  # the next day: free
    rules.check_no_overlap("豫K12345", date(2026, 11, 1), date(2026, 11, 15), held)  # the day before: free
    for start, end in ((date(2026, 12, 15), date(2026, 12, 20)), (date(2026, 11, 1), date(2026, 11, 16)),
                       (date(2026, 11, 20), date(2026, 11, 21)), (date(2026, 11, 1), date(2027, 1, 1))):
        with pytest.raises(rules.RuleViolation) as refused:
            rules.check_no_overlap("豫K12345", start, end, held)
        assert refused.value.code == "plate.permit_overlap" and "TXZ1" in refused.value.message
