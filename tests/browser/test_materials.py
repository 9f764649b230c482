"""Materials in the browser: an agent uploads the power of attorney with the filing (progress
bar, thumbnail), the clerk marks it 需补正, the one-time notice lists it, the citizen replaces
just that file, the clerk sees both versions and accepts. SCREENSHOT_DIR=… keeps the pictures
(desktop and phone width, and the notice's first page)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, open_from_queue, submit_application
from tests.materials import samples

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str, *, full_page: bool = True) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


def wait_for_thumbnail(page, slot: str) -> None:
    page.wait_for_selector(f"#slot-{slot} li.file[data-file-id] .thumb img", timeout=20_000)


def test_agent_uploads_clerk_asks_for_correction_citizen_replaces_clerk_accepts(live_server, page_for, tmp_path):
    photo = tmp_path / "授权委托书.jpg"
    photo.write_bytes(samples.noisy_jpeg(2.0) if SHOTS else samples.jpeg(1600, 1200, gps=True))
    citizen = page_for()
    log_in(citizen, live_server, "citizen")
    citizen.goto(f"{live_server}/my/apply/criminal_record")
    citizen.check("input[name=applicant_type][value=agent]")
    citizen.fill("#purpose", "入职")
    citizen.fill("#subject_name", "刘桂兰")
    citizen.fill("#subject_id_number", "411002196204199048")
    assert "已通过信息共享核验，无需提交" in citizen.locator("fieldset.uploads").inner_text()
    if SHOTS:  # a slow line, so that the picture catches the progress bar
        cdp = citizen.context.new_cdp_session(citizen)
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 50,
                                                      "downloadThroughput": 4_000_000, "uploadThroughput": 150_000})
    citizen.set_input_files("#file-power_of_attorney", str(photo))
    if SHOTS:
        citizen.wait_for_selector("#slot-power_of_attorney progress")
        citizen.wait_for_timeout(4000)
        shot(citizen, "01-upload-progress")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                      "downloadThroughput": -1, "uploadThroughput": -1})
    wait_for_thumbnail(citizen, "power_of_attorney")
    item = citizen.locator("#slot-power_of_attorney li.file").first.inner_text()
    assert "授权委托书.jpg" in item and ("KB" in item or "MB" in item)
    shot(citizen, "02-uploaded-with-thumbnail")
    submit_application(citizen)
    assert citizen.locator("h1").first.inner_text() == "申请已提交"
    number = re.search(r"FZ\d{14}", citizen.content()).group(0)

    clerk = page_for()
    log_in(clerk, live_server, "clerk")
    clerk.goto(f"{live_server}/desk/")
    open_from_queue(clerk, number)
    review = clerk.locator("#slot-power_of_attorney")
    assert review.locator(".thumb img").count() == 1
    review.locator("input[value=needs_correction]").check()
    review.locator("input[name=problem]").fill("委托书未经委托人签名")
    review.locator("input[name=requirement]").fill("上传委托人亲笔签名的授权委托书")
    review.locator("button:has-text('保存审查结论')").click()
    assert "已保存审查结论" in clerk.locator(".notice").first.inner_text()
    shot(clerk, "03-clerk-review")
    # Accepting with a slot marked 需补正 is not offered; the page says why instead.
    assert clerk.locator("a.button:text-is('受理')").count() == 0
    assert "需补正" in clerk.locator(".refused-actions").inner_text()
    clerk.click("a.button:has-text('一次性告知补正')")
    assert "委托书未经委托人签名" in clerk.locator("table.items").inner_text()
    shot(clerk, "04-correction-prefilled")
    clerk.click("input[type=submit]")
    assert "已完成：一次性告知补正" in clerk.locator(".notice").first.inner_text()

    # The notice lists the slot with its problem and requirement.
    clerk.wait_for_selector("a:has-text('补正告知书')", timeout=20_000)
    with clerk.expect_download() as download:
        clerk.click("a:has-text('补正告知书')")
    notice = tmp_path / "notice.pdf"
    download.value.save_as(notice)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(notice), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "授权委托书及受托人身份证件" in text and "委托书未经委托人签名" in text
    assert "上传委托人亲笔签名的授权委托书" in text
    if SHOTS:
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(notice),
                        str(Path(SHOTS) / "05-correction-notice")], check=True)

    # The citizen replaces just that file.
    citizen.goto(f"{live_server}/my/")
    # 待补正 on top of 我的办件 leads straight to the reply.
    citizen.locator(".todos").get_by_role("link", name="提交补正材料").click()
    assert number in citizen.locator("h1").inner_text()
    reply = citizen.locator("fieldset.uploads")
    assert reply.locator(".slot[data-slot]").count() == 1  # only the slot the notice names
    assert "委托书未经委托人签名" in reply.inner_text()
    signed = tmp_path / "授权委托书-已签名.pdf"
    signed.write_bytes(samples.pdf(pages=2))
    citizen.set_input_files("#file-power_of_attorney", str(signed))
    wait_for_thumbnail(citizen, "power_of_attorney")
    citizen.fill("#note", "已上传委托人签名的授权委托书")
    shot(citizen, "06-correction-reply")
    citizen.click("input[type=submit][value='提交补正']")
    assert "补正材料已提交" in citizen.locator(".notice").first.inner_text()

    phone = page_for(viewport=(390, 844))
    log_in(phone, live_server, "citizen")
    phone.goto(citizen.url)
    shot(phone, "07-citizen-detail-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    clerk.reload()
    # The clerk reads the citizen's reply itself, not only that something was resubmitted.
    assert "已上传委托人签名的授权委托书" in clerk.locator("main").inner_text()
    review = clerk.locator("#slot-power_of_attorney")
    assert "授权委托书-已签名.pdf" in review.inner_text()
    assert "已被替换的早期版本（1）" in review.inner_text()
    assert review.locator(".verdict").count() == 0  # the replaced slot is looked at afresh
    review.locator("input[value=ok]").check()
    review.locator("button:has-text('保存审查结论')").click()
    clerk.click("a.button:has-text('受理')")
    clerk.click("input[type=submit]")
    assert "已完成：受理" in clerk.locator(".notice").first.inner_text()
    shot(clerk, "08-clerk-accepted")
