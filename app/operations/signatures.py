"""Signed certificates (电子证照): the signing keys and the facts a signature covers (a leaf:
documents sign with it; verification, roadside checks and the wallet check with it)."""
from __future__ import annotations

import hashlib

from flask import current_app

from app import timeutil
from app.documents.signing import SigningKeys
from app.models.applications import Certificate


def signing_keys() -> SigningKeys:
    return SigningKeys(current_app.config["SIGNING_KEYS"])


def facts_hash(number: str, holder_name: str, id_number: str | None, issued_at) -> str:
    facts = f"{number}|{holder_name}|{id_number or ''}|{issued_at.astimezone(timeutil.UTC).isoformat()}"
    return hashlib.sha256(facts.encode()).hexdigest()


def certificate_facts_hash(certificate: Certificate) -> str:
    """Recomputed from the stored facts at verification: any changed fact fails."""
    return facts_hash(certificate.number, certificate.holder_name,
                      certificate.application.subject_id_number, certificate.issued_at)


def is_genuine(certificate: Certificate, signature: str) -> bool:
    """One changed character in the number, the signature or the stored facts fails."""
    return (signing_keys().verify(certificate.kind, certificate.number, certificate.content_sha256, signature or "")
            and certificate_facts_hash(certificate) == certificate.content_sha256)
