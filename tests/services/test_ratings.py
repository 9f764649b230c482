"""好差评: rate an ended matter once; a bad rating opens a rectification work order with a
15-working-day clock on the engine; the supervisor closes it only with a call-back record; flagged
ratings stay but are left out of the figures."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.domain.calendar import due_at
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue.base import workdays
from app.domain.ratings import (
    LEVELS,
    Level,
    RatingRecord,
    RatingRefused,
    check_callback,
    check_rating,
    figures,
    figures_by,
    matter_ended,
)
from app.extensions import db
from app.models.applications import Application, Document
from app.models.notifications import Notification
from app.models.ratings import Rating
from app.operations import OperationError
from app.operations import ratings as rating_ops
from app.operations.events import calendar_for, clocks_for
from app.operations.sla import sweep
from tests.conftest import api_token, csrf_from, local, login
from tests.operations.helpers import act, file_criminal_record, user

CALLBACK = {"callback_date": "2026-11-18", "callback_contact_made": "yes",
            "callback_summary": "已电话联系评价人，反映窗口等候时间过长。",
            "measures": "增开一个窗口并在高峰时段安排预约分流。"}


def finished(ctx, clock, username="citizen"):
    """An issued no-criminal-record certificate (filed at the terminal: decided on the spot)."""
    return file_criminal_record(ctx, username, at_terminal=True)


def rate(application, level, comment="", username="citizen"):
    return rating_ops.rate(user=user(username), application_id=application.id, level=level, comment=comment,
                           now=timeutil.now())


# --- pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("service, state, ended", [
    ("criminal_record", "issued", True),
    ("criminal_record", "approved", False),  # the certificate is still to be issued
    ("criminal_record_objection", "approved", True),  # nothing to issue after the opinion
    ("criminal_record", "rejected", True),
    ("criminal_record", "not_accepted", True),
    ("criminal_record", "closed", True),
    ("criminal_record", "revoked", True),
    ("criminal_record", "withdrawn", False),
    ("criminal_record", "accepted", False),
    ("criminal_record", "submitted", False),
])
def test_when_a_matter_has_ended(service, state, ended):
    assert matter_ended(CATALOGUE[service], state) is ended


def test_rating_rules():
    service = CATALOGUE["criminal_record"]
    assert check_rating(service, "issued", "satisfied", "  很快 ", already_rated=False) == (Level.SATISFIED, "很快")
    for state, level, comment, rated, code in [
        ("accepted", "satisfied", "", False, "rating.not_ended"),
        ("issued", "satisfied", "", True, "rating.already_rated"),
        ("issued", "great", "", False, "rating.level"),
        ("issued", "satisfied", "字" * 501, False, "rating.comment_too_long"),
    ]:
        with pytest.raises(RatingRefused) as refused:
            check_rating(service, state, level, comment, already_rated=rated)
        assert refused.value.code == code
    check_rating(service, "issued", "satisfied", "字" * 500, already_rated=False)
    with pytest.raises(RatingRefused):
        check_rating(CATALOGUE["rating_rectification"], "approved", "satisfied", "", already_rated=False)


@pytest.mark.parametrize("missing", ["callback_date", "callback_contact_made", "callback_summary", "measures"])
def test_a_call_back_record_is_complete(missing):
    with pytest.raises(RatingRefused) as refused:
        check_callback({k: v for k, v in CALLBACK.items() if k != missing}, rated_on=date(2026, 11, 16),
                       today=date(2026, 11, 20))
    assert refused.value.field == missing
    with pytest.raises(RatingRefused, match="回访日期"):
        check_callback(CALLBACK | {"callback_date": "2026-11-21"}, rated_on=date(2026, 11, 16),
                       today=date(2026, 11, 20))


records = st.lists(st.builds(RatingRecord, level=st.sampled_from(LEVELS), service_code=st.sampled_from(["a", "b"]),
                             unit_id=st.sampled_from([1, 2]), flagged=st.booleans()), max_size=60)


@given(records)
def test_figures_count_every_unflagged_rating_once(items):
    result = figures(items)
    assert result.counted + result.excluded == len(items)
    assert result.excluded == sum(r.flagged for r in items)
    assert result.bad == sum(1 for r in items if not r.flagged and r.level in (Level.DISSATISFIED,
                                                                               Level.VERY_DISSATISFIED))
    if result.counted:
        assert 0 <= result.satisfaction_rate <= 1
        assert result.satisfaction_rate + result.bad_rate == 1
    else:
        assert result.satisfaction_rate is None
    groups = figures_by(items, lambda r: r.service_code)
    assert sum(g.counted for g in groups.values()) == result.counted
    assert sum(g.excluded for g in groups.values()) == result.excluded


@given(records, st.sampled_from(LEVELS))
def test_a_flagged_rating_never_moves_the_figures(items, level):
    before = figures(items)
    after = figures([*items, RatingRecord(level, "a", 1, flagged=True)])
    assert after.counts == before.counts and after.satisfaction_rate == before.satisfaction_rate
    assert after.excluded == before.excluded + 1


def test_satisfaction_rate_example():
    items = [RatingRecord(Level.VERY_SATISFIED, "a", 1), RatingRecord(Level.BASICALLY_SATISFIED, "a", 1),
             RatingRecord(Level.DISSATISFIED, "a", 1), RatingRecord(Level.VERY_DISSATISFIED, "a", 1, flagged=True)]
    result = figures(items).as_dict()
    assert result["counted"] == 3 and result["bad"] == 1 and result["excluded"] == 1
    assert result["satisfaction_rate"] == 66.7


# --- rating ----------------------------------------------------------------------------------


def test_rating_before_the_matter_ends_is_refused(ctx, clock):
    application = file_criminal_record(ctx)
    act(application, "accept", "clerk")
    with pytest.raises(OperationError) as refused:
        rate(application, "satisfied")
    assert refused.value.code == "rating.not_ended" and refused.value.status == 409
    assert db.session.scalar(select(Rating)) is None


def test_a_matter_is_rated_once_only(ctx, clock):
    application = finished(ctx, clock)
    rating = rate(application, "satisfied", "办得很快")
    assert rating.level == "satisfied" and rating.work_order_id is None and rating.unit_id == application.unit_id
    clock.advance(days=1)
    with pytest.raises(OperationError) as refused:
        rate(application, "very_dissatisfied")
    assert refused.value.code == "rating.already_rated"
    assert db.session.scalar(select(Rating).where(Rating.application_id == application.id)).level == "satisfied"
    # The database refuses a second rating whatever the code does.
    db.session.add(Rating(application_id=application.id, rater_user_id=user("citizen").id,
                          unit_id=application.unit_id, service_code="criminal_record", level="satisfied",
                          comment="", flag_reason="", created_at=timeutil.now()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_only_the_applicant_rates_their_own_matter(ctx, clock):
    application = finished(ctx, clock)
    with pytest.raises(OperationError) as refused:
        rate(application, "satisfied", username="citizen2")
    assert refused.value.status == 404


# --- the work order -----------------------------------------------------------------------------


def test_a_bad_rating_opens_a_work_order_with_its_15_working_day_clock(ctx, clock):
    application = finished(ctx, clock)
    rating = rate(application, "very_dissatisfied", "窗口等候时间太长")
    order = db.session.get(Application, rating.work_order_id)
    assert order.service_code == "rating_rectification" and order.state == "accepted"
    assert order.unit_id == application.unit_id and order.applicant_user_id == user("citizen").id
    assert order.data["rated_number"] == application.number and order.data["level"] == "very_dissatisfied"
    # Accepted by the system at once; 15 working days from the rating (the day itself not counted).
    assert order.accepted_as_of == timeutil.now()
    assert order.statutory_due_at == local(2026, 12, 7, 23, 59).replace(second=59)
    assert order.statutory_due_at == due_at(timeutil.now(), workdays(15), calendar=calendar_for(order))
    assert order.promised_due_at == order.statutory_due_at == clocks_for(order).statutory_due_at
    assert [e.action for e in order.events] == ["submit", "accept"]
    assert [e.actor_kind for e in order.events] == ["applicant", "system"]
    # The rater is told, and tracks it as their own.
    told = db.session.scalars(select(Notification).where(Notification.application_id == order.id)).all()
    assert [n.kind for n in told] == ["accepted"] and "2026年12月7日" in told[0].body
    assert "非常不满意" in told[0].body and application.number in told[0].body


def test_the_unit_supervisor_sees_it_and_another_unit_does_not(app, client, clock):
    with app.app_context():
        application = finished(app, clock)
        order_id = rate(application, "dissatisfied", "态度不好").work_order_id
        number = db.session.get(Application, order_id).number
    login(client, "supervisor")
    page = client.get("/ratings/unit/").get_data(as_text=True)
    assert number in page and "态度不好" in page
    assert number in client.get("/desk/").get_data(as_text=True)  # in the unit's queue too
    assert client.get(f"/ratings/unit/work-orders/{order_id}").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_from(page)})
    login(client, "clerk_jianan")
    assert client.get(f"/desk/applications/{order_id}").status_code == 404
    assert client.get("/ratings/unit/").status_code == 403  # clerks: the supervisor's pages only


def test_closing_without_a_call_back_is_refused(ctx, clock):
    application = finished(ctx, clock)
    order_id = rate(application, "very_dissatisfied", "等候太久").work_order_id
    clock.set(local(2026, 11, 18, 15))
    supervisor = user("supervisor")
    for fields, code in [({}, "callback.missing"),
                         ({"measures": "加强培训", "callback_summary": "已沟通"}, "callback.missing"),
                         (CALLBACK | {"measures": " "}, "callback.measures")]:
        with pytest.raises(OperationError) as refused:
            rating_ops.close_work_order(user=supervisor, application_id=order_id, fields=fields, now=timeutil.now())
        assert refused.value.code == code and refused.value.status == 422
    # The generic staff action with no call-back: refused too.
    with pytest.raises(OperationError):
        act(db.session.get(Application, order_id), "approve", "supervisor")
    # A clerk of the unit may not close it, even with a complete record.
    with pytest.raises(OperationError) as refused:
        act(db.session.get(Application, order_id), "approve", "clerk", **CALLBACK)
    assert refused.value.status == 403
    order = db.session.get(Application, order_id)
    assert order.state == "accepted" and len(order.events) == 2
    assert db.session.scalars(select(Document).where(Document.application_id == order_id,
                                                     Document.kind == "outcome")).all() == []

    rating_ops.close_work_order(user=supervisor, application_id=order_id, fields=CALLBACK, now=timeutil.now())
    db.session.expire_all()
    order = db.session.get(Application, order_id)
    assert order.state == "approved"
    closing = order.events[-1]
    assert closing.action == "approve" and closing.actor_kind == "supervisor"
    assert closing.payload["callback_date"] == "2026-11-18" and closing.payload["callback_contact_made"] is True
    assert closing.payload["measures"] == CALLBACK["measures"]
    assert [d.title for d in order.documents if d.kind == "outcome"] == ["差评整改情况告知书"]
    told = db.session.scalars(select(Notification).where(Notification.application_id == order_id,
                                                         Notification.kind == "approved")).one()
    assert "整改措施：增开一个窗口并在高峰时段安排预约分流。整改情况告知书" in told.body
    assert "/ratings/" not in told.body  # a work order is not rated
    closed = rating_ops.rating_figures(order.unit_id, period=(date(2026, 11, 16), date(2026, 11, 18)))
    assert (closed.work_orders_opened, closed.work_orders_open, closed.work_orders_closed_in_time) == (1, 0, 1)
    assert rating_ops.unit_work_orders(supervisor, open_only=True) == []


@pytest.mark.parametrize("action, username, fields", [
    ("reject", "supervisor", {"reason": "恶意差评"}),
    ("withdraw", "citizen", {}),
])
def test_a_work_order_is_neither_refused_nor_withdrawn(ctx, clock, action, username, fields):
    order_id = rate(finished(ctx, clock), "dissatisfied").work_order_id
    with pytest.raises(OperationError) as refused:
        act(db.session.get(Application, order_id), action, username, **fields)
    assert refused.value.code == "rectification.action"
    assert db.session.get(Application, order_id).state == "accepted"


def test_an_unclosed_work_order_turns_red_and_escalates_on_the_engine(ctx, clock):
    order_id = rate(finished(ctx, clock), "dissatisfied").work_order_id
    result = sweep(as_of=local(2026, 12, 8, 9), now=local(2026, 12, 8, 9))
    assert (order_id, "escalate") in result.fired
    figures_now = rating_ops.rating_figures(user("supervisor").unit_id, period=(date(2026, 11, 1), date(2026, 12, 8)),
                                            now=local(2026, 12, 8, 9))
    assert figures_now.work_orders_open == 1 and figures_now.work_orders_overdue == 1


def test_a_work_order_cannot_be_filed_directly(client):
    headers = api_token(client, "citizen")
    response = client.post("/api/v1/applications", json={"service": "rating_rectification", "data": {"rating_id": 1}},
                           headers=headers)
    assert response.status_code == 409 and response.get_json()["error"] == "rectification.no_rating"


# --- flags and figures -----------------------------------------------------------------------------


def test_flagged_ratings_are_kept_but_left_out_of_the_figures(ctx, clock):
    first, second, third = (finished(ctx, clock) for _ in range(3))
    rate(first, "very_satisfied")
    bad = rate(second, "very_dissatisfied", "骂人的话")
    rate(third, "dissatisfied", "等候太久")
    unit_id = first.unit_id
    period = (date(2026, 11, 16), date(2026, 11, 16))
    before = rating_ops.rating_figures(unit_id, period=period)
    assert before.total.counted == 3 and before.total.bad == 2 and before.work_orders_opened == 2

    supervisor = user("supervisor")
    with pytest.raises(OperationError) as refused:
        rating_ops.flag_rating(user=supervisor, rating_id=bad.id, flag="malicious", reason=" ", now=timeutil.now())
    assert refused.value.field == "reason"
    with pytest.raises(OperationError) as refused:
        rating_ops.flag_rating(user=user("clerk"), rating_id=bad.id, flag="malicious", reason="辱骂", now=timeutil.now())
    assert refused.value.status == 403
    rating_ops.flag_rating(user=supervisor, rating_id=bad.id, flag="malicious", reason="评价内容为辱骂，与办事无关",
                           now=timeutil.now())
    with pytest.raises(OperationError) as refused:
        rating_ops.flag_rating(user=supervisor, rating_id=bad.id, flag="mistaken", reason="再改", now=timeutil.now())
    assert refused.value.code == "rating.already_flagged"

    after = rating_ops.rating_figures(unit_id, period=period)
    assert after.total.counted == 2 and after.total.excluded == 1 and after.total.bad == 1
    assert after.total.as_dict()["satisfaction_rate"] == 50.0
    assert after.by_service["criminal_record"].counted == 2
    assert rating_ops.rating_figures(unit_id, "criminal_record", period=period).total.counted == 2
    assert rating_ops.rating_figures(unit_id, "seal_engraving", period=period).total.counted == 0
    assert rating_ops.rating_figures(unit_id, period=(date(2026, 11, 17), date(2026, 11, 30))).total.counted == 0
    kept = db.session.get(Rating, bad.id)
    assert kept.level == "very_dissatisfied" and kept.comment == "骂人的话" and kept.flag == "malicious"
    assert kept.flagged_by_id == supervisor.id and kept.work_order_id is not None  # still called back


# --- the pages ------------------------------------------------------------------------------------


def test_applicant_rates_on_the_page_once(app, client, clock):
    with app.app_context():
        application_id = finished(app, clock).id
    login(client, "citizen")
    index = client.get("/ratings/").get_data(as_text=True)
    assert f"/ratings/applications/{application_id}" in index
    page = client.get(f"/ratings/applications/{application_id}")
    assert page.status_code == 200 and "非常不满意" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    missing = client.post(f"/ratings/applications/{application_id}", data={"csrf_token": token})
    assert missing.status_code == 422 and "请选择评价等级" in missing.get_data(as_text=True)
    done = client.post(f"/ratings/applications/{application_id}",
                       data={"csrf_token": token, "level": "dissatisfied", "comment": "材料要求不清楚"})
    assert done.status_code == 302
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已生成差评整改工单" in shown and "材料要求不清楚" in shown
    again = client.post(f"/ratings/applications/{application_id}",
                        data={"csrf_token": token, "level": "very_satisfied"})
    assert again.status_code == 409 and "只能评价一次" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Rating).where(Rating.application_id == application_id)).level == "dissatisfied"


def test_supervisor_closes_the_work_order_on_the_page(app, client, clock):
    with app.app_context():
        order_id = rate(finished(app, clock), "very_dissatisfied", "等候太久").work_order_id
    clock.set(local(2026, 11, 18, 15))
    login(client, "supervisor")
    page = client.get(f"/ratings/unit/work-orders/{order_id}").get_data(as_text=True)
    assert "138****0001" in page and "13803740001" not in page
    token = csrf_from(page)
    revealed = client.post(f"/ratings/unit/work-orders/{order_id}/phone", data={"csrf_token": token})
    assert "13803740001" in revealed.get_data(as_text=True)
    refused = client.post(f"/ratings/unit/work-orders/{order_id}",
                          data={"csrf_token": token, "callback_contact_made": "yes", "measures": "加强培训"})
    assert refused.status_code == 422 and "回访日期" in refused.get_data(as_text=True)
    closed = client.post(f"/ratings/unit/work-orders/{order_id}", data={"csrf_token": token, **CALLBACK})
    assert closed.status_code == 302
    shown = client.get(closed.headers["Location"]).get_data(as_text=True)
    assert "增开一个窗口" in shown and "差评整改情况告知书" in shown
    with app.app_context():
        from app.models.accounts import AccessLog

        assert db.session.scalar(select(AccessLog).where(AccessLog.action == "rating.rater_phone")) is not None
