"""Work done once and not repeated: a reload of an unchanged tracking page is a 304, a public page
rendered once is served again to anonymous visitors (byte for byte what a fresh render gives, and
never after the application changed), static files are cached under versioned URLs, personal
pages never are; the queue page, the API list and the tracking page cost the same number of
queries whatever their size, and keyset pages walk every item exactly once."""
from __future__ import annotations

import re

import flask
import pytest
from sqlalchemy import event, select

from app.documents import qr
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application
from app.operations.accounts import hash_password
from app.web import api, page_cache, public, track
from app.web import clerk as clerk_views
from tests.conftest import DEMO_PASSWORD, api_token, csrf_from, local, login
from tests.operations.helpers import act, file_criminal_record


def _token(app) -> tuple[str, int]:
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        return application.tracking_token, application.id


def test_an_unchanged_tracking_page_is_a_304_until_something_happens(app, client, clock):
    token, application_id = _token(app)
    for url in (f"/t/{token}", f"/api/v1/track/{token}"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
        tag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b""
        # The time left is shown to the minute: a minute later the page is new.
        clock.set(local(2026, 11, 16, 10, 1))
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 200
        clock.set(local(2026, 11, 16, 10, 0))
    tag = client.get(f"/t/{token}").headers["ETag"]
    with app.app_context():
        act(db.session.get(Application, application_id), "accept", "clerk")
    changed = client.get(f"/t/{token}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "审查中" in changed.get_data(as_text=True)
    # Another language is another page.
    client.set_cookie("lang", "en")
    assert client.get(f"/t/{token}", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200


def _kept(app) -> page_cache.RenderedPages:
    return app.extensions["rendered_pages"]


def _unrenderable(*args, **kwargs):
    raise AssertionError("rendered again: the kept page was not served")


def _as_visitor(client, lang: str, large: str) -> None:
    client.set_cookie("lang", lang)
    client.set_cookie("large_text", large)


_TOKEN_VALUE = re.compile(rb'(name="csrf_token" value=")[^"]+(")')


def _token_blanked(response) -> bytes:
    """The page with its CSRF token (the visitor's own, signed with the time) left out."""
    return _TOKEN_VALUE.sub(rb"\1\2", response.data)


PUBLIC_PAGES = ("/t/{token}", "/t/{token}?explain=1", "/api/v1/track/{token}", "/api/v1/track/{token}?explain=1", "/")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("large", ["0", "1"])
def test_a_kept_public_page_is_byte_for_byte_a_fresh_render(app, client, monkeypatch, lang, large):
    token, _ = _token(app)
    _as_visitor(client, lang, large)
    for template in PUBLIC_PAGES:
        url = template.format(token=token)
        first = client.get(url)
        assert first.status_code == 200, url
        with monkeypatch.context() as patched:  # nothing may be rendered: the page must be the kept one
            patched.setattr(track, "render_template", _unrenderable)
            patched.setattr(public, "render_template", _unrenderable)
            patched.setattr(track, "tracking_json", _unrenderable)
            patched.setattr(api, "tracking_json", _unrenderable)
            kept = client.get(url)
        _kept(app).clear()
        fresh = client.get(url)
        assert kept.status_code == fresh.status_code == 200, url
        assert _token_blanked(kept) == _token_blanked(fresh) == _token_blanked(first), url
        for header in ("Content-Type", "Cache-Control", "ETag", "Vary"):
            assert kept.headers.get(header) == fresh.headers.get(header), (url, header)
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert ('class="large-text"' in page) == (large == "1")
    assert ("办理进度查询" in page) == (lang == "zh")


def test_a_recorded_event_is_a_new_page_never_the_kept_one(app, client, clock):
    token, application_id = _token(app)
    pages = [client.get(url.format(token=token)) for url in ("/t/{token}", "/api/v1/track/{token}")]
    assert len(_kept(app)) == 2
    with app.app_context():
        act(db.session.get(Application, application_id), "accept", "clerk")
    page = client.get(f"/t/{token}", headers={"If-None-Match": pages[0].headers["ETag"]})
    assert page.status_code == 200 and "审查中" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/track/{token}", headers={"If-None-Match": pages[1].headers["ETag"]})
    assert api.status_code == 200 and api.get_json()["status"] == "accepted"
    assert api.headers["ETag"] != pages[1].headers["ETag"]
    # A minute later the time left is another page as well (kept anew, not the one before).
    clock.set(local(2026, 11, 16, 10, 1))
    assert client.get(f"/t/{token}").headers["ETag"] != page.headers["ETag"]


def test_what_one_visitor_sees_is_never_kept_for_others(app, client):
    token, _ = _token(app)
    login(client, "citizen")
    signed_in = client.get(f"/t/{token}").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "citizen" in signed_in and "citizen" in home and len(_kept(app)) == 0
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "只给这一位访客看的提示")]
    client.post("/auth/logout", data={"csrf_token": csrf_from(home)})
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "只给这一位访客看的提示")]
    assert "只给这一位访客看的提示" in client.get("/").get_data(as_text=True)
    assert len(_kept(app)) == 0
    other = app.test_client()
    for url in ("/", f"/t/{token}"):
        page = other.get(url).get_data(as_text=True)
        assert "只给这一位访客看的提示" not in page and "citizen" not in page and "退出" not in page
    # Only the page's own query strings are kept (the layout writes the path into its forms).
    assert "odd=1" in other.get(f"/t/{token}?odd=1").get_data(as_text=True)
    assert len(_kept(app)) == 2


def test_an_anonymous_visitor_gets_no_session_and_the_preference_forms_refuse_other_sites(app, client):
    token, _ = _token(app)
    for url in ("/", f"/t/{token}"):
        visitor = app.test_client()
        for _ in range(2):  # rendered, then kept
            page = visitor.get(url)
            assert page.status_code == 200 and "Set-Cookie" not in page.headers, url
            assert 'name="csrf_token"' not in page.get_data(as_text=True), url
    assert len(_kept(app)) == 2
    # What a CSRF token would be for, another site making the browser post, is refused.
    for header in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                   {"Origin": "https://elsewhere.example"}, {"Origin": "null"}):
        refused = client.post("/prefs/language", data={"lang": "en", "next": "/"}, headers=header)
        assert refused.status_code == 403 and "lang=" not in refused.headers.get("Set-Cookie", ""), header
    for header in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}):
        chosen = client.post("/prefs/text-size", data={"large": "1", "next": "/"}, headers=header)
        assert chosen.status_code == 302 and "large_text=1" in chosen.headers["Set-Cookie"], header
    # The signed-in header's own form (signing out) still carries the visitor's token.
    login(client, "citizen")
    assert 'name="csrf_token"' in client.get(f"/t/{token}").get_data(as_text=True)


def test_a_page_kept_for_everyone_cannot_carry_one_visitors_token(app):
    with app.test_request_context("/"):
        flask.g.rendering_kept_page = True
        with pytest.raises(page_cache.KeptPageWithToken):
            flask.render_template_string("<input value='{{ csrf_token() }}'>")


def test_a_kept_or_unchanged_tracking_page_costs_one_query(app, client):
    token, _ = _token(app)
    for url in (f"/t/{token}", f"/api/v1/track/{token}"):
        tag = client.get(url).headers["ETag"]
        assert _count_queries(app, lambda url=url: client.get(url)) == 1
        assert _count_queries(app, lambda url=url, tag=tag: client.get(url, headers={"If-None-Match": tag})) == 1


def test_the_tracking_page_costs_the_same_queries_however_long_its_history(app, client):
    token, application_id = _token(app)
    counts = []
    for action, fields in (("accept", {}), ("suspend", {"reason_code": "testing", "reason": "送检"})):
        _kept(app).clear()
        counts.append(_count_queries(app, lambda: client.get(f"/t/{token}?explain=1")))
        with app.app_context():
            act(db.session.get(Application, application_id), action, "clerk", **fields)
    _kept(app).clear()
    counts.append(_count_queries(app, lambda: client.get(f"/t/{token}?explain=1")))
    assert len(set(counts)) == 1, counts


def test_the_explanation_of_a_date_is_built_only_when_asked_for(app, client):
    token, _ = _token(app)
    plain = client.get(f"/t/{token}").get_data(as_text=True)
    assert "为什么是这个日期？" in plain and "<details open>" not in plain
    explained = client.get(f"/t/{token}?explain=1").get_data(as_text=True)
    assert "<details open>" in explained and "工作日" in explained
    assert client.get(f"/api/v1/track/{token}").get_json()["clocks"][0]["derivation"] == []
    assert client.get(f"/api/v1/track/{token}?explain=1").get_json()["clocks"][0]["derivation"]


def test_a_qr_code_is_drawn_once_per_url():
    qr.qr_svg.cache_clear()
    first = qr.qr_svg("http://localhost/t/abc")
    assert qr.qr_svg("http://localhost/t/abc") is first
    assert qr.qr_svg.cache_info().hits == 1


def test_static_files_are_versioned_and_cached_personal_pages_never(app, client):
    page = client.get("/").get_data(as_text=True)
    [css] = re.findall(r'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"', page)
    cached = client.get(css)
    assert cached.status_code == 200 and "max-age=31536000" in cached.headers["Cache-Control"]
    assert "immutable" in cached.headers["Cache-Control"]
    stale = client.get("/static/css/portal.css?v=000000000000")
    assert "max-age=31536000" not in stale.headers.get("Cache-Control", "")
    _token(app)
    login(client, "citizen")
    for url in ("/my/", "/account/", "/my/wallet"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers


def _count_queries(app, fetch) -> int:
    statements = []
    with app.app_context():
        def count(*args):
            statements.append(args[2])
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            fetch()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _claimed_by_many_clerks(app, n: int) -> list[int]:
    """n open items of the demo station, each claimed by a different clerk (lazy loads would show)."""
    ids = []
    with app.app_context():
        station = db.session.scalar(select(User).where(User.username == "clerk")).unit_id
        for i in range(n):
            application = file_criminal_record(app, "citizen2" if i % 2 else "citizen",
                                               data={"purpose_detail": "多家单位要求"})
            clerk = User(username=f"clerk_{i}", password_hash=hash_password(DEMO_PASSWORD), role=Role.CLERK.value,
                         real_name=f"民警{i}", unit_id=station)
            db.session.add(clerk)
            db.session.flush()
            application.claimed_by_id = clerk.id
            ids.append(application.id)
        db.session.commit()
    return ids


def test_the_queue_and_the_api_list_cost_the_same_queries_whatever_the_page_size(app, client, monkeypatch):
    _claimed_by_many_clerks(app, 12)
    login(client, "clerk")
    headers = api_token(client, "clerk")
    counts = {}
    for size in (2, 12):
        monkeypatch.setattr(clerk_views, "PER_PAGE", size)
        client.get("/desk/")  # warm (the session's user, the calendar)
        counts[("desk", size)] = _count_queries(app, lambda: client.get("/desk/"))
        counts[("api", size)] = _count_queries(app, lambda size=size: client.get(
            f"/api/v1/applications?per_page={size}", headers=headers))
    assert counts[("desk", 2)] == counts[("desk", 12)], counts
    assert counts[("api", 2)] == counts[("api", 12)], counts
    assert counts[("desk", 12)] <= 6 and counts[("api", 12)] <= 5, counts


def test_keyset_pages_walk_every_item_once(app, client, monkeypatch):
    ids = _claimed_by_many_clerks(app, 7)
    login(client, "clerk")
    monkeypatch.setattr(clerk_views, "PER_PAGE", 3)
    seen, url = [], "/desk/"
    for _ in range(5):
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'/desk/applications/(\d+)"', page)
        following = re.search(r'href="(/desk/\?after=[^"]+)"', page)
        if not following:
            break
        url = following.group(1).replace("&amp;", "&")
    assert sorted(map(int, seen)) == sorted(ids)
    headers = api_token(client, "clerk")
    listed, cursor = [], None
    for _ in range(5):
        body = client.get("/api/v1/applications?per_page=3" + (f"&after={cursor}" if cursor else ""),
                          headers=headers).get_json()
        listed += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert sorted(listed) == sorted(ids) and len(listed) == len(set(listed))
    assert client.get("/api/v1/applications?after=garbage", headers=headers).status_code == 200
