"""Configuration classes. Every value comes from the environment with an explicit conversion.

`create_app(config_name)` picks one of these by name: development, testing, production.
"""
import os
import secrets
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


class ConfigError(RuntimeError):
    """Raised when a configuration refuses to start (e.g. production without secrets)."""


class Config:
    APP_NAME = "警务通办"
    # An empty DATABASE_URL (as `make test-sqlite` sets it) means the default, as unset does.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
    # hide_parameters: a failed statement's bound values (ID numbers, phones, tokens) stay out of
    # the exception text, and so out of every error log.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # How long a writer waits for another's transaction on SQLite (development, tests).
    SQLITE_BUSY_TIMEOUT_SECONDS = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 60)
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Keys that sign certificate and permit verification links: "kid:hexkey,kid2:hexkey".
    # The first key signs; all of them verify, so keys can be rotated.
    SIGNING_KEYS = os.environ.get("SIGNING_KEYS")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    # A login ends after this long without a request, and after this long in any case.
    SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Off only for the page benchmarks (bench/bench_pages.py), never in production.
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    # Per-account login throttle: this many failures lock the account for LOGIN_LOCK_MINUTES.
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
    LOGIN_RATE_LIMIT_PER_IP = os.environ.get("LOGIN_RATE_LIMIT_PER_IP", "20 per minute")
    API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 8)
    # A clerk's claim on a queue item that has seen no action for this long lapses.
    CLAIM_IDLE_MINUTES = env_int("CLAIM_IDLE_MINUTES", 30)
    # Applicant notifications: "file" (instance/outbox.log), "console", or "module:factory" for a
    # real SMS/e-mail gateway (see app/notify/gateways.py).
    NOTIFY_SENDER = os.environ.get("NOTIFY_SENDER", "file")
    NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
    NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 300)  # the first retry's wait; doubles each time
    NOTIFY_OUTBOX_FILE = os.environ.get("NOTIFY_OUTBOX_FILE")
    # The address printed in QR codes, PDFs and messages. Empty: the request's own host (and, for
    # work done outside a request, the address `flask serve` listens on).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    # How many proxies in front of the portal set X-Forwarded-For/-Proto/-Host (nginx: 1). Only
    # then are those headers believed: the client address of limits, lockouts and audit rows.
    PROXY_HOPS = env_int("PROXY_HOPS", 0)
    # Legal legacy credit codes that fail the GB 32100 checksum (admin-maintained too).
    USCC_WHITELIST = tuple(filter(None, os.environ.get("USCC_WHITELIST", "").split(",")))
    SEED_DEMO_ALLOWED = True
    # Uploaded materials: one file, and all files of one application (over either → 413).
    MATERIAL_MAX_FILE_MB = env_int("MATERIAL_MAX_FILE_MB", 10)
    MATERIAL_MAX_APPLICATION_MB = env_int("MATERIAL_MAX_APPLICATION_MB", 50)
    MATERIAL_MAX_PIXELS = env_int("MATERIAL_MAX_PIXELS", 50_000_000)  # larger images: decompression bombs
    # Files of a closed matter are kept this long, then their bytes are deleted (the hashes stay);
    # uploads never handed in are deleted after STAGED_UPLOAD_HOURS.
    MATERIAL_RETENTION_DAYS = env_int("MATERIAL_RETENTION_DAYS", 3 * 365)
    STAGED_UPLOAD_HOURS = env_int("STAGED_UPLOAD_HOURS", 24)
    MATERIAL_PURGE_SECONDS = env_int("MATERIAL_PURGE_SECONDS", 3600)
    # A filing form without script sends its files with the form: room for all of them.
    MAX_CONTENT_LENGTH = (MATERIAL_MAX_APPLICATION_MB + 1) * 1024 * 1024
    # JSON request bodies of the API: the longest filing the schemas allow is a few KB.
    API_MAX_JSON_BYTES = 64 * 1024
    API_MAX_JSON_DEPTH = 16
    # Where file bytes live: "local" (under STORAGE_LOCAL_ROOT) or "s3" (an S3-compatible store).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    STORAGE_LOCAL_ROOT = os.environ.get("STORAGE_LOCAL_ROOT", str(INSTANCE_DIR / "files"))
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or None
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
    # Background work (app/jobs). BROKER_URL (Redis, e.g. redis://127.0.0.1:6379/0) selects Celery;
    # without it the web process runs the jobs and the schedule in a thread of its own ("thread").
    BROKER_URL = os.environ.get("BROKER_URL") or None
    JOBS_MODE = os.environ.get("JOBS_MODE") or None  # celery | thread | eager; default from BROKER_URL
    # A claimed job whose worker has said nothing for this long is taken over by another.
    JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120)
    JOB_RETRY_SECONDS = env_int("JOB_RETRY_SECONDS", 30)  # first retry; doubles up to an hour
    # A job published this long ago and still waiting is published again (a lost message).
    JOB_REPUBLISH_SECONDS = env_int("JOB_REPUBLISH_SECONDS", 600)
    JOB_RELAY_SECONDS = env_int("JOB_RELAY_SECONDS", 30)
    SLA_SWEEP_SECONDS = env_int("SLA_SWEEP_SECONDS", 60)
    NOTIFY_INTERVAL_SECONDS = env_int("NOTIFY_INTERVAL_SECONDS", 60)
    # A signed checkpoint of the event log's head (`flask audit checkpoint`): deleted events are
    # found by `flask audit verify` even when the rows around them were made to agree.
    AUDIT_CHECKPOINT_SECONDS = env_int("AUDIT_CHECKPOINT_SECONDS", 3600)
    # The simulated shared-data registries (reg_ tables). Production refuses them unless this is
    # set deliberately, for a demo deployment; a real adapter is set as REGISTRIES_FACTORY.
    ALLOW_SIMULATED_REGISTRIES = env_bool("ALLOW_SIMULATED_REGISTRIES", False)
    # The data-sharing adapter: "module:factory", called with a database session (app/registries).
    REGISTRIES_FACTORY = os.environ.get("REGISTRIES_FACTORY") or None
    # "text" (development) or "json" (one object per line, with the request id; production).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # Who may read /metrics (after PROXY_HOPS: the real client address). nginx denies it outside.
    METRICS_ALLOWED_NETWORKS = tuple(filter(None, os.environ.get(
        "METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128").split(",")))
    # Where each gunicorn worker keeps its metrics for /metrics to add up (set by the operator;
    # gunicorn.conf.py empties it at start). Unset: this process's own metrics.
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
    # A rate-limit store that does not answer within this many seconds fails the request (503).
    RATELIMIT_STORAGE_TIMEOUT_SECONDS = env_int("RATELIMIT_STORAGE_TIMEOUT_SECONDS", 2)


def instance_secret(name: str, make) -> str:
    """A development secret kept in instance/ (never in the repository), made on first use."""
    path = INSTANCE_DIR / name
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


class DevelopmentConfig(Config):
    DEBUG = False

    @classmethod
    def load_secrets(cls) -> None:
        cls.SECRET_KEY = cls.SECRET_KEY or instance_secret("secret_key", lambda: secrets.token_hex(32))
        cls.SIGNING_KEYS = cls.SIGNING_KEYS or instance_secret(
            "signing_keys", lambda: f"dev{secrets.token_hex(2)}:{secrets.token_hex(32)}")


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite://"
    SECRET_KEY = "testing-secret-key"  # noqa: S105 (tests only)
    SIGNING_KEYS = (
        "test2:2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c,"
        "test1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
    )
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = "localhost"
    # Tests move the clock across weeks; tokens and logins must outlive that (the session
    # timeout tests set their own).
    API_TOKEN_HOURS = 24 * 90
    SESSION_IDLE_MINUTES = 24 * 90 * 60
    SESSION_ABSOLUTE_HOURS = 24 * 90
    PUBLIC_BASE_URL = "http://localhost"
    # Jobs run right after the commit that wrote them, in a fresh session (the Celery tests set
    # BROKER_URL and run real workers instead).
    JOBS_MODE = os.environ.get("JOBS_MODE") or ("celery" if os.environ.get("BROKER_URL") else "eager")
    # Never the developer's instance/ files (keys are random: test runs share this directory);
    # the app fixture gives each test its own, the S3 tests start a server of their own.
    STORAGE_LOCAL_ROOT = os.environ.get("STORAGE_LOCAL_ROOT") or str(Path(tempfile.gettempdir()) / "portal-test-files")


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SEED_DEMO_ALLOWED = False
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")

    @staticmethod
    def refusals(config) -> list[str]:
        """What makes `config` unsafe to serve the public with; empty when it may start."""
        problems = []
        if len((config.get("SECRET_KEY") or "").encode()) < 32:
            problems.append("SECRET_KEY must be set, at least 32 bytes (e.g. `python -c 'import secrets; "
                            "print(secrets.token_hex(32))'`)")
        if not config.get("SIGNING_KEYS"):
            problems.append("SIGNING_KEYS must be set (kid:hexkey,...; the first signs)")
        if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
            problems.append("DATABASE_URL must be PostgreSQL (SQLite is the embedded development database)")
        if not config.get("BROKER_URL"):
            problems.append("BROKER_URL must be set (Redis, for the workers and the schedule)")
        if not str(config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
            problems.append("PUBLIC_BASE_URL must be the portal's https:// address (QR codes, documents, messages)")
        if not config.get("RATELIMIT_ENABLED", True):
            problems.append("RATELIMIT_ENABLED must not be off")
        if str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
            problems.append("RATELIMIT_STORAGE_URI must be shared by every server (redis://...), not memory://")
        if config.get("STORAGE_BACKEND") != "s3" or not config.get("S3_BUCKET"):
            problems.append("STORAGE_BACKEND=s3 and S3_BUCKET must be set (files shared by every server)")
        if config.get("NOTIFY_SENDER") in ("file", "console"):
            problems.append("NOTIFY_SENDER must be a real gateway (app.notify.gateways:from_config), "
                            "not file or console")
        if not config.get("REGISTRIES_FACTORY") and not config.get("ALLOW_SIMULATED_REGISTRIES"):
            problems.append("the registries are the simulated ones: set ALLOW_SIMULATED_REGISTRIES=1 only for a "
                            "demo deployment")
        return problems

    @classmethod
    def check(cls, config) -> None:
        problems = cls.refusals(config)
        if problems:
            raise ConfigError("生产配置拒绝启动 / production refuses to start:\n  - " + "\n  - ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
