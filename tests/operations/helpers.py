"""Small keyword-only factories for integration tests (they go through the operations)."""
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.accounts import User
from app.operations import applications as application_ops
from tests.materials.helpers import staged


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def file_criminal_record(app, username: str = "citizen", *, data: dict | None = None):
    """From the 4th request in a year (`purpose_detail` given) the proof of purpose is uploaded too."""
    payload = {"applicant_type": "individual", "purpose": "入职"} | (data or {})
    applicant = user(username)
    if "purpose_detail" in payload and "materials" not in payload:
        payload["materials"] = {"purpose_proof": [staged(applicant, "criminal_record", "purpose_proof")]}
    return application_ops.file_application(applicant=applicant, service_code="criminal_record",
                                            data=payload, now=timeutil.now())


def act(application, action: str, username: str, **fields):
    return application_ops.perform_action(application_id=application.id, action=action, user=user(username),
                                          fields=fields, now=timeutil.now())
