"""Benchmark of the document layer: rendering a one-page 无犯罪记录证明 to PDF.

`bench/run.py` calls `bench_certificate_render(n)`; it can also be run on its own:
``python -m bench.bench_documents [n]``.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # allow `python bench/bench_documents.py`
    sys.path.insert(0, str(REPO))

from app.documents.pdf import harfbuzz_subsetting_active, render_pdf  # noqa: E402
from app.documents.signing import SigningKeys, content_sha256, verification_url  # noqa: E402

STATIC_DIR = REPO / "static"
_BENCH_KEYS = "bench:" + "5a" * 32


def certificate_context(i: int = 0) -> dict:
    """A realistic certificate context with its own number and signed link."""
    number = f"WCR-2026-{i:06d}"
    facts = {"number": number, "name": "张三", "id_number": "11010519491231002X", "date": "2026-11-22"}
    signature = SigningKeys(_BENCH_KEYS).sign("criminal_record", number, content_sha256(facts))
    return {
        "organ_name": "许昌市公安局魏都分局西大街派出所",
        "issue_date": date(2026, 11, 22),
        "tracking_number": f"XC2026112{i:06d}",
        "certificate_number": number,
        "name": "张三",
        "id_type": "居民身份证",
        "id_number": "11010519491231002X",
        "query_date": date(2026, 11, 22),
        "purpose": "出国留学",
        "validity_note": "本证明自开具之日起3个月内有效",
        "verification_url": verification_url("https://jwtb.xuchang.example.gov.cn", number, signature),
        "verify_site": "警务通办网站",
    }


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_certificate_render(n: int = 20) -> dict:
    """Render the certificate `n` times (after one untimed warm-up render, which pays
    fontconfig and font loading once per process) and return timing statistics in
    seconds plus whether HarfBuzz font subsetting was in use."""
    if n < 1:
        raise ValueError("n must be at least 1")
    render_pdf("certificate.html", certificate_context(0), static_dir=STATIC_DIR)  # warm-up
    timings = []
    for i in range(1, n + 1):
        context = certificate_context(i)  # each render has its own number and QR code
        start = time.perf_counter()
        pdf = render_pdf("certificate.html", context, static_dir=STATIC_DIR)
        timings.append(time.perf_counter() - start)
        if not pdf.startswith(b"%PDF-"):
            raise RuntimeError("render_pdf did not return a PDF")
    return {
        "median_s": round(statistics.median(timings), 4),
        "p95_s": round(_percentile(timings, 0.95), 4),
        "harfbuzz": harfbuzz_subsetting_active(),
    }


if __name__ == "__main__":
    print(bench_certificate_render(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
