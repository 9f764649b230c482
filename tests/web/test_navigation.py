"""Every demo account lands on its own work page and its navigation links all open."""
import pytest

from app.seed import DEMO_ACCOUNTS
from tests.conftest import login


@pytest.mark.parametrize("username", [username for username, _, _ in DEMO_ACCOUNTS])
def test_every_account_lands_on_its_page_and_every_nav_link_opens(client, username):
    from app.web.navigation import NAV

    response = login(client, username)
    assert response.status_code == 302
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 200, (username, response.headers["Location"])
    page = landing.get_data(as_text=True)
    with client.application.test_request_context():
        from flask import url_for

        from tests.operations.helpers import user

        with client.application.app_context():
            role = user(username).role
        links = [url_for(endpoint) for roles, endpoint, _ in NAV if role in roles]
    assert links, username
    for link in links:
        assert f'href="{link}"' in page, (username, link)
        assert client.get(link).status_code == 200, (username, link)
