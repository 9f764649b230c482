"""No ID number, phone or token in a log line (app/logfilter.py), and no SQL parameter in an
error (hide_parameters)."""
import io
import logging
import secrets

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import logfilter
from app.extensions import db

ID_NUMBER = "411002199003151234"
PHONE = "13812345678"
TRACKING_TOKEN = "Vq3xK9bLm2PzR7tYw4NcDf8HjQ1sUe6A"  # the shape of secrets.token_urlsafe(24)
API_TOKEN = "kD3-fT9_bQ2xLm7RzW4yNc8VhJ1sPe6AuG5oXi0ZtYq"  # token_urlsafe(32)
SECRETS = (ID_NUMBER, PHONE, TRACKING_TOKEN, API_TOKEN)


def _capture(logger_name: str):
    """A handler of our own with the filter, on a logger that does not propagate."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(logfilter.RedactingFilter())
    logger = logging.getLogger(logger_name)
    logger.handlers, logger.propagate, logger.disabled = [handler], False, False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_message_arguments_and_exception_are_masked():
    logger, stream = _capture("tests.logfilter.unit")
    try:
        raise ValueError(f"lookup failed for {ID_NUMBER} at /t/{TRACKING_TOKEN}")
    except ValueError:
        logger.exception("user %s phone=%s token %s", ID_NUMBER, PHONE, API_TOKEN)
    logger.info('127.0.0.1 - - "GET /t/%s?explain=1 HTTP/1.1" 200 -', TRACKING_TOKEN)
    logger.info("Authorization: Bearer %s", API_TOKEN)
    logger.info("lookup /track?token=%s", TRACKING_TOKEN[:20])
    logger.info("%(who)s called", {"who": PHONE})
    written = stream.getvalue()
    for secret in (*SECRETS, TRACKING_TOKEN[:20]):
        assert secret not in written, secret
    assert "ValueError: lookup failed for 4110021990******** at /t/***" in written
    assert "user 4110021990******** phone=138****5678 token ***" in written
    assert '"GET /t/***?explain=1 HTTP/1.1" 200' in written
    assert "Bearer ***" in written and "/track?token=***" in written and "138****5678 called" in written


def test_what_is_not_personal_stays_readable():
    logger, stream = _capture("tests.logfilter.plain")
    digest = "9f2c" * 16  # a hex digest: one case only, not a token
    logger.info("application FZ20261116000001 accepted digest=%s user_id=%s", digest, 42)
    assert stream.getvalue().strip() == f"INFO application FZ20261116000001 accepted digest={digest} user_id=42"


@pytest.mark.parametrize("length", [24, 32])
def test_any_generated_token_is_masked(length):
    logger, stream = _capture("tests.logfilter.tokens")
    for _ in range(50):
        logger.info("token=%s;", secrets.token_urlsafe(length))
    assert stream.getvalue().count("token=***;") == 50


def test_records_of_any_logger_are_masked_once_the_app_exists(app, caplog):
    """create_app installs the masking for every record, so even a handler added afterwards
    (pytest's, here) sees masked text."""
    caplog.set_level(logging.INFO)
    for name in ("app.operations.anything", "werkzeug", "gunicorn.access", "celery.worker"):
        logging.getLogger(name).disabled = False
        logging.getLogger(name).info("citizen %s %s /t/%s", ID_NUMBER, PHONE, TRACKING_TOKEN)
    assert caplog.text.count("citizen 4110021990******** 138****5678 /t/***") == 4
    for secret in SECRETS:
        assert secret not in caplog.text
    root = logging.getLogger()
    assert all(any(isinstance(f, logfilter.RedactingFilter) for f in h.filters) for h in root.handlers
               if h not in (caplog.handler,) and not type(h).__name__.startswith("_LiveLogging"))


def test_sql_parameters_never_reach_the_error_text(app):
    with app.app_context(), pytest.raises(DBAPIError) as failed:
        db.session.execute(text("SELECT id FROM no_such_table WHERE id_number = :n"), {"n": ID_NUMBER})
    assert ID_NUMBER not in str(failed.value)
    assert "hidden" in str(failed.value)  # "[SQL parameters hidden due to hide_parameters=True]"


def test_a_database_error_through_the_app_logs_no_id_number(app, client, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("app"), "disabled", False)  # Alembic's set-up disables it

    def missing_table():
        db.session.execute(text("SELECT id FROM no_such_table WHERE id_number = :n"), {"n": ID_NUMBER})

    def duplicate():
        # The database itself repeats the value in its message (PostgreSQL: "Key (id_number)=(…)
        # already exists"): the log filter masks that.
        existing = db.session.execute(text("SELECT id_number FROM users WHERE id_number IS NOT NULL")).scalar()
        db.session.execute(text("UPDATE users SET id_number = :n WHERE id_number IS NULL"), {"n": existing})
        db.session.commit()

    app.add_url_rule("/_test/missing-table", "missing_table", missing_table)
    app.add_url_rule("/_test/duplicate", "duplicate", duplicate)
    caplog.set_level(logging.INFO)
    assert client.get("/_test/missing-table").status_code == 500
    assert client.get("/_test/duplicate").status_code == 500
    assert "unhandled error" in caplog.text
    assert "no_such_table" in caplog.text and ("IntegrityError" in caplog.text or "UniqueViolation" in caplog.text)
    with app.app_context():
        numbers = db.session.execute(text("SELECT id_number FROM users WHERE id_number IS NOT NULL")).scalars().all()
    for number in (ID_NUMBER, *numbers):
        assert number not in caplog.text
