"""Per-unit settings used by the hall (office hours, lunch break, weekend opening) and the
system-wide numbers that are settings (the untrue-commitment bar, the newborn age limit)."""
from datetime import date, timedelta

from sqlalchemy import select

from app import timeutil
from app.domain.settings import Scope
from app.extensions import db
from app.models.accounts import User
from app.operations import settings as settings_ops
from app.operations import tickets as ticket_ops
from app.operations import tolerance as tolerance_ops
from tests.conftest import csrf_from, local, login

XDJ = "411002-PS-XDJ"


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin"))


def test_weekend_opening_and_office_hours_shape_the_hall(ctx, clock):
    unit = ticket_ops.unit_by_code(XDJ)
    saturday = date(2026, 11, 21)
    assert saturday not in ticket_ops.bookable_days(unit, now=timeutil.now())
    settings_ops.change(scope=Scope.UNIT, target=str(unit.id),
                        values={"office_hours": [["08:30", "12:00"], ["14:00", "17:30"]], "weekend_days": [6]},
                        effective_from=None, by=_admin(), now=timeutil.now())
    db.session.commit()
    assert saturday in ticket_ops.bookable_days(unit, now=timeutil.now())
    starts = [timeutil.local(v.start).strftime("%H:%M") for v in ticket_ops.slots_of_day(unit, saturday,
                                                                                          now=timeutil.now())]
    assert starts[0] == "08:30" and "13:00" not in starts and "14:00" in starts  # the lunch break moved
    # Outside the new hours the kiosk refuses with them in its message.
    clock.set(local(2026, 11, 16, 18))
    closed = None
    try:
        ticket_ops._hall_open(unit, timeutil.now(), ticket_ops.rules_for(unit.id))
    except ticket_ops.OperationError as exc:
        closed = exc
    assert closed is not None and closed.params["closes"] == "17:30"


def test_the_untrue_commitment_bar_is_a_setting_in_force_when_listed(ctx):
    assert tolerance_ops.bar_years() == 3
    later = timeutil.now() + timedelta(days=1)
    settings_ops.change(scope=Scope.GLOBAL, target="", values={"tolerance.untrue_commitment_bar_years": "2"},
                        effective_from=later, by=_admin(), now=timeutil.now())
    assert tolerance_ops.bar_years() == 3 and tolerance_ops.bar_years(later) == 2


def test_numbers_fixed_by_law_are_not_settings_and_the_page_changes_the_others(app, client):
    login(client, "admin")
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert "公安机关办理犯罪记录查询工作规定" in page and "180" in page
    response = client.post("/admin/settings/numbers", data={
        "csrf_token": csrf_from(page), "n-newborn_registration_max_age_years": "7",
        "n-tolerance_untrue_commitment_bar_years": "3", "n-truck_permit_max_validity_days": "365"})
    assert response.status_code == 302
    with app.app_context():
        assert settings_ops.global_value("newborn_registration.max_age_years", timeutil.now()) == 7
        page = client.get("/admin/settings/").get_data(as_text=True)
        assert "全省通办的新生儿年龄上限（周岁）" in page and ">6<" in page and ">7<" in page
        try:
            settings_ops.change(scope=Scope.GLOBAL, target="", values={"criminal_record.free_requests_per_year": 5},
                                effective_from=None, by=_admin(), now=timeutil.now())
        except settings_ops.OperationError as exc:
            assert exc.code == "settings.fixed_by_law"
        else:
            raise AssertionError("a V number was changed")
