"""违诺认定 through the web and the API: a missed 容缺 deadline ends the matter (or revokes the
approval) and opens a listing review, not a listing; the applicant is told (message centre, the
application page) and may state a justified cause within 5 working days; the head lists or does
not, in writing, with reasons; only a listing bars tolerance, for 3 years from the decision."""
from __future__ import annotations

import os
import re

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import AccessLog
from app.models.applications import Document
from app.models.notifications import Message
from app.seed import USCCS
from tests.conftest import api_token, csrf_from, local
from tests.services.test_security_licence import _switch, pdf_text
from tests.services.test_tolerance import breaches, listed, run_sweep, unit_query

# Set to keep the rendered decisions for looking at (pdftoppm).
SHOTS_DIR = os.environ.get("SCREENSHOT_DIR")


def revoked_unit_query(app, client, clock) -> int:
    """A unit query accepted on 容缺 on Monday 16 November (the sealed letter due by the end of
    Tuesday 17 November), approved, not supplied: revoked by the sweep on Wednesday 18 November
    at 9:00, when the window for a cause opens (to the end of Wednesday 25 November)."""
    enterprise, clerk = api_token(client, "enterprise"), api_token(client, "clerk")
    clock.set(local(2026, 11, 16, 10))
    created = client.post("/api/v1/applications", json=unit_query(client, enterprise), headers=enterprise)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    clock.set(local(2026, 11, 16, 11))
    assert client.post(f"/api/v1/applications/{application_id}/actions/accept", json={},
                       headers=clerk).status_code == 200
    # The proof of hiring is checked before a letter may be issued (never waived by 容缺).
    assert client.post(f"/api/v1/applications/{application_id}/materials/employment_proof/review",
                       json={"verdict": "ok"}, headers=clerk).status_code == 200
    assert client.post(f"/api/v1/applications/{application_id}/actions/approve", json={},
                       headers=clerk).status_code == 200
    clock.set(local(2026, 11, 18, 9))
    assert breaches(run_sweep(app, local(2026, 11, 18, 9))) == [application_id]
    return application_id


def action(client, headers, application_id, name, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{name}", json=body, headers=headers)


def messages(app, application_id) -> list[Message]:
    with app.app_context():
        rows = list(db.session.scalars(select(Message).where(Message.application_id == application_id)
                                       .order_by(Message.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def keep_pdf(app, application_id, kind, name) -> None:
    """The rendered decision, kept for looking at (pdftoppm)."""
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.application_id == application_id,
                                                            Document.kind == kind))
        assert document is not None and document.content, kind
        if SHOTS_DIR:
            with open(os.path.join(SHOTS_DIR, f"{name}.pdf"), "wb") as out:
                out.write(document.content)


def test_cause_stated_on_the_page_head_decides_not_to_list_tolerance_stays_open(app, client, clock, tmp_path):
    application_id = revoked_unit_query(app, client, clock)
    enterprise, head = api_token(client, "enterprise"), api_token(client, "supervisor")

    # The matter is ended (the approval revoked), but nobody is listed yet.
    view = client.get(f"/api/v1/applications/{application_id}", headers=enterprise).get_json()
    assert view["status"] == "revoked" and "state_cause" in view["allowed_actions"]
    assert listed(app, USCCS["demo"]) == []
    [told] = [m for m in messages(app, application_id) if m.kind == "commitment_breached"]
    assert "2026年11月25日24时前" in told.body and "陈述理由" in told.body and "违诺名单" in told.body

    # The head cannot list before the applicant has been heard…
    early = action(client, head, application_id, "list_untrue", reason="逾期未补交")
    assert early.status_code == 409 and early.get_json()["error"] == "untrue.cause_window_open"
    assert "2026年11月25日" in early.get_json()["message"]
    # …and a clerk decides nothing.
    assert action(client, api_token(client, "clerk"), application_id, "not_list_untrue",
                  reason="理由成立").status_code == 403

    # The applicant's page offers the cause; stated there on 20 November.
    _switch(client, "enterprise")
    centre = client.get("/my/messages").get_data(as_text=True)
    assert "容缺承诺未履行" in centre and "待陈述理由" in centre and "陈述逾期的正当理由" in centre
    mine = f"/my/applications/{application_id}"
    assert "可陈述逾期的正当理由" in client.get("/my/").get_data(as_text=True)
    page = client.get(mine).get_data(as_text=True)
    assert "违诺认定" in page and "2026-11-25 23:59" in page and 'name="cause_kind"' in page
    assert "不可抗力" in page and "其他部门办理延误" in page and "其他正当理由" in page
    token = csrf_from(page)
    blank = client.post(f"{mine}/cause", data={"csrf_token": token, "cause_kind": "other_agency_delay"})
    assert blank.status_code == 302
    assert "请说明逾期未补齐材料的具体原因" in client.get(mine).get_data(as_text=True)
    clock.set(local(2026, 11, 20, 15))
    stated = client.post(f"{mine}/cause", data={
        "csrf_token": token, "cause_kind": "other_agency_delay",
        "statement": "用人单位介绍信须经主管部门盖章，主管部门11月17日系统故障未能办理，11月19日方出具。"})
    assert stated.status_code == 302
    page = client.get(mine).get_data(as_text=True)
    assert "理由已提交" in page and "主管部门11月17日系统故障" in page and 'name="cause_kind"' not in page
    assert "待陈述理由" not in client.get("/my/messages").get_data(as_text=True)
    assert action(client, enterprise, application_id, "state_cause", cause_kind="other",
                  reason="再补充").status_code == 409  # once

    # The head sees it on the dashboard, ready, and decides on the review page.
    _switch(client, "supervisor")
    dashboard = client.get("/supervisor/").get_data(as_text=True)
    assert "待作出的违诺认定（1件）" in dashboard and "其他部门办理延误" in dashboard
    review = f"/supervisor/listing-reviews/{application_id}"
    page = client.get(review).get_data(as_text=True)
    assert "主管部门11月17日系统故障" in page and "单位介绍信及法律依据说明" in page and "已撤销准予决定" in page
    missing = client.post(review, data={"csrf_token": csrf_from(page), "decision": "not_list_untrue"})
    assert missing.status_code == 422 and "请写明认定理由" in missing.get_data(as_text=True)
    decided = client.post(review, data={"csrf_token": csrf_from(page), "decision": "not_list_untrue",
                                        "reason": "经向主管部门核实，其系统故障属实，逾期系其他部门办理延误所致，有正当理由。"})
    assert decided.status_code == 302
    page = client.get(review).get_data(as_text=True)
    assert "已决定不予列入违诺名单" in page
    assert "没有待作出的违诺认定" in client.get("/supervisor/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AccessLog.id).where(AccessLog.action == "application.listing_review")) is not None

    # No bar; the decision in writing, in the applicant's documents and messages.
    assert listed(app, USCCS["demo"]) == []
    enterprise, head = api_token(client, "enterprise"), api_token(client, "supervisor")  # after the logouts
    view = client.get(f"/api/v1/applications/{application_id}", headers=enterprise)
    assert view.status_code == 200, view.get_data(as_text=True)[:300]
    view = view.get_json()
    assert view["timeline"][-1]["action"] == "not_list_untrue"
    assert "untrue_non_listing_decision" in [d["kind"] for d in view["documents"]]
    assert "state_cause" not in view["allowed_actions"]
    text = pdf_text(app, application_id, "untrue_non_listing_decision", tmp_path)
    for phrase in ("不予列入违诺名单决定书", "许昌瑞丰物流有限公司：", "2026年11月17日24时前", "撤销已作出的准予决定",
                   "2026年11月25日24时前陈述逾期的正当理由", "其他部门办理延误", "主管部门11月17日系统故障",
                   "经向主管部门核实", "《许昌公安机关2022年便民利民服务十项措施》第四项", "不予列入违诺（失信）名单",
                   "仍可依规定申请容缺受理", "不改变本机关已作出的撤销准予决定"):
        assert phrase in text, phrase
    keep_pdf(app, application_id, "untrue_non_listing_decision", "non-listing")
    [told] = [m for m in messages(app, application_id) if m.kind == "untrue_not_listed"]
    assert "不将您列入违诺" in told.body and "经向主管部门核实" in told.body
    # A decision is taken once.
    assert action(client, head, application_id, "list_untrue", reason="改判").status_code == 409

    # Tolerance is still available for the next filing.
    again = client.post("/api/v1/applications", json=unit_query(client, enterprise), headers=enterprise)
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["data"]["tolerance_requested"] is True


def test_window_passes_without_a_cause_head_lists_bar_and_refusal_follow(app, client, clock, tmp_path):
    application_id = revoked_unit_query(app, client, clock)
    enterprise = api_token(client, "enterprise")

    # Through the head's page before the window has passed: refused, the page says until when.
    _switch(client, "supervisor")
    review = f"/supervisor/listing-reviews/{application_id}"
    page = client.get(review).get_data(as_text=True)
    assert "申请人尚未陈述理由" in page and "2026-11-25 23:59" in page
    refused = client.post(review, data={"csrf_token": csrf_from(page), "decision": "list_untrue",
                                        "reason": "逾期无正当理由"})
    assert refused.status_code == 409 and "不能作出列入违诺名单的决定" in refused.get_data(as_text=True)
    assert listed(app, USCCS["demo"]) == []

    # The window ends with the 25th: a cause is refused after it, and the review is ready.
    clock.set(local(2026, 11, 26, 9))
    late = action(client, enterprise, application_id, "state_cause", cause_kind="force_majeure", reason="暴雨")
    assert late.status_code == 409 and late.get_json()["error"] == "untrue.cause_window_passed"
    _switch(client, "enterprise")
    assert "陈述理由的期限已于2026-11-25 23:59届满" in client.get(f"/my/applications/{application_id}").get_data(
        as_text=True)
    _switch(client, "supervisor")
    enterprise = api_token(client, "enterprise")  # after its logout
    dashboard = client.get("/supervisor/").get_data(as_text=True)
    assert "期满未陈述" in dashboard and "可作出决定" in dashboard
    page = client.get(review).get_data(as_text=True)
    assert "陈述期限已届满，申请人未陈述理由" in page

    listed_now = action(client, api_token(client, "supervisor"), application_id, "list_untrue",
                        reason="承诺补交的单位介绍信逾期未交，申请人在陈述期限内未陈述正当理由。")
    assert listed_now.status_code == 200, listed_now.get_json()
    [entry] = listed(app, USCCS["demo"])
    assert entry.listed_at == local(2026, 11, 26, 9) and entry.expires_at == local(2029, 11, 26, 9)
    text = pdf_text(app, application_id, "untrue_listing_decision", tmp_path)
    for phrase in ("容缺受理违诺认定决定书", "许昌瑞丰物流有限公司：", "在上述期限内未陈述正当理由",
                   "承诺补交的单位介绍信逾期未交", "列入违诺（失信）名单", "自2026年11月26日起至2029年11月26日止（3年）",
                   "不适用容缺受理", "仍可按一般程序", "六十日内", "申请行政复议", "六个月内依法向人民法院提起行政诉讼",
                   "《申请容缺受理承诺书》"):
        assert phrase in text, phrase
    keep_pdf(app, application_id, "untrue_listing_decision", "listing")
    [told] = [m for m in messages(app, application_id) if m.kind == "untrue_listed"]
    assert "2029年11月26日前" in told.body and "行政复议" in told.body

    # The bar: tolerance refused with the reason; an ordinary filing still goes.
    again = client.post("/api/v1/applications", json=unit_query(client, enterprise), headers=enterprise)
    assert again.status_code == 422 and again.get_json()["error"] == "tolerance.untrue_commitment"
    assert re.search("2029年11月26日前不适用容缺受理", again.get_json()["message"])
