"""企业信用修复 in the browser: the enterprise whose rating a police penalty lowered files with
its proof of performance and credit commitment, the station clerk accepts and approves, and the
penalty no longer stands against the enterprise. SCREENSHOT_DIR=… keeps the pictures."""
from __future__ import annotations

import re

import pytest

from app.seed import POLICE_PENALTIES
from tests.browser.conftest import log_in, submit_application
from tests.browser.test_materials import shot, wait_for_thumbnail
from tests.materials import samples

pytestmark = pytest.mark.browser


def test_enterprise_files_clerk_approves_the_mark_is_gone(live_server, page_for, tmp_path):
    proof, commitment = tmp_path / "缴款凭证.jpg", tmp_path / "信用承诺书.jpg"
    proof.write_bytes(samples.jpeg(800, 600))
    commitment.write_bytes(samples.jpeg(800, 1100))
    enterprise = page_for()
    log_in(enterprise, live_server, "credit")
    enterprise.goto(f"{live_server}/my/apply/credit_repair")
    choice = enterprise.locator(f"input[name=penalty_decision_number][value='{POLICE_PENALTIES['carried_out']}']")
    choice.check()
    assert "罚款人民币二万元" in enterprise.locator("main").inner_text()
    enterprise.check("#conduct_corrected")
    enterprise.fill("#correction_measures", "已建立货物运输安全查验登记制度，并对全体员工开展培训。")
    enterprise.set_input_files("#file-performance_proof", str(proof))
    wait_for_thumbnail(enterprise, "performance_proof")
    enterprise.set_input_files("#file-credit_commitment", str(commitment))
    wait_for_thumbnail(enterprise, "credit_commitment")
    shot(enterprise, "credit-01-form")
    submit_application(enterprise)
    assert enterprise.locator("h1").first.inner_text() == "申请已提交"
    number = re.search(r"XF\d{14}", enterprise.content()).group(0)

    clerk = page_for()
    log_in(clerk, live_server, "clerk_wyl")
    clerk.goto(f"{live_server}/desk/")
    assert "企业信用修复" in clerk.locator("main").inner_text()
    clerk.click(f"text={number}")
    clerk.click("button:has-text('认领')")
    clerk.click("a.button:has-text('受理')")
    clerk.click("input[type=submit]")
    assert "已完成：受理" in clerk.locator(".notice").first.inner_text()
    assert "因该处罚信用等级降低，尚未修复" in clerk.locator("main").inner_text()
    shot(clerk, "credit-02-clerk-review")
    clerk.click("a.button:has-text('审批通过')")
    clerk.click("input[type=submit]")
    assert "已完成" in clerk.locator(".notice").first.inner_text()
    shot(clerk, "credit-03-approved")

    # The penalty no longer stands against the enterprise: nothing is left to repair.
    enterprise.goto(f"{live_server}/my/apply/credit_repair")
    assert enterprise.locator("input[name=penalty_decision_number]").count() == 0
    shot(enterprise, "credit-04-nothing-left")
