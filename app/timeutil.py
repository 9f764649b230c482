"""The one place outside tests that reads the wall clock; the domain always takes `now`.

Tests control time by replacing `now` (see tests/conftest.py `frozen_time`).
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(LOCAL_TZ).date()


def local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(LOCAL_TZ) if dt is not None else None
