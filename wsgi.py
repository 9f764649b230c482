"""WSGI entry point: `flask --app wsgi ...` and production servers load `app` from here."""
import logging
import os

from app import create_app

if not os.environ.get("PORTAL_CONFIG"):
    logging.getLogger("app").warning(
        "\n" + "!" * 78 + "\n"
        "PORTAL_CONFIG is not set: this is the DEVELOPMENT configuration (SQLite, secrets kept in\n"
        "instance/, no shared stores). Never serve the public with it: set PORTAL_CONFIG=production.\n"
        + "!" * 78)

app = create_app()
