"""Links that leave the page (QR codes, tracking URLs, download links in JSON): on
PUBLIC_BASE_URL when it is set, else on the host the visitor used."""
from __future__ import annotations

from flask import url_for

from app.operations import public_base_url


def external_url(endpoint: str, **values) -> str:
    return public_base_url() + url_for(endpoint, **values)
