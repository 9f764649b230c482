"""The SQL lights (queue filters, dashboards, supervision) give every application the light the
domain gives it, on every combination of state and clocks around the boundaries: a deadline
missing, passed, reached to the second or ahead, the clock running or suspended before or after it."""
import itertools
import secrets
from datetime import timedelta

from sqlalchemy import insert, select

from app.domain.clock import light
from app.domain.workflow import State
from app.extensions import db
from app.models.applications import Application
from app.operations import applications as application_ops
from app.operations import lights
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
                     "delivery_due_at": delivery, "paused_since": paused, "created_at": NOW, "updated_at": NOW})
    return rows


def test_every_sql_light_is_the_domain_light_of_every_combination_of_state_and_clocks(app):
    with app.app_context():
        citizen = user("citizen")
        db.session.execute(insert(Application), _rows(citizen.id, user("clerk").unit_id))
        db.session.commit()
        applications = db.session.scalars(select(Application).where(Application.number.like("LT%"))).all()
        assert len(applications) == len(STATES) * len(DUES) ** 4 * len(PAUSES)
        in_domain = {colour: set() for colour in ("red", "yellow", "green")}
        for a in applications:
            colour = light(State(a.state), application_ops.stored_clocks(a), NOW)
            if colour is not None:
                in_domain[colour.value].add(a.id)
        assert all(in_domain.values())  # each light is there to be found
        for colour, ids in in_domain.items():
            in_sql = set(db.session.scalars(select(Application.id).where(
                Application.number.like("LT%"), getattr(lights, colour)(NOW))))
            assert in_sql == ids, colour
