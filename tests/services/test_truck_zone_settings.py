"""Truck-permit zones, peak hours and emission floors as settings changed on the admin page: a
request filed after a change is judged by it; the peak hours may never close a zone all day."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.permits import TruckPermit
from app.seed import DEMO_IDS, DRIVERS, PLATES
from tests.conftest import api_token, csrf_from, login

URL = "/admin/settings/truck-zones"


def _form(client, **changes):
    page = client.get(URL).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page),
            "weidu_centre_restricted": "y", "weidu_centre_floor": "国VI", "weidu_centre_peaks": "07:00-09:00, 17:00-19:30",
            "dongcheng_restricted": "y", "dongcheng_floor": "国V", "dongcheng_peaks": "07:30-09:00, 17:30-19:00",
            "jianan_urban_restricted": "y", "jianan_urban_floor": "国V", "jianan_urban_peaks": "07:00-09:00, 17:00-19:00",
            "demonstration_zone_floor": "国IV", "demonstration_zone_peaks": "", "effective_from": ""}
    data.update(changes)
    return client.post(URL, data={k: v for k, v in data.items() if v is not None})


def _file(client, windows: str, start: date = date(2026, 11, 16)):
    data = {"plate": PLATES["pass"], "driver_name": "刘建军", "driver_id_number": DEMO_IDS[DRIVERS["pass"]],
            "zones": ["dongcheng"], "windows": windows, "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(days=29)).isoformat()}
    return client.post("/api/v1/applications", json={"service": "truck_permit", "data": data},
                       headers=api_token(client, "enterprise")).get_json()


def test_a_changed_peak_applies_to_requests_filed_after_it(app, client):
    before = _file(client, "06:00-07:30, 09:00-17:00")
    assert before["status"] == "issued", before  # 07:30 is when Dongcheng's peak begins
    login(client, "admin")
    changed = _form(client, dongcheng_peaks="07:00-09:00, 17:30-19:00", note="东城区早高峰提前")
    assert changed.status_code == 302, changed.get_data(as_text=True)
    page = client.get(URL).get_data(as_text=True)
    assert "东城区早高峰提前" in page and "07:00–09:00" in page
    client.post("/auth/logout", data={"csrf_token": csrf_from(page)})
    # After the first permit's 30 days: a period it covers would be refused as held already.
    after = _file(client, "06:00-07:30, 09:00-17:00", start=date(2026, 12, 16))
    assert after["status"] == "rejected", after
    with app.app_context():
        permit = db.session.scalar(select(TruckPermit).where(TruckPermit.application_id == after["id"]))
        assert [r["code"] for r in permit.check_result["reasons"]] == ["windows.peak"]


def test_an_all_day_ban_and_an_unknown_standard_are_refused(client):
    login(client, "admin")
    all_day = _form(client, dongcheng_peaks="00:00-20:00")
    assert all_day.status_code == 422
    assert "每日可通行时间不得少于6小时" in all_day.get_data(as_text=True)
    unknown = _form(client, dongcheng_floor="国VII")
    assert unknown.status_code == 422
