"""外国人工作类居留许可 in the browser: the foreigner files with the three uploads, the exit-entry
clerk accepts and approves, the foreigner downloads the decision and the tracking page shows the
appointment to collect the permit. SCREENSHOT_DIR=… keeps the pictures and the decision's page."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from app.seed import USCCS
from tests.browser.conftest import log_in, open_from_queue, submit_application
from tests.materials import samples

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")
SLOTS = ("passport", "work_permit", "employer_letter")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_foreigner_files_with_uploads_clerk_accepts_and_approves_foreigner_sees_decision_and_appointment(
        live_server, page_for, tmp_path):
    foreigner = page_for()
    log_in(foreigner, live_server, "foreigner")
    foreigner.goto(f"{live_server}/my/apply/foreigner_work_residence")
    foreigner.fill("#passport_expires_on", "2031-05-01")
    foreigner.fill("#work_permit_number", "WP411000202611")
    foreigner.fill("#work_permit_expires_on", "2028-03-31")
    foreigner.fill("#employer_uscc", USCCS["demo"])
    foreigner.fill("#position", "物流系统工程师")
    foreigner.fill("#residence_until", "2028-03-31")
    for n, slot in enumerate(SLOTS):
        scan = tmp_path / f"{slot}.jpg"
        scan.write_bytes(samples.jpeg(color=(40 * n, 90, 160)))
        foreigner.set_input_files(f"#file-{slot}", str(scan))
        foreigner.wait_for_selector(f"#slot-{slot} li.file[data-file-id] .thumb img", timeout=20_000)
    shot(foreigner, "01-filing-form")
    submit_application(foreigner)
    assert foreigner.locator("h1").first.inner_text() == "申请已提交"
    number = re.search(r"WJ\d{14}", foreigner.content()).group(0)
    tracking_url = foreigner.locator("a[href*='/t/']").first.get_attribute("href")
    shot(foreigner, "02-filed")

    clerk = page_for()
    log_in(clerk, live_server, "clerk_exit")
    clerk.goto(f"{live_server}/desk/")
    assert "外国人工作类居留许可" in clerk.locator("main").inner_text()
    open_from_queue(clerk, number)
    for slot in SLOTS:
        assert clerk.locator(f"#slot-{slot} .thumb img").count() == 1
    clerk.click("a.button:has-text('受理')")
    clerk.click("input[type=submit]")
    assert "已完成：受理" in clerk.locator(".notice").first.inner_text()
    # Key-project employer: 5 working days from Monday 16 November.
    assert "2026-11-23 23:59" in clerk.locator("main").inner_text()
    shot(clerk, "03-clerk-accepted")
    clerk.click("a.button:has-text('审批通过/办结')")
    clerk.click("input[type=submit]")
    assert "已完成：审批通过/办结" in clerk.locator(".notice").first.inner_text()

    foreigner.goto(f"{live_server}/my/")
    foreigner.click(f"table a:has-text('{number}')")
    link = foreigner.locator("a:has-text('准予签发外国人工作类居留证件决定书')")
    link.first.wait_for(timeout=30_000)
    assert "请于2026年11月17日（星期二）09:30持护照原件" in foreigner.locator("main").inner_text()
    shot(foreigner, "04-foreigner-detail")
    with foreigner.expect_download() as download:
        link.first.click()
    decision = tmp_path / "decision.pdf"
    download.value.save_as(decision)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(decision), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "准予签发工作类居留证件" in text and "许昌瑞丰物流有限公司" in text
    assert "请于2026年11月17日（星期二）09:30持本人护照原件" in text
    if SHOTS:
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(decision),
                        str(Path(SHOTS) / "05-decision")], check=True)

    foreigner.goto(tracking_url)
    note = foreigner.locator("main").inner_text()
    assert "领取证件预约" in note and "2026年11月17日（星期二）09:30" in note
    assert "M70312845" not in foreigner.content()
    shot(foreigner, "06-tracking")
