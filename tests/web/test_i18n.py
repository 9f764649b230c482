"""Chinese first, English available: the language and text-size preferences, translated pages and
validation messages, and the English catalogue's completeness (every message the code and templates
use today must be translated; refresh with `make translations`)."""
from __future__ import annotations

import functools
import re
from collections import Counter

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import csrf_from, login, repo_root

ROOT = repo_root()
TRANSLATIONS = ROOT / "app" / "translations"
PO_PATH = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO_PATH = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
# The same keywords as the Makefile's `pybabel extract -F babel.cfg -k _l`.
KEYWORDS = {**DEFAULT_KEYWORDS, **parse_keywords(["_l"])}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _page(client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _post_pref(client, path: str, **data):
    # As the layout's form posts it, from this site: a preference form carries no CSRF token.
    response = client.post(path, data={"next": "/", **data}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    return response


def _english(client) -> None:
    _post_pref(client, "/prefs/language", lang="en")


def _catalogue(path=PO_PATH):
    with open(path, "rb") as fileobj:
        return read_po(fileobj)


def _translations(catalog) -> dict[str, str]:
    return {message.id: message.string for message in catalog if message.id}


# ----- pages -----------------------------------------------------------------------------------


def test_home_page_is_chinese_by_default(client):
    html = _page(client)
    assert "服务事项" in html
    assert '<html lang="zh-CN">' in html
    assert '<h2 id="services-title">Services</h2>' not in html


def test_language_switch_to_english_persists(client):
    _english(client)
    for _ in range(2):  # the cookie keeps the choice across requests
        html = _page(client)
        assert '<html lang="en">' in html
        assert '<h2 id="services-title">Services</h2>' in html
        assert "服务事项" not in html
        assert "Skip to main content" in html


def test_switching_back_to_chinese(client):
    _english(client)
    _post_pref(client, "/prefs/language", lang="zh")
    html = _page(client)
    assert '<html lang="zh-CN">' in html
    assert "服务事项" in html


def test_unknown_language_is_refused(client):
    assert client.post("/prefs/language", data={"lang": "fr"}).status_code == 400


def test_login_page_labels_are_english(client):
    _english(client)
    html = _page(client, "/auth/login")
    assert re.search(r'<label for="username">Username', html)
    assert re.search(r'<label for="password">Password', html)
    assert 'value="Sign in"' in html
    for chinese in ("用户名", "密码", "还没有账号"):
        assert chinese not in html


def test_staff_pages_name_the_unit_in_the_page_language(client):
    login(client, "clerk")
    assert "西大街派出所" in _page(client, "/desk/")
    _english(client)
    queue = _page(client, "/desk/")
    assert "Xidajie Police Station" in queue and "西大街派出所" not in queue
    assert "Xidajie Police Station" in _page(client, "/account/")


def test_form_validation_errors_are_english(client):
    _english(client)
    token = csrf_from(_page(client, "/auth/login"))
    response = client.post("/auth/login", data={"csrf_token": token, "username": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "This field is required." in html
    assert "此项为必填项" not in html


def test_registration_validation_errors_are_english(client):
    _english(client)
    token = csrf_from(_page(client, "/auth/register"))
    response = client.post("/auth/register", data={
        "csrf_token": token, "real_name": "张三", "id_number": "110101199003074519", "phone": "13800138000",
        "username": "a b", "password": "abcdefghij1", "password_confirm": "abcdefghij2",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The two passwords do not match." in html
    assert "The username may contain only letters, digits, underscores, dots and hyphens." in html
    assert "两次输入的密码不一致" not in html


def test_operation_errors_are_english(client):
    """Messages raised by app.operations are translated at request time, not at import time."""
    _english(client)
    token = csrf_from(_page(client, "/auth/login"))
    response = client.post("/auth/login", data={
        "csrf_token": token, "username": "nobody-here", "password": "wrong-password-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Incorrect username or password." in html
    assert "用户名或密码错误" not in html


def test_large_text_toggle_persists(client):
    assert '<body class="large-text">' not in _page(client)
    _post_pref(client, "/prefs/text-size", large="1")
    for path in ("/", "/auth/login", "/"):
        assert '<body class="large-text">' in _page(client, path)
    assert "Standard text" not in _page(client)  # still Chinese: the two preferences are independent
    _post_pref(client, "/prefs/text-size", large="0")
    assert '<body class="large-text">' not in _page(client)


# ----- the catalogue -----------------------------------------------------------------------------


def test_every_message_is_translated_without_fuzzy_entries():
    catalog = _catalogue()
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy (pybabel compile would skip it)"
    untranslated = [m.id for m in catalog if m.id and (not m.string or not str(m.string).strip())]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    plural = [m.id for m in catalog if m.id and m.pluralizable and not all(m.string)]
    assert not untranslated, "untranslated messages:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy messages:\n" + "\n".join(fuzzy)
    assert not plural, "plural forms missing:\n" + "\n".join(map(str, plural))


def test_translations_keep_the_placeholders():
    wrong = []
    for msgid, msgstr in _translations(_catalogue()).items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strs = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        expected = Counter(PLACEHOLDER.findall(ids[0]))
        for string in strs:
            if Counter(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_english():
    """No Chinese left in an English msgstr (a copied msgid would pass the emptiness check)."""
    chinese = [f"{m!r} -> {s!r}" for m, s in _translations(_catalogue()).items() if CJK.search(str(s))]
    assert not chinese, "\n".join(chinese)


def test_compiled_catalogue_matches_the_po():
    """The committed .mo is compiled from the current .po (run `pybabel compile -d app/translations`)."""
    assert MO_PATH.exists(), "messages.mo missing: run pybabel compile -d app/translations"
    with open(MO_PATH, "rb") as fileobj:
        compiled = read_mo(fileobj)
    po, mo = _translations(_catalogue()), _translations(compiled)
    assert len(mo) == len(po), f"messages.mo has {len(mo)} messages, messages.po {len(po)}: recompile"
    assert mo == po, "messages.mo differs from messages.po: recompile"


@functools.cache
def _extracted() -> dict[str, tuple[str, ...]]:
    """Every msgid that babel.cfg extracts now, with where it is used."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename.replace(chr(92), '/')}:{lineno}")
    return {msgid: tuple(places) for msgid, places in found.items()}


def test_catalogue_covers_every_extracted_message():
    """Re-extract with babel.cfg now: every msgid in the code and templates must be in the English
    catalogue. A failure lists the new strings; run `make translations`, translate, and commit."""
    extracted = _extracted()
    assert len(extracted) > 100, "extraction found almost nothing: is babel.cfg right?"
    known = {m[0] if isinstance(m, tuple) else m for m, s in _translations(_catalogue()).items() if s}
    missing = sorted(set(extracted) - known)
    assert not missing, (
        f"{len(missing)} message(s) not translated in {PO_PATH.relative_to(ROOT)} "
        "(run `make translations`, fill in msgstr, commit the .po and .mo):\n"
        + "\n".join(f"  {msgid!r}  ({', '.join(extracted[msgid][:3])})" for msgid in missing)
    )


def test_extraction_covers_code_and_templates_but_not_excluded_paths():
    files = {place.rsplit(":", 1)[0] for places in _extracted().values() for place in places}
    assert any(f.startswith("app/web/") and f.endswith(".py") for f in files)
    assert any(f.startswith("app/operations/") for f in files)
    assert "templates/base.html" in files
    excluded = [f for f in files if f.startswith(("templates/documents/", "tests/", "migrations/", ".venv/"))]
    assert not excluded, excluded
