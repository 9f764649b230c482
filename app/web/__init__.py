"""Blueprints: thin — parse, call an operation or the domain, render."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.web import (
        account,
        admin,
        admin_key_projects,
        admin_provisions,
        admin_settings,
        admin_terminals,
        api,
        appointments,
        auth,
        citizen,
        clerk,
        errors,
        evidence,
        kiosk,
        materials,
        newborn,
        observability,
        officer,
        permits,
        public,
        ratings,
        ratings_unit,
        seals,
        shop,
        supervisor,
        track,
        verify,
        window,
    )

    for module in (public, auth, account, citizen, clerk, admin, admin_terminals, admin_settings, admin_provisions, track, verify, api, shop, seals, newborn,
                   evidence, officer, permits, supervisor, appointments, kiosk, window,
                   ratings, ratings_unit, materials, observability,
                   admin_key_projects):  # foreigner_work_residence
        app.register_blueprint(module.bp)
    errors.init_app(app)
