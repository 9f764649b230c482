"""Certificate verification, from the QR code's signed link or by the number and the printed
核验码: genuine, revoked, not genuine (a link that fails), no match (a number and code that do
not fit), or the code still to be typed. Logged."""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select

from app import timeutil
from app.documents.signing import check_code, normalise_check_code
from app.domain.identifiers import mask_name
from app.domain.text import N_
from app.domain.workflow import Decision, State
from app.extensions import db
from app.models.applications import Application, ApplicationEvent, Certificate
from app.operations.audit import log_access
from app.operations.signatures import is_genuine


@dataclass(frozen=True)
class Verdict:
    status: str  # genuine | revoked | not_genuine | no_match | needs_code
    number: str
    kind: str = ""
    holder: str = ""
    issued_at: str = ""
    issuer: str = ""
    issuer_en: str = ""
    revoked_at: str = ""

    @property
    def message(self) -> str:
        return {
            "genuine": N_("该证明真实有效。"),
            "revoked": N_("该证明已被撤销，不再有效。"),
            "not_genuine": N_("未能核验：该证明不是本平台出具的真实证明，或内容已被篡改。"),
            "needs_code": N_("请输入证明上印制的8位核验码（在二维码旁），以完成核验。"),
            "no_match": N_("未能核验：证明编号与核验码不相符。请核对证明上印制的编号和核验码；如仍有疑问，请联系出具单位。"),
        }[self.status]

    def as_dict(self) -> dict:
        return {"status": self.status, "message": self.message, "number": self.number, "kind": self.kind,
                "holder": self.holder, "issued_at": self.issued_at, "issuer": self.issuer,
                "revoked_at": self.revoked_at}


def verify(number: str, signature: str = "", code: str = "") -> Verdict:
    """By the signed link (the QR code): one changed character in the number, the signature or
    the stored facts fails — `not_genuine`. By the number and the printed 核验码: a certificate
    is never called forged for a mistyped code — `no_match` says to check both; with neither,
    `needs_code` asks for the code."""
    number = number.strip()[:40]
    if not signature and not code:
        return Verdict("needs_code", number)
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == number))
    if signature:
        genuine = certificate is not None and is_genuine(certificate, signature)
        failed = "not_genuine"
    else:
        genuine = (certificate is not None and is_genuine(certificate, certificate.signature)
                   and hmac.compare_digest(normalise_check_code(code), check_code(certificate.signature)))
        failed = "no_match"
    if not genuine:
        verdict = Verdict(failed, number)
    else:
        verdict = Verdict(
            "revoked" if certificate.revoked_at else "genuine",
            certificate.number,
            kind=certificate.kind,
            holder=mask_name(certificate.holder_name),
            issued_at=timeutil.local(certificate.issued_at).strftime("%Y-%m-%d"),
            issuer=certificate.application.unit.name,
            issuer_en=certificate.application.unit.name_en or certificate.application.unit.name,
            revoked_at=timeutil.local(certificate.revoked_at).strftime("%Y-%m-%d") if certificate.revoked_at else "",
        )
    log_access(actor=None, action=f"certificate.verify.{verdict.status}", subject_kind="certificate",
               subject_id=number)
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
