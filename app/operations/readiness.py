"""Whether this process can serve (`/readyz`): the database answers and is at the migrations'
head, and the Redis stores it depends on (the rate limiter's, the broker) answer.

Each check says what it found, so an operator reads which dependency failed, not just "503".
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import redis
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, text

from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@functools.cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def migration_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this release (they change only with it)."""
    return frozenset(_script().get_heads())


def migration_state(current: frozenset[str]) -> Check:
    """At head, or ahead (a newer release has migrated: additive first, so this one still
    serves while it is being replaced) — ready; behind or unmigrated — not ready."""
    heads = migration_heads()
    if current == heads:
        return Check("migrations", True, "at head")
    known = {revision for revision in current if _known(revision)}
    if known != current:
        return Check("migrations", True, f"ahead of this release: database at {sorted(current)}, "
                                         f"release at {sorted(heads)}")
    return Check("migrations", False, f"database at {sorted(current) or 'nothing'}, release at {sorted(heads)}: "
                                      "run `flask --app wsgi db upgrade`")


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except CommandError:
        return False


def database() -> list[Check]:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = _current_revisions(connection)
    except Exception as exc:  # noqa: BLE001 — any failure means not ready; the type says which
        return [Check("database", False, f"unreachable: {type(exc).__name__}"),
                Check("migrations", False, "unknown: the database is unreachable")]
    return [Check("database", True, "reachable"), migration_state(current)]


def _current_revisions(connection) -> frozenset[str]:
    """What alembic_version says (read directly: asking Alembic logs two lines each time)."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))


def redis_store(name: str, url: str | None) -> Check:
    """A Redis the process uses; `url` None or not redis: not used by this configuration."""
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        return Check(name, True, "not used")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        return Check(name, False, f"unreachable: {type(exc).__name__}")
    return Check(name, True, "reachable")


def checks(*, rate_limit_store: str | None, broker: str | None) -> list[Check]:
    return [*database(), redis_store("rate_limit_store", rate_limit_store), redis_store("broker", broker)]
