"""/account/ masks the owner's ID number and phone; "显示" asks for the password again and
shows them in full on that one response (a POST, no-store); a wrong password counts as a
failed login."""
from app.seed import DEMO_IDS
from tests.conftest import DEMO_PASSWORD, csrf_from, login

FULL_ID, FULL_PHONE = DEMO_IDS["li_ming"], "13803740001"


def _reveal(client, password: str, page: str | None = None):
    page = page or client.get("/account/").get_data(as_text=True)
    return client.post("/account/reveal", data={"password": password, "csrf_token": csrf_from(page)})


def test_the_password_shows_the_full_numbers_on_that_response_only(app, client):
    login(client, "citizen")
    page = client.get("/account/")
    html = page.get_data(as_text=True)
    assert FULL_ID not in html and FULL_PHONE not in html
    assert FULL_ID[:10] + "*" * 8 in html and "138****0001" in html
    assert page.headers["Cache-Control"] == "no-store"

    assert client.post("/account/reveal", data={"password": DEMO_PASSWORD}).status_code == 400  # no CSRF token
    shown = _reveal(client, DEMO_PASSWORD, html)
    assert shown.status_code == 200 and "Location" not in shown.headers
    body = shown.get_data(as_text=True)
    assert FULL_ID in body and FULL_PHONE in body
    assert shown.headers["Cache-Control"] == "no-store"
    assert DEMO_PASSWORD not in body
    # The next look at the page is masked again.
    again = client.get("/account/").get_data(as_text=True)
    assert FULL_ID not in again and FULL_PHONE not in again


def test_a_wrong_password_shows_nothing_and_counts_as_a_failed_login(app, client):
    login(client, "citizen")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        wrong = _reveal(client, "wrong-password-1")
        assert wrong.status_code == 422
        body = wrong.get_data(as_text=True)
        assert FULL_ID not in body and FULL_PHONE not in body and "密码不正确" in body
    # Guessing through a signed-in session locks the account at this address, like the login.
    locked = _reveal(client, DEMO_PASSWORD)
    assert locked.status_code == 429 and FULL_ID not in locked.get_data(as_text=True)
    assert login(app.test_client(), "citizen").status_code == 429
    assert login(app.test_client(), "citizen").status_code == 429

