"""Certificate verification from the QR code: genuine, revoked, or not genuine. Logged."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import timeutil
from app.domain.identifiers import mask_name
from app.domain.workflow import Decision, State
from app.extensions import db
from app.models.applications import Application, ApplicationEvent, Certificate
from app.operations.audit import log_access
from app.operations.signatures import is_genuine


@dataclass(frozen=True)
class Verdict:
    status: str  # genuine | revoked | not_genuine
    number: str
    kind: str = ""
    holder: str = ""
    issued_at: str = ""
    issuer: str = ""
    revoked_at: str = ""

    @property
    def message(self) -> str:
        return {
            "genuine": "该证明真实有效。",
            "revoked": "该证明已被撤销，不再有效。",
            "not_genuine": "未能核验：该证明不是本平台出具的真实证明，或内容已被篡改。",
        }[self.status]

    def as_dict(self) -> dict:
        return {"status": self.status, "message": self.message, "number": self.number, "kind": self.kind,
                "holder": self.holder, "issued_at": self.issued_at, "issuer": self.issuer,
                "revoked_at": self.revoked_at}


def verify(number: str, signature: str) -> Verdict:
    """One changed character in the number, the signature or the stored facts fails."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number[:40]))
    if certificate is None or not is_genuine(certificate, signature):
        verdict = Verdict("not_genuine", number[:40])
    else:
        verdict = Verdict(
            "revoked" if certificate.revoked_at else "genuine",
            certificate.number,
            kind=certificate.kind,
            holder=mask_name(certificate.holder_name),
            issued_at=timeutil.local(certificate.issued_at).strftime("%Y-%m-%d"),
            issuer=certificate.application.unit.name,
            revoked_at=timeutil.local(certificate.revoked_at).strftime("%Y-%m-%d") if certificate.revoked_at else "",
        )
    log_access(actor=None, action=f"certificate.verify.{verdict.status}", subject_kind="certificate",
               subject_id=number[:40])
    db.session.commit()
    return verdict


def on_event_recorded(application: Application, *, event: ApplicationEvent, decision: Decision) -> None:
    """Subscriber: a revoked matter revokes its certificates (verification says so at once)."""
    if decision.to_state != State.REVOKED:
        return
    for certificate in db.session.scalars(select(Certificate).where(Certificate.application_id == application.id)):
        if certificate.revoked_at is None:
            certificate.revoked_at = event.occurred_at
            certificate.revoked_reason = decision.reason[:200]
