"""What the load benchmarks share: client threads run to completion, the latency summary, and
a multipart upload with the standard library."""
from __future__ import annotations

import io
import json
import secrets
import statistics
import threading
import time
import urllib.error
import urllib.request
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


SLOTS = ("power_of_attorney", "unit_letter", "employment_proof", "residence_proof", "purpose_proof")


def multipart(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
               f"Content-Type: image/jpeg\r\n\r\n".encode())
    body.write(data)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def post_file(url: str, data: bytes, headers: dict[str, str], n: int) -> tuple[int, dict]:
    """Upload one photo for the demo citizen's criminal-record filing, to the n-th slot (of 5)."""
    body, content_type = multipart({"service": "criminal_record", "slot": SLOTS[n % len(SLOTS)]}, data, f"photo-{n}.jpg")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type, **headers})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}
