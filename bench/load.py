"""What the load benchmarks share: client threads run to completion, and the latency summary."""
from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable


def run_clients(client: Callable[[], None], count: int) -> float:
    """Run `count` threads of `client` until each returns; the wall time in seconds."""
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def latency_summary(latencies: list[float], wall: float) -> dict:
    """Median and p95 in milliseconds, and completed requests per second."""
    ordered = sorted(latencies)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1) if ordered else None,
        "per_s": round(len(ordered) / wall, 2) if wall else None,
    }
