"""Forms people fill once, in a browser: the seal form with five problems shows all five at
the top and under their fields, keeps what was typed, and after the corrections shows the
answers to check (one changed on the way back) before filing; withdrawing asks for the
confirmation that names its consequence, and does nothing without it."""
import os

import pytest

from app import create_app
from app.extensions import db
from app.seed import DEMO_IDS
from tests.browser.conftest import file_criminal_record, log_in
from tests.services.test_seal_engraving import LEGAL_REP_ID, PHONE
from tests.web.test_form_all_errors import FIVE_WRONG, held_company_seal_and_finance_seal_applied_for

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("FORM_SHOTS")  # a directory for the pictures of each step


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def seals_held(database_uri, live_server):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, SERVER_NAME=None, PUBLIC_BASE_URL=live_server)
    held_company_seal_and_finance_seal_applied_for(app.test_client(), app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_five_problems_at_once_then_check_the_answers_change_one_and_file(live_server, page_for, seals_held):
    page = page_for()
    log_in(page, live_server, "enterprise")
    page.goto(f"{live_server}/my/apply/seal_engraving")
    page.fill("#legal_rep_id_number", FIVE_WRONG["legal_rep_id_number"])
    page.fill("#legal_rep_phone", FIVE_WRONG["legal_rep_phone"])
    for kind in FIVE_WRONG["seals"]:
        page.check(f"input[name=seals][value={kind}]")
    page.click("input[type=submit][value='提交申请']")

    summary = page.locator(".error-summary")
    assert summary.locator("h2").inner_text() == "提交的内容有5处需要修改"
    items = summary.locator("li").all_inner_texts()
    assert len(items) == 5, items
    for expected in ("与市场主体登记信息不一致", "11位手机号码", "请选择一家已备案的刻章单位", "本企业已持有公章",
                     "正在办理的财务专用章"):
        assert any(expected in item for item in items), (expected, items)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")  # read first
    shot(page, "seal-five-errors")
    # Each problem links to its field; what was typed is still there.
    summary.locator("a[href='#legal_rep_phone']").click()
    assert page.evaluate("document.activeElement.id") == "legal_rep_phone"
    assert page.input_value("#legal_rep_id_number") == DEMO_IDS["li_ming"]
    assert page.input_value("#legal_rep_phone") == "12345"

    page.fill("#legal_rep_id_number", LEGAL_REP_ID)
    page.fill("#legal_rep_phone", "13803740009")
    page.locator("input[name=shop_id]").first.check()
    page.uncheck("input[name=seals][value=company]")
    page.uncheck("input[name=seals][value=finance]")
    page.check("input[name=seals][value=contract]")
    page.click("input[type=submit][value='提交申请']")

    assert page.locator("h1").first.inner_text() == "核对申请信息"
    answers = page.locator(".summary-list").first.inner_text()
    assert "13803740009" in answers and "合同专用章" in answers and "公章" not in answers
    shot(page, "seal-check-answers")
    # Change the phone: back on the form at that field, every answer kept.
    page.locator(".summary-row", has_text="法定代表人手机号码").locator("button:has-text('修改')").click()
    assert page.locator("h1").first.inner_text() != "核对申请信息"
    assert page.input_value("#legal_rep_phone") == "13803740009"
    assert page.locator("input[name=seals][value=contract]").is_checked()
    page.fill("#legal_rep_phone", PHONE)
    page.click("input[type=submit][value='提交申请']")
    assert PHONE in page.locator(".summary-list").first.inner_text()
    page.click("button[name=step][value=confirm]")
    assert page.locator("h1").first.inner_text() == "申请已受理"  # accepted at once, as the seal rules say
    shot(page, "seal-filed")


def test_withdrawing_needs_the_confirmation_that_names_the_consequence(live_server, page_for):
    page = page_for(viewport=(390, 844))
    log_in(page, live_server, "citizen")
    number = file_criminal_record(page, live_server)
    page.goto(f"{live_server}/my/")
    page.click(f"text={number}")
    withdraw = page.locator("section", has=page.locator("#withdraw-title"))
    assert "撤回后本件办理即终止" in withdraw.inner_text()
    page.fill("#reason", "已另行办理")
    withdraw.locator("input[type=submit][value='撤回申请']").click()
    assert "请勾选确认后再撤回申请" in page.locator("main").inner_text()
    assert page.locator("#withdraw-title").count() == 1  # still open: nothing happened
    shot(page, "withdraw-unconfirmed")

    page.check("#confirm")
    page.locator("section", has=page.locator("#withdraw-title")).locator(
        "input[type=submit][value='撤回申请']").click()
    assert "申请已撤回" in page.locator(".notice").first.inner_text()
    assert page.locator("#withdraw-title").count() == 0
    assert "已撤回" in page.locator("main").inner_text()
    shot(page, "withdraw-done")
