"""The SQL lights (queue filters, dashboards, supervision) give every application the light the
domain gives it, on every combination of state and clocks around the boundaries: a deadline
missing, passed, reached to the second or ahead, the clock running or suspended before or after it."""
import itertools
import secrets
from datetime import timedelta

from sqlalchemy import insert, select

from app.domain.catalogue import get_service
from app.domain.catalogue.base import Step
from app.domain.clock import light
from app.domain.workflow import OPEN_STATES, State
from app.extensions import db
from app.models.applications import Application
from app.operations import applications as application_ops
from app.operations import lights
from app.operations import queue as queue_ops
from app.operations.cursors import COUNT_CAP
from tests.conftest import local
from tests.operations.helpers import user

NOW = local(2026, 11, 18, 10)
DUES = (None, NOW - timedelta(hours=1), NOW, NOW + timedelta(hours=1))
PAUSES = (None, NOW - timedelta(minutes=90), NOW - timedelta(minutes=30))
STATES = (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED, State.APPROVED,
          State.ISSUED, State.REJECTED)


def _rows(applicant_id: int, unit_id: int) -> list[dict]:
    rows = []
    for n, (state, statutory, yellow, acceptance, delivery, paused) in enumerate(
            itertools.product(STATES, DUES, DUES, DUES, DUES, PAUSES)):
        rows.append({"number": f"LT{n:014d}", "tracking_token": secrets.token_urlsafe(24), "service_code": "criminal_record",
                     "state": state.value, "unit_id": unit_id, "applicant_user_id": applicant_id, "data": {},
                     "statutory_due_at": statutory, "yellow_from_at": yellow, "acceptance_due_at": acceptance,
                     "delivery_due_at": delivery, "paused_since": paused, "created_at": NOW, "updated_at": NOW,
                     # some with no deadline to work against: the queue lists those last
                     "work_due_at": (None, statutory, acceptance)[n % 3]})
    return rows


def _domain_lights(applications) -> dict[str, set[int]]:
    in_domain = {colour: set() for colour in ("red", "yellow", "green")}
    for a in applications:
        colour = light(State(a.state), application_ops.stored_clocks(a), NOW)
        if colour is not None:
            in_domain[colour.value].add(a.id)
    return in_domain


def test_every_sql_light_is_the_domain_light_of_every_combination_of_state_and_clocks(app):
    with app.app_context():
        citizen = user("citizen")
        db.session.execute(insert(Application), _rows(citizen.id, user("clerk").unit_id))
        db.session.commit()
        applications = db.session.scalars(select(Application).where(Application.number.like("LT%"))).all()
        assert len(applications) == len(STATES) * len(DUES) ** 4 * len(PAUSES)
        in_domain = _domain_lights(applications)
        assert all(in_domain.values())  # each light is there to be found
        for colour, ids in in_domain.items():
            in_sql = set(db.session.scalars(select(Application.id).where(
                Application.number.like("LT%"), getattr(lights, colour)(NOW))))
            assert in_sql == ids, colour


def test_the_queue_by_each_light_pages_through_exactly_the_open_items_with_that_light(app):
    """The queue's statements are built once per set of filters, with the time and the cursor as
    parameters: every page, dated and undated, of every light, holds the domain's items once."""
    with app.app_context():
        clerk = user("clerk")
        db.session.execute(insert(Application), _rows(user("citizen").id, clerk.unit_id))
        db.session.commit()
        applications = db.session.scalars(select(Application)).all()
        in_domain = _domain_lights([a for a in applications if State(a.state) in OPEN_STATES
                                    and not (a.state == State.APPROVED and not get_service(a.service_code).has(Step.ISSUE))])
        for colour, ids in in_domain.items():
            seen, after, first_total = [], None, None
            for _ in range(100):
                items, total, after = queue_ops.queue(clerk, queue_ops.QueueFilters(light=colour), now=NOW,
                                                      per_page=200, after=after)
                first_total = first_total or total
                seen += [item.id for item in items]
                if after is None:
                    break
            assert len(seen) == len(set(seen)) and set(seen) == ids, colour
            assert (first_total.count, first_total.more) == (min(len(ids), COUNT_CAP), len(ids) > COUNT_CAP)
