"""Small keyword-only factories for integration tests (they go through the operations)."""
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.accounts import Unit, User
from app.operations import applications as application_ops
from app.operations import terminals as terminal_ops
from app.registries import get_registries
from tests.materials.helpers import staged


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def hall_terminal(unit_code: str, name: str = "一楼大厅1号机"):
    """A self-service terminal registered by the admin in the hall of `unit_code`: (device, credential)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    return terminal_ops.issue(admin=user("admin"), unit_id=unit.id, name=name, now=timeutil.now())


def home_station(username: str) -> str:
    """The unit code of the person's hukou police station."""
    return get_registries().household_of(user(username).id_number).station_unit_code


def file_criminal_record(app, username: str = "citizen", *, data: dict | None = None, at_terminal: bool = False):
    """From the 4th request in a year (`purpose_detail` given) the proof of purpose is uploaded too.
    `at_terminal`: filed at a registered terminal in the hall of the person's hukou station."""
    payload = {"applicant_type": "individual", "purpose": "入职"} | (data or {})
    applicant = user(username)
    if "purpose_detail" in payload and "materials" not in payload:
        payload["materials"] = {"purpose_proof": [staged(applicant, "criminal_record", "purpose_proof")]}
    terminal = hall_terminal(home_station(username))[0] if at_terminal else None
    return application_ops.file_application(applicant=applicant, service_code="criminal_record",
                                            data=payload, now=timeutil.now(), terminal=terminal)


def act(application, action: str, username: str, **fields):
    return application_ops.perform_action(application_id=application.id, action=action, user=user(username),
                                          fields=fields, now=timeutil.now())


def file_objection(app, username: str = "citizen2", *, reason: str = "该判决已经再审撤销"):
    """An objection review (异议复核) of the person's refused criminal-record query: the service with
    an extension (延长至30个工作日) at the station of the demo clerk and head. Returned submitted."""
    query = file_criminal_record(app, username)
    act(query, "accept", "clerk")
    act(query, "reject", "clerk", reason="经查询，有生效判决记录")
    return application_ops.file_application(
        applicant=user(username), service_code="criminal_record_objection",
        data={"original_number": query.number, "reason": reason}, now=timeutil.now())
