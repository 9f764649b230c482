"""Blueprints: thin — parse, call an operation or the domain, render."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.web import (
        account,
        admin,
        api,
        auth,
        citizen,
        clerk,
        errors,
        evidence,
        newborn,
        officer,
        permits,
        public,
        seals,
        shop,
        track,
        verify,
    )

    for module in (public, auth, account, citizen, clerk, admin, track, verify, api, shop, seals, permits,
                   newborn, evidence, officer):
        app.register_blueprint(module.bp)
    errors.init_app(app)
