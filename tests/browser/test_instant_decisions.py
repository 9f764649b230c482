"""The page after filing, as the enterprise sees it, when the system decides at once: a refused
truck permit with its reasons and the way to appeal, an issued one with the permit to download."""
import pytest

from app import create_app
from app.extensions import db
from tests.browser.conftest import log_in
from tests.browser.test_lookup_and_verify import shot
from tests.conftest import api_token
from tests.services.test_truck_permit import PLATES
from tests.services.test_truck_permit import _file as file_truck_permit

pytestmark = pytest.mark.browser


@pytest.fixture
def api(database_uri, live_server):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, SERVER_NAME=None, PUBLIC_BASE_URL=live_server)
    client = app.test_client()
    yield client, api_token(client, "enterprise")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_refusal_and_an_issue_each_get_their_own_confirmation(live_server, page_for, api):
    client, headers = api
    refused = file_truck_permit(client, headers, plate=PLATES["inspection_expired"], zones=["dongcheng"]).get_json()
    issued = file_truck_permit(client, headers).get_json()
    assert (refused["status"], issued["status"]) == ("rejected", "issued")

    page = page_for(viewport=(390, 844))
    log_in(page, live_server, "enterprise")
    page.goto(f"{live_server}/my/applications/{refused['id']}/filed")
    text = page.locator("main").inner_text()
    shot(page, "filed-refused-phone")
    assert page.locator("h1").first.inner_text() == "申请未获批准"
    assert "整改办法" in text and "行政复议" in text and "一次性告知" not in text
    assert fits(page)

    page.goto(f"{live_server}/my/applications/{issued['id']}/filed")
    shot(page, "filed-issued-phone")
    assert page.locator("h1").first.inner_text() == "已办结：证件已出具"
    download = page.locator("a[href*='/documents/']").filter(has_text="通行证")
    assert download.count() >= 1
    assert fits(page)


def fits(page) -> bool:
    """No horizontal scroll at phone width (the tracking link used to widen the page)."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
