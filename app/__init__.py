"""警务通办 — the police e-services portal. `create_app` is the only place that wires things."""
from __future__ import annotations

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, INSTANCE_DIR, DevelopmentConfig, ProductionConfig


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = config_name or os.environ.get("PORTAL_CONFIG", "development")
    config_class = CONFIGS[config_name]
    if config_class is DevelopmentConfig:
        DevelopmentConfig.load_secrets()

    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    if config_class is ProductionConfig:
        ProductionConfig.check(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has one writer at a time: under many simultaneous filings the others must wait
        # their turn (pysqlite's busy timeout, 5 s by default) rather than fail "database is locked".
        # A file cannot drop a connection the way a server can: no ping before every checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]},
            "pool_pre_ping": False,
        }
    if app.config["PROXY_HOPS"] > 0:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    os.makedirs(app.instance_path, exist_ok=True)
    from app import logfilter, logformat

    logformat.configure(app.config["LOG_FORMAT"])
    logfilter.install()
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A store that hangs must fail the request (503), not hold it until the client gives up.
        timeout = app.config["RATELIMIT_STORAGE_TIMEOUT_SECONDS"]
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": timeout,
                                                            "socket_timeout": timeout})
    if config_class is ProductionConfig and app.config["ALLOW_SIMULATED_REGISTRIES"]:
        logging.getLogger("app").warning("ALLOW_SIMULATED_REGISTRIES=1: the registries are the simulated "
                                         "ones (a demo deployment)")

    from app import models  # noqa: F401  (registers every table on the metadata)
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.jobs import dispatchers
    from app.operations import subscribers
    from app.web import i18n, observability, page_cache, security, static_files, templating

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Asia/Shanghai")
    limiter.init_app(app)
    observability.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    page_cache.init_app(app)
    static_files.init_app(app)
    subscribers.connect()
    dispatchers.init_app(app)

    from app.web import bounded_input, register_blueprints

    bounded_input.init_app(app)

    register_blueprints(app)

    from app.cli import register_cli

    register_cli(app)
    return app
