"""居住证 in the browser, the main path: a resident whose hukou is elsewhere files online with
the template's uploads (photo, proof of employment), the station's clerk accepts and approves,
and the resident finds the electronic permit in 我的证照 and the collection notice on the
matter. SCREENSHOT_DIR=… keeps the pictures."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import log_in, submit_application
from tests.materials import samples

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_resident_files_with_uploads_clerk_approves_resident_sees_the_permit(live_server, page_for, tmp_path):
    photo, contract = tmp_path / "照片.jpg", tmp_path / "劳动合同.pdf"
    photo.write_bytes(samples.jpeg(color=(240, 240, 240)))
    contract.write_bytes(samples.pdf(pages=2))
    resident = page_for()
    log_in(resident, live_server, "migrant")
    resident.goto(f"{live_server}/my/apply/residence_permit")
    resident.check("input[name=kind][value=first]")
    resident.check("input[name=basis][value=employment]")
    uploads = resident.locator("fieldset.uploads")
    assert "已通过信息共享核验，无需提交" in uploads.inner_text()  # the registration, the ID card
    resident.set_input_files("#file-photo", str(photo))
    resident.set_input_files("#file-employment_proof", str(contract))
    for slot in ("photo", "employment_proof"):
        resident.wait_for_selector(f"#slot-{slot} li.file[data-file-id]", timeout=20_000)
    shot(resident, "01-filing-with-uploads")
    submit_application(resident)
    assert resident.locator("h1").first.inner_text() == "申请已提交"
    number = re.search(r"JZ\d{14}", resident.content()).group(0)

    clerk = page_for()
    log_in(clerk, live_server, "clerk")
    clerk.goto(f"{live_server}/desk/")
    assert "居住证申领和签注" in clerk.locator("main").inner_text()
    clerk.click(f"text={number}")
    assert "符合居住证签发条件" in clerk.locator("main").inner_text()
    shot(clerk, "02-clerk-detail")
    clerk.click("a.button:has-text('受理')")
    clerk.click("input[type=submit]")
    assert "已完成：受理" in clerk.locator(".notice").first.inner_text()
    clerk.click("a.button:has-text('审批通过')")
    clerk.click("input[type=submit]")
    assert "已完成" in clerk.locator(".notice").first.inner_text()

    resident.goto(f"{live_server}/my/")
    resident.click(f"text={number}")
    resident.wait_for_selector("a:has-text('居住证领取通知书')", timeout=20_000)
    shot(resident, "03-resident-detail")
    resident.goto(f"{live_server}/my/wallet")
    assert "居住证（电子证照）" in resident.locator("main").inner_text()
    shot(resident, "04-wallet")
