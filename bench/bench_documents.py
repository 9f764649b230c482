"""Benchmark of the document layer: rendering a one-page 无犯罪记录证明 to PDF.

`bench/run.py` calls `bench_certificate_render(n)`; it can also be run on its own:
``python -m bench.bench_documents [n]``.
"""
from __future__ import annotations

import statistics
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # allow `python bench/bench_documents.py`
    sys.path.insert(0, str(REPO))

from app.documents.pdf import harfbuzz_subsetting_active, render_pdf  # noqa: E402
from app.documents.signing import SigningKeys, content_sha256, verification_url  # noqa: E402
from app.domain.catalogue import get_service  # noqa: E402
from app.domain.catalogue.documents import LIFECYCLE, DocumentAct  # noqa: E402
from app.domain.catalogue.remedies import remedies_for  # noqa: E402

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




# --- the longest text each schema allows, against a typical one ----------------------------------

def _notice_common(i: int) -> dict:
    return {"organ_name": "许昌市公安局魏都分局西大街派出所", "issue_date": date(2026, 11, 22),
            "application_number": f"FZ20261122{i:06d}", "applicant_name": "张三", "service_name": "无犯罪记录证明",
            "received_date": date(2026, 11, 20), "accepted_date": date(2026, 11, 20),
            "reply_deadline": date(2026, 12, 20), "reconsideration_organ": "许昌市公安局"}


def _declared(act: DocumentAct) -> dict:
    """What a document's declaration puts into it (app.operations.documents.declared_context)."""
    context = {"title": act.title, "basis": act.legal_basis, "operative": act.operative}
    if act.remedies:
        context["remedies"] = asdict(remedies_for("许昌市人民政府"))
    return context


def longest_text_cases() -> dict[str, tuple[str, dict, dict]]:
    """Per document with free text: (template, a typical context, the context with every text
    at the longest its schema allows — app.domain.catalogue.schema)."""
    from app.domain.catalogue.criminal_record import ARTICLE_MAX, LAW_NAME_MAX, SERVICE, CriminalRecordFiling
    from app.domain.catalogue.schema import (
        CORRECTION_ITEM_MAX,
        MAX_ITEMS,
        ActionFields,
        field_limits,
        json_schema,
    )

    filing = field_limits(json_schema(CriminalRecordFiling))
    action = field_limits(json_schema(ActionFields))
    refusal = _declared(get_service("security_licence").refusal())
    correction = _declared(LIFECYCLE["correction_notice"])
    item_max = json_schema(ActionFields)["properties"]["items"]["anyOf"][0]["items"]["maxLength"]
    letter = {**_notice_common(1), **_declared(SERVICE.document("unit_result_letter")), "recipient_unit": "许昌某某教育科技有限公司", "person_name": "孙浩",
              "id_type": "居民身份证", "id_number": "4110021990********", "query_date": date(2026, 11, 22),
              "has_record": False, "verification_url": "https://jwtb.xuchang.example.gov.cn/verify/X"}
    return {
        "certificate (purpose)": (
            "certificate.html", certificate_context(1),
            {**certificate_context(1), "purpose": "证" * filing["purpose"]["max_length"]}),
        "unit letter (provision, reason)": (
            "unit_result_letter.html", {**letter, "legal_provision": "《中华人民共和国教师法》第十四条", "job": "教师",
                                        "purpose": "拟招录教师"},
            {**letter, "legal_provision": "《" + "法" * LAW_NAME_MAX + "》" + "条" * ARTICLE_MAX,
             "job": "职" * filing["job"]["max_length"], "purpose": "由" * filing["query_reason"]["max_length"]}),
        "correction notice (marked slots and items)": (
            "correction_notice.html", {**_notice_common(2), **correction, "items": [
                {"material": "用途证明材料", "problem": "复印件模糊", "requirement": "重新上传清晰的扫描件"}, "近期免冠照片"]},
            {**_notice_common(2), **correction, "items": [
                {"material": slot.name_zh, "problem": "问" * CORRECTION_ITEM_MAX, "requirement": "求" * CORRECTION_ITEM_MAX}
                for slot in SERVICE.upload_slots()] + ["补" * item_max] * MAX_ITEMS}),
        "refusal (reason)": (
            "refusal_decision.html", {**_notice_common(3), **refusal, "reasons": ["申请材料不符合法定形式。"]},
            {**_notice_common(3), **refusal, "reasons": ["理" * action["reason"]["max_length"]]}),
    }


def bench_longest_text(n: int = 5) -> dict:
    """Median render time of the typical and the longest context of each case, alternating,
    and their ratio (the target: under 2)."""
    results = {}
    for name, (template, typical, longest) in longest_text_cases().items():
        render_pdf(template, typical, static_dir=STATIC_DIR)  # warm-up
        times = {"typical": [], "longest": []}
        for _ in range(n):
            for kind, context in (("typical", typical), ("longest", longest)):
                start = time.perf_counter()
                render_pdf(template, context, static_dir=STATIC_DIR)
                times[kind].append(time.perf_counter() - start)
        typical_s, longest_s = statistics.median(times["typical"]), statistics.median(times["longest"])
        results[name] = {"typical_s": round(typical_s, 4), "longest_s": round(longest_s, 4),
                         "ratio": round(longest_s / typical_s, 2)}
    return results


if __name__ == "__main__":
    print(bench_certificate_render(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
    print(bench_longest_text())
