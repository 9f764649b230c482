"""Benchmark of the deadline engine (no database): `due_at` and `derive_clocks` per second.

`bench/run.py` calls `bench_due_at(n)` and `bench_derive_clocks(n)`; on its own:
``python -m bench.bench_engine [n]``.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # allow `python bench/bench_engine.py`
    sys.path.insert(0, str(REPO))

from app.domain.calendar import SHANGHAI, Limit, LimitUnit, WorkCalendar, due_at  # noqa: E402
from app.domain.catalogue import get_service  # noqa: E402
from app.domain.clock import derive_clocks  # noqa: E402
from app.domain.workflow import Action, Actor, ActorKind, EventRecord, State, decide  # noqa: E402

# The four kinds of limit the catalogue uses, by the name they are reported under.
LIMITS: dict[str, Limit] = {
    "5 workdays": Limit(Decimal(5), LimitUnit.WORKDAYS),
    "0.5 workday": Limit(Decimal("0.5"), LimitUnit.WORKDAYS),  # 3.5 working hours
    "30 days": Limit(Decimal(30), LimitUnit.DAYS),
    "24 hours": Limit(Decimal(24), LimitUnit.HOURS),
}
# A service with every optional clock step the engine counts (correction, pause, extension).
ENGINE_SERVICE = "criminal_record_objection"
START_FROM = datetime(2025, 1, 1, tzinfo=SHANGHAI)
START_UNTIL = datetime(2027, 1, 1, tzinfo=SHANGHAI)


def random_starts(n: int, *, seed: int = 20251) -> list[datetime]:
    """`n` instants uniformly spread over 2025–2026 (Asia/Shanghai), to the second."""
    rng = random.Random(seed)
    span = int((START_UNTIL - START_FROM).total_seconds())
    return [START_FROM + timedelta(seconds=rng.randrange(span)) for _ in range(n)]


def _rates(run: Callable[[], object], n: int, repeats: int) -> dict:
    """Run `run` (which does `n` operations) `repeats` times; the median rate."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    return {"per_s": round(n / median), "us_per_op": round(median / n * 1e6, 2), "n": n,
            "repeats": repeats}


def bench_due_at(n: int = 50_000, *, repeats: int = 5, calendar: WorkCalendar | None = None) -> dict:
    """`due_at` per second for each limit in `LIMITS`, over `n` random starts in 2025–2026.

    One untimed pass first builds the calendar years (2025–2027) once, as a running
    server would have them; the timed passes measure the steady state.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    calendar = calendar or WorkCalendar()
    starts = random_starts(n)
    results = {}
    for name, limit in LIMITS.items():
        def run(limit=limit):
            for start in starts:
                due_at(start, limit, calendar=calendar)

        run()  # warm-up
        results[name] = _rates(run, n, repeats)
    return results


def realistic_history() -> list[EventRecord]:
    """An 8-event history of the 无犯罪记录证明 objection review (the criminal record itself has no
    extension), built through `workflow.decide` so every step is a legal transition: submit,
    one-time correction, resubmit, accept, suspension for testing, resume, supervisor's
    extension (in time), approval."""
    service = get_service(ENGINE_SERVICE)
    unit_id = 8
    applicant = Actor(ActorKind.APPLICANT, 1)
    clerk = Actor(ActorKind.CLERK, 2, unit_id)
    supervisor = Actor(ActorKind.SUPERVISOR, 3, unit_id)
    steps: Sequence[tuple[Action, Actor, dict, datetime]] = (
        (Action.SUBMIT, applicant, {}, datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)),
        (Action.REQUEST_CORRECTION, clerk, {"items": ["户口簿首页复印件", "近期免冠照片"]},
         datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI)),
        (Action.RESUBMIT, applicant, {}, datetime(2026, 3, 5, 14, 0, tzinfo=SHANGHAI)),
        (Action.ACCEPT, clerk, {}, datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI)),
        (Action.SUSPEND, clerk, {"reason_code": "testing", "reason": "送检笔迹"},
         datetime(2026, 3, 9, 11, 0, tzinfo=SHANGHAI)),
        (Action.RESUME, clerk, {}, datetime(2026, 3, 16, 15, 0, tzinfo=SHANGHAI)),
        (Action.EXTEND, supervisor, {"reason": "需调取外地判决信息"}, datetime(2026, 3, 17, 10, 0, tzinfo=SHANGHAI)),
        (Action.APPROVE, clerk, {}, datetime(2026, 3, 20, 16, 0, tzinfo=SHANGHAI)),
    )
    history: list[EventRecord] = []
    state = State.DRAFT
    for seq, (action, actor, fields, at) in enumerate(steps, start=1):
        due = derive_clocks(service, history, calendar=WorkCalendar()).statutory_due_at if history else None
        decision = decide(service, state, action, actor, fields, unit_id=unit_id, history=history,
                          now=at, decision_due_at=due)
        history.append(EventRecord(seq, decision.action, decision.from_state, decision.to_state, at,
                                   decision.reason, decision.payload))
        state = decision.to_state
    return history


def bench_derive_clocks(n: int = 20_000, *, repeats: int = 5, calendar: WorkCalendar | None = None) -> dict:
    """`derive_clocks` per second on `realistic_history()` (8 events, every clock kind but
    delivery touched: acceptance, correction, pause, extension, promised/statutory)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    calendar = calendar or WorkCalendar()
    service = get_service(ENGINE_SERVICE)
    history = realistic_history()

    def run():
        for _ in range(n):
            derive_clocks(service, history, calendar=calendar)

    clocks = derive_clocks(service, history, calendar=calendar)  # warm-up, and a sanity check
    if clocks.statutory_due_at is None or clocks.promised_due_at is None:
        raise RuntimeError("the realistic history should leave promised and statutory clocks")
    return {**_rates(run, n, repeats), "events": len(history)}


def bench_engine(*, quick: bool = False) -> dict:
    """Both engine benchmarks; `quick` uses tiny sizes (for the smoke test)."""
    calendar = WorkCalendar()
    if quick:
        return {"due_at": bench_due_at(500, repeats=1, calendar=calendar),
                "derive_clocks": bench_derive_clocks(200, repeats=1, calendar=calendar)}
    return {"due_at": bench_due_at(calendar=calendar), "derive_clocks": bench_derive_clocks(calendar=calendar)}


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print({"due_at": bench_due_at(size), "derive_clocks": bench_derive_clocks(max(1, size // 5))})
