"""What operators watch: a request id on every response and log line, one JSON line per
request, `/healthz` (this process answers), `/readyz` (what it depends on answers) and
`/metrics` (Prometheus; only from the allow-listed networks)."""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import time
import uuid

from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from app import timeutil
from app.operations import metrics, readiness
from app.web.guards import allow_public

bp = Blueprint("ops", __name__)
bp.before_request(allow_public)
log = logging.getLogger("app.requests")

# An id from the proxy (nginx's $request_id is 32 hex digits) is kept only if it looks like one:
# it goes into every log line, so nothing longer or stranger is copied there from a request.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
UNLOGGED = {"ops.healthz", "ops.readyz", "ops.metrics_page", "static"}

# In the registry of no process: /metrics builds its own each time, from these (one process) or
# from every gunicorn worker's files (PROMETHEUS_MULTIPROC_DIR).
REQUEST_SECONDS = Histogram("portal_request_duration_seconds", "Time to answer a request, by endpoint",
                            ["endpoint", "method"], registry=None)
RESPONSES = Counter("portal_responses", "Responses by endpoint and status", ["endpoint", "method", "status"],
                    registry=None)


def begin_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def end_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:  # a response made before begin_request ran (a refused request)
        return response
    response.headers.add("X-Request-ID", request_id)  # only ever set here: no list to search first
    endpoint = request.endpoint or "unmatched"
    if endpoint in UNLOGGED:
        return response
    seconds = time.perf_counter() - g.request_started
    REQUEST_SECONDS.labels(endpoint, request.method).observe(seconds)
    RESPONSES.labels(endpoint, request.method, str(response.status_code)).inc()
    if current_app.config["LOG_FORMAT"] == "json":
        # The rule, never the path: a path can hold a tracking token or a signature.
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        log.info("%s %s %s", request.method, rule, response.status_code,
                 extra={"endpoint": endpoint, "method": request.method, "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1)})
    return response


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    app.after_request(end_request)


@bp.get("/healthz")
def healthz():
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    config = current_app.config
    checks = readiness.checks(rate_limit_store=config["RATELIMIT_STORAGE_URI"], broker=config["BROKER_URL"])
    ready = all(check.ok for check in checks)
    body = jsonify(status="ready" if ready else "not ready",
                   checks={check.name: {"ok": check.ok, "detail": check.detail} for check in checks})
    return _no_store(body), 200 if ready else 503


@bp.get("/metrics")
def metrics_page():
    if not _allowed(request.remote_addr, current_app.config["METRICS_ALLOWED_NETWORKS"]):
        abort(404)
    registry = CollectorRegistry()
    if current_app.config["PROMETHEUS_MULTIPROC_DIR"] and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
        registry.register(RESPONSES)
    registry.register(SnapshotCollector(metrics.snapshot(timeutil.now())))
    return _no_store(Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST))


class SnapshotCollector:
    def __init__(self, snapshot: metrics.Snapshot):
        self.snapshot = snapshot

    def collect(self):
        families = (
            (CounterMetricFamily, "portal_filings", "Applications filed, by service", "service",
             self.snapshot.filings),
            (GaugeMetricFamily, "portal_open_items", "Open matters by traffic light", "light",
             self.snapshot.open_by_light),
            (GaugeMetricFamily, "portal_jobs", "Background jobs by status", "status", self.snapshot.jobs),
            (CounterMetricFamily, "portal_timers_fired", "Statutory timers fired, by action", "action",
             self.snapshot.timers_fired),
        )
        for family_class, name, documentation, label, values in families:
            family = family_class(name, documentation, labels=[label])
            for key, value in sorted(values.items()):
                family.add_metric([key], value)
            yield family


def _allowed(address: str | None, networks: tuple[str, ...]) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False) for network in networks)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
