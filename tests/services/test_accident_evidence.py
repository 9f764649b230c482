"""交通事故证据材料查询码: recorded at the window by the handling unit's officer, accepted and
approved on the one lifecycle; the code (only on the voucher) opens the non-confidential
evidence at /evidence, guessing is locked out, every access is logged, codes expire and
can be revoked. Through the API and the HTML forms, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.domain.catalogue import accident_evidence as rules
from app.extensions import db
from app.models.applications import Application, ApplicationEvent
from app.models.evidence import EvidenceAccess, EvidenceQueryCode
from app.registries import get_registries
from app.seed import ACCIDENT_CASES, DEMO_IDS
from tests.conftest import api_token, csrf_from, login

SERVED, NOT_SERVED, SIMPLE, FATAL = (ACCIDENT_CASES[k] for k in ("served", "not_served", "simple", "fatal"))
LI_MING = DEMO_IDS["li_ming"]


def party_data(**changes) -> dict:
    """李明 (the `citizen`), a party of WD-SG-0001, at the window."""
    return {"case_number": SERVED, "person_type": "party", "name": "李明", "id_type": "resident_id",
            "id_number": LI_MING, "phone": "13803740001", "identity_verified": True} | changes


@pytest.fixture
def generated(monkeypatch) -> list[str]:
    """The plain codes as generated (tests cannot read them back from the database: only a hash is kept)."""
    codes: list[str] = []
    original = rules.new_query_code

    def spy(*args, **kwargs):
        code = original(*args, **kwargs)
        codes.append(code)
        return code

    monkeypatch.setattr(rules, "new_query_code", spy)
    return codes


@pytest.fixture
def officer(client):
    return api_token(client, "officer")


def file_api(client, headers, data):
    return client.post("/api/v1/applications", json={"service": "accident_evidence", "data": data}, headers=headers)


def act_api(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def approved(client, headers, data=None) -> dict:
    """File, accept and approve through the API: the approved application's JSON."""
    filed = file_api(client, headers, data or party_data())
    assert filed.status_code == 201, filed.get_json()
    application_id = filed.get_json()["id"]
    assert act_api(client, headers, application_id, "accept").status_code == 200
    response = act_api(client, headers, application_id, "approve")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "voucher.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True)
    return re.sub(r"\s+", "", out.stdout)


def open_evidence(client, code: str, tail: str, **environ):
    page = client.get("/evidence/")
    assert page.status_code == 200
    return client.post("/evidence/", data={"code": code, "id_tail": tail,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))},
                       **({"environ_base": environ} if environ else {}))


def item_links(html: str) -> list[str]:
    return re.findall(r'href="(/evidence/materials/[0-9a-f]+(?:/download)?)"', html)


def evidence_of(app, case_number):
    with app.app_context():
        return get_registries().evidence_items(case_number)


def content_of(app, item_id):
    with app.app_context():
        return get_registries().evidence_content(item_id)


# --- the rules (pure) -------------------------------------------------------------------------


def test_query_codes_are_80_bit_unambiguous_and_read_back_however_typed():
    code = rules.new_query_code()
    assert len(code) == 16 and set(code) <= set(rules.QUERY_CODE_ALPHABET)
    assert len(rules.QUERY_CODE_ALPHABET) ** rules.QUERY_CODE_LENGTH >= 2 ** 80
    assert not set("01OI") & set(rules.QUERY_CODE_ALPHABET)
    grouped = rules.format_query_code(code)
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", grouped)
    for typed in (grouped, grouped.lower(), code, " ".join(grouped.split("-")), grouped.replace("-", "－")):
        assert rules.normalise_query_code(typed) == code
    assert rules.normalise_query_code("0" * 16) is None and rules.normalise_query_code(code[:-1]) is None
    assert len({rules.new_query_code() for _ in range(2000)}) == 2000
    assert rules.hash_query_code(code) != code and len(rules.hash_query_code(code)) == 64


def test_lockout_and_expiry_rules(clock):
    now = clock.moment
    failed, locked = 0, None
    for _ in range(rules.MAX_WRONG_ATTEMPTS - 1):
        failed, locked = rules.after_wrong_attempt(failed, now)
        assert locked is None
    failed, locked = rules.after_wrong_attempt(failed, now)
    assert failed == 0 and locked == now + timedelta(minutes=30)
    expires = rules.query_code_expires_at(now)
    assert expires == now + timedelta(days=rules.QUERY_CODE_VALID_DAYS) and rules.QUERY_CODE_VALID_DAYS == 30
    status = {"issued": True, "revoked_at": None, "expires_at": expires, "locked_until": None}
    assert rules.code_status(**status, now=now) == rules.CodeStatus.VALID
    assert rules.code_status(**status | {"locked_until": locked}, now=now) == rules.CodeStatus.LOCKED
    assert rules.code_status(**status, now=expires) == rules.CodeStatus.EXPIRED
    assert rules.code_status(**status | {"revoked_at": now}, now=now) == rules.CodeStatus.REVOKED
    assert rules.id_tail_matches("41100219910312901X", "901x") and not rules.id_tail_matches("41100219910312901X", "9010")


# --- the happy path through the API ---------------------------------------------------------


def test_officer_files_for_a_party_approves_and_the_party_views_only_disclosable_items(
        app, client, officer, generated, tmp_path):
    filed = file_api(client, officer, party_data())
    assert filed.status_code == 201, filed.get_json()
    body = filed.get_json()
    assert body["status"] == "submitted" and body["number"].startswith("SG")
    # What the API shows of the person is masked; the phone is kept out of `data`.
    raw = filed.get_data(as_text=True)
    assert LI_MING not in raw and "13803740001" not in raw and "138****0001" in raw
    assert body["data"]["person_relation"] == "当事人（机动车驾驶人）"

    assert act_api(client, officer, body["id"], "accept").status_code == 200
    response = act_api(client, officer, body["id"], "approve")
    assert response.status_code == 200 and response.get_json()["status"] == "approved"
    assert len(generated) == 1
    code = generated[0]

    # The voucher: case, masked person, the code grouped, validity, how to use it, the URL.
    documents = {d["title"]: d for d in response.get_json()["documents"]}
    voucher = client.get(documents["事故证据材料查询凭证"]["url"].replace("http://localhost", ""), headers=officer)
    assert voucher.status_code == 200 and voucher.data.startswith(b"%PDF")
    voucher_text = pdftotext(voucher.data, tmp_path)
    for needle in (rules.format_query_code(code), SERVED, "李明", LI_MING[:10] + "*" * 8,
                   "2026年12月16日10:00", "http://localhost/evidence/", "后4位", "锁定30分钟"):
        assert needle in voucher_text, needle
    assert LI_MING not in voucher_text
    (tmp_path / "one.pdf").write_bytes(voucher.data)
    pages = subprocess.run(["pdfinfo", str(tmp_path / "one.pdf")], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M)  # one sheet to hand over

    # Only the hash is stored: the plain code is in no column, no event, no data.
    with app.app_context():
        row = db.session.scalar(select(EvidenceQueryCode))
        assert row.code_hash == hashlib.sha256(f"accident-evidence-query-code:{code}".encode()).hexdigest()
        assert row.expires_at == row.issued_at + timedelta(days=30)
        stored = [str(v) for v in db.session.execute(select(EvidenceQueryCode.__table__)).one()]
        stored += [str(e.payload) for e in db.session.scalars(select(ApplicationEvent))]
        stored += [str(a.data) for a in db.session.scalars(select(Application))]
        assert not any(code in value for value in stored)

    # The party opens /evidence with the code and the last 4 digits of their ID number.
    public = app.test_client()
    opened = open_evidence(public, rules.format_query_code(code).lower(), LI_MING[-4:])
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/evidence/materials")
    listing = public.get("/evidence/materials")
    html = listing.get_data(as_text=True)
    items = evidence_of(app, SERVED)
    shown = [i for i in items if not i.confidential]
    assert len(shown) == 6 and len(items) == 9
    for item in shown:
        assert item.title in html and item.filename in html
    assert code not in html and rules.format_query_code(code) not in html

    # Download works: the registry's bytes, as an attachment.
    target = next(i for i in shown if i.filename == "inspection-record.txt")
    ref = re.search(rf'<td>{re.escape(target.title)}</td>.*?href="(/evidence/materials/[0-9a-f]+)"', html, re.S).group(1)
    download = public.get(f"{ref}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "inspection-record.txt" in download.headers["Content-Disposition"]
    assert download.data == content_of(app, target.id)[2]
    assert download.headers["Cache-Control"] == "no-store"

    # The voucher is handed over: issued (final).
    assert act_api(client, officer, body["id"], "issue").get_json()["status"] == "issued"
    assert public.get("/evidence/materials").status_code == 200


def test_fatal_case_close_relative_is_accepted_and_sees_the_fatal_case_only(app, client, officer, generated):
    data = party_data(case_number=FATAL, person_type="relative", name="邓琳", id_number=DEMO_IDS["deng_lin"],
                      phone="13700001111")
    decided = approved(client, officer, data)
    assert decided["data"]["person_relation"] == "死者曹文的配偶"
    public = app.test_client()
    assert open_evidence(public, generated[0], DEMO_IDS["deng_lin"][-4:]).status_code == 302
    html = public.get("/evidence/materials").get_data(as_text=True)
    fatal_items = evidence_of(app, FATAL)
    for item in fatal_items:
        assert (item.title in html) != item.confidential, item.title
    assert "死者体表照片" not in html and "photo-deceased.png" not in html
    assert "证人询问笔录" not in html  # another case's items never show
    assert len(item_links(html)) == 2 * sum(1 for i in fatal_items if not i.confidential)


@pytest.mark.parametrize(("person_type", "key", "principal", "relation"), [
    ("agent", "gao_xiang", "li_ming", "当事人李明的代理人"),
    ("relative_agent", "zhou_qiang", "deng_lin", "死者曹文的配偶邓琳的代理人"),
])
def test_agents_with_a_power_of_attorney_are_accepted(client, officer, person_type, key, principal, relation):
    from app.seed import _HAND_BY_KEY

    case = SERVED if person_type == "agent" else FATAL
    data = party_data(case_number=case, person_type=person_type, name=_HAND_BY_KEY[key].name,
                      id_number=DEMO_IDS[key], principal_id_number=DEMO_IDS[principal], power_of_attorney=True)
    response = file_api(client, officer, data)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["person_relation"] == relation
    assert DEMO_IDS[principal] not in response.get_data(as_text=True)  # the principal's number is masked


# --- refusals --------------------------------------------------------------------------------


REFUSALS = [
    ("simple procedure", {"case_number": SIMPLE, "name": "周杰", "id_number": DEMO_IDS["zhou_jie"]},
     "case.simple_procedure", "case_number", "简易程序"),
    ("determination not served", {"case_number": NOT_SERVED, "name": "唐亮", "id_number": DEMO_IDS["tang_liang"]},
     "case.not_served", "case_number", "尚未送达"),
    ("not a party", {"name": "张磊", "id_number": DEMO_IDS["zhang_lei"]}, "person.not_party", "id_number", "不是本起事故的当事人"),
    ("non-relative on the fatal case", {"case_number": FATAL, "person_type": "relative", "name": "杨帆",
                                            "id_number": DEMO_IDS["yang_fan"]}, "person.not_relative", "id_number", "不是本起事故死者的近亲属"),
    ("relative on a non-fatal case", {"person_type": "relative", "name": "邓琳", "id_number": DEMO_IDS["deng_lin"]},
     "person.not_fatal", "person_type", "不是死亡事故"),
    ("the deceased as a party", {"case_number": FATAL, "name": "曹文", "id_number": DEMO_IDS["cao_wen"]},
     "person.deceased", "person_type", "近亲属"),
    ("agent without power of attorney", {"person_type": "agent", "name": "高翔", "id_number": DEMO_IDS["gao_xiang"],
                                             "principal_id_number": LI_MING}, "agent.power_of_attorney", "power_of_attorney", "授权委托书"),
    ("agent of a non-party", {"person_type": "agent", "name": "高翔", "id_number": DEMO_IDS["gao_xiang"],
                                  "principal_id_number": DEMO_IDS["zhang_lei"], "power_of_attorney": True},
     "person.not_party", "principal_id_number", "不是本起事故的当事人"),
    ("name does not match", {"name": "李敏"}, "person.name_mismatch", "name", "姓名"),
    ("ID checksum", {"id_number": LI_MING[:-1] + ("0" if LI_MING[-1] != "0" else "1")}, "id_number.checksum", "id_number", "校验位"),
    ("phone", {"phone": "12345"}, "phone.format", "phone", "手机号码"),
    ("identity not verified", {"identity_verified": False}, "identity.not_verified", "identity_verified", "核验"),
    ("unknown case", {"case_number": "WD-SG-9999"}, "case.unknown", "case_number", "未查询到"),
]


@pytest.mark.parametrize(("label", "changes", "code", "field", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_through_the_api(app, client, officer, label, changes, code, field, words):
    response = file_api(client, officer, party_data(**changes))
    assert response.status_code == 422, (label, response.get_json())
    assert response.get_json()["error"] == code and words in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Application.id)).where(
            Application.service_code == "accident_evidence")) == 0


def test_only_the_handling_traffic_unit_records_requests(client):
    citizen = file_api(client, api_token(client, "citizen"), party_data())
    assert citizen.status_code == 403 and "窗口" in citizen.get_json()["message"]
    station_clerk = file_api(client, api_token(client, "clerk"), party_data())
    assert station_clerk.status_code == 403 and "交警大队" in station_clerk.get_json()["message"]
    brigade_clerk = file_api(client, api_token(client, "clerk_traffic"), party_data())
    assert brigade_clerk.status_code == 201


def test_one_request_or_valid_code_per_person_and_case(client, officer, generated):
    first = file_api(client, officer, party_data())
    assert first.status_code == 201
    again = file_api(client, officer, party_data())
    assert again.status_code == 409 and "在办" in again.get_json()["message"]
    act_api(client, officer, first.get_json()["id"], "accept")
    act_api(client, officer, first.get_json()["id"], "approve")
    third = file_api(client, officer, party_data())
    assert third.status_code == 409 and "有效的查询码" in third.get_json()["message"]


def test_approval_is_the_officers_not_the_systems(client, officer):
    """No 即办: acceptance and approval are people's decisions (工作规范第86条: the unit approves)."""
    filed = file_api(client, officer, party_data()).get_json()
    assert filed["status"] == "submitted" and set(filed["data"]) >= {"case_number", "person_type"}
    assert act_api(client, officer, filed["id"], "approve").status_code == 409  # accept first


# --- guessing, confidentiality, the log, expiry and revocation --------------------------------


def test_code_guessing_is_locked_out_after_five_wrong_entries(app, client, officer, generated, clock):
    approved(client, officer)
    code = generated[0]
    public = app.test_client()
    wrong = "0000" if LI_MING[-4:] != "0000" else "1111"
    for attempt in range(1, rules.MAX_WRONG_ATTEMPTS):
        response = open_evidence(public, code, wrong)
        assert response.status_code == 422
        assert f"还可尝试{rules.MAX_WRONG_ATTEMPTS - attempt}次" in response.get_data(as_text=True)
    locked = open_evidence(public, code, wrong)
    assert locked.status_code == 429 and "锁定30分钟" in locked.get_data(as_text=True)
    # Even the right digits are refused while locked, from any address.
    right_but_locked = open_evidence(app.test_client(), code, LI_MING[-4:], REMOTE_ADDR="10.1.2.3")
    assert right_but_locked.status_code == 429 and "已被锁定" in right_but_locked.get_data(as_text=True)
    clock.advance(minutes=31)
    assert open_evidence(app.test_client(), code, LI_MING[-4:], REMOTE_ADDR="10.1.2.4").status_code == 302
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(EvidenceAccess).order_by(EvidenceAccess.id))]
    assert actions == ["wrong_id"] * 4 + ["wrong_id", "locked", "refused", "open"]


def test_entries_are_rate_limited_per_address(app, client, officer):
    public = app.test_client()
    page = public.get("/evidence/")
    token = csrf_from(page.get_data(as_text=True))
    statuses = []
    for _ in range(12):
        guess = rules.new_query_code()
        statuses.append(public.post("/evidence/", data={"code": guess, "id_tail": "1234", "csrf_token": token}).status_code)
    assert statuses[:10] == [422] * 10 and statuses[10:] == [429, 429]
    elsewhere = public.post("/evidence/", data={"code": rules.new_query_code(), "id_tail": "1234", "csrf_token": token},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code == 422 and "查询码不正确" in elsewhere.get_data(as_text=True)


def test_confidential_evidence_never_leaves_the_server(app, client, officer, generated):
    decided = approved(client, officer)
    public = app.test_client()
    open_evidence(public, generated[0], LI_MING[-4:])
    bodies = [public.get("/evidence/materials").data]
    links = item_links(bodies[0].decode())
    assert links and all(re.fullmatch(r"/evidence/materials/[0-9a-f]{24}(/download)?", link) for link in links)
    for link in links:
        response = public.get(link)
        assert response.status_code == 200
        bodies.append(response.data)
        bodies.append(b"".join(str(v).encode() for v in response.headers.values()))
    confidential = [i for i in evidence_of(app, SERVED) if i.confidential]
    assert {i.confidential_reason for i in confidential} == {"privacy", "witness_protection", "trade_secret"}
    everything = b"\n".join(bodies)
    for item in confidential:
        content = content_of(app, item.id)[2]
        assert item.title.encode() not in everything
        assert item.filename.encode() not in everything
        assert content not in everything

    # Direct access: by the registry id, or by a well-formed reference made for it, is refused.
    with public.session_transaction() as sess:
        state = dict(sess["evidence_view"])
    from app.web.evidence import _item_ref

    with app.test_request_context():
        forged = [_item_ref(state, item.id) for item in confidential]
    for item, ref in zip(confidential, forged, strict=True):
        for url in (f"/evidence/materials/{item.id}", f"/evidence/materials/{item.id}/download",
                    f"/evidence/materials/{ref}", f"/evidence/materials/{ref}/download"):
            response = public.get(url)
            assert response.status_code == 404, url
            assert item.title.encode() not in response.data and content_of(app, item.id)[2] not in response.data
    # A reference from one session is worthless in another.
    other = app.test_client()
    assert open_evidence(other, generated[0], LI_MING[-4:]).status_code == 302
    assert other.get(links[0]).status_code == 404
    # And without a session nothing is served.
    assert app.test_client().get(links[0]).status_code == 302
    assert decided["status"] == "approved"


def test_every_view_and_download_is_logged_and_the_officer_sees_it(app, client, officer, generated):
    decided = approved(client, officer)
    public = app.test_client()
    open_evidence(public, generated[0], LI_MING[-4:], REMOTE_ADDR="203.0.113.7")
    links = item_links(public.get("/evidence/materials").get_data(as_text=True))
    views = [link for link in links if not link.endswith("/download")]
    downloads = [link for link in links if link.endswith("/download")]
    for link in views[:3]:
        public.get(link, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    for link in downloads[:2]:
        public.get(link, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    with app.app_context():
        rows = db.session.scalars(select(EvidenceAccess).order_by(EvidenceAccess.id)).all()
        assert [r.action for r in rows] == ["open", "view", "view", "view", "download", "download"]
        assert all(r.item_id for r in rows[1:]) and rows[0].item_id is None
        assert all(len(r.ip_hash) == 32 and "203.0.113.7" not in r.ip_hash for r in rows)
        assert len({r.ip_hash for r in rows}) == 1
        # The log is append-only in the database.
        with pytest.raises(Exception):  # noqa: B017 (SQLite and PostgreSQL raise different errors)
            db.session.execute(text("DELETE FROM evidence_access_log"))
            db.session.flush()
        db.session.rollback()
        titles = {i.id: i.title for i in evidence_of(app, SERVED)}
        expected_titles = [titles[r.item_id] for r in rows[1:]]

    login(client, "officer")
    page = client.get(f"/officer/evidence/{decided['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "查阅记录" in html
    assert html.count("<td>查看</td>") == 3 and html.count("<td>下载</td>") == 2 and "凭码打开材料列表" in html
    for title in expected_titles:
        assert title in html
    assert "203.0.113.7" not in html


def test_codes_expire_after_30_days(app, client, officer, generated, clock):
    approved(client, officer)
    public = app.test_client()
    clock.advance(days=29, hours=23, minutes=50)
    assert open_evidence(public, generated[0], LI_MING[-4:]).status_code == 302
    clock.advance(minutes=15)
    assert public.get("/evidence/materials").status_code == 410  # an open session ends with the code
    expired = open_evidence(app.test_client(), generated[0], LI_MING[-4:])
    assert expired.status_code == 410 and "过期" in expired.get_data(as_text=True)


def test_the_officer_revokes_a_code_and_it_stops_at_once(app, client, officer, generated):
    decided = approved(client, officer)
    public = app.test_client()
    assert open_evidence(public, generated[0], LI_MING[-4:]).status_code == 302
    link = item_links(public.get("/evidence/materials").get_data(as_text=True))[0]

    login(client, "officer")
    detail_url = f"/officer/evidence/{decided['id']}"
    page = client.get(detail_url).get_data(as_text=True)
    missing = client.post(f"{detail_url}/revoke-code", data={"reason": "", "csrf_token": csrf_from(page)})
    assert missing.status_code == 302 and open_evidence(app.test_client(), generated[0], LI_MING[-4:]).status_code == 302
    revoked = client.post(f"{detail_url}/revoke-code", data={"reason": "查询凭证遗失", "csrf_token": csrf_from(page)})
    assert revoked.status_code == 302
    after = client.get(detail_url).get_data(as_text=True)
    assert "已作废" in after and "查询凭证遗失" in after and "魏涛" in after

    assert public.get(link).status_code == 410
    refused = open_evidence(app.test_client(), generated[0], LI_MING[-4:])
    assert refused.status_code == 410 and "作废" in refused.get_data(as_text=True)
    # The void voucher is not handed over; a new written request may be recorded instead.
    assert act_api(client, officer, decided["id"], "issue").status_code == 409
    assert file_api(client, officer, party_data()).status_code == 201


def test_revoking_the_decision_revokes_the_code(app, client, officer, generated):
    decided = approved(client, officer)
    supervisor_refused = act_api(client, officer, decided["id"], "revoke", reason="错误发放")
    assert supervisor_refused.status_code == 403  # revoking a decision is the unit head's
    with app.app_context():
        from app.operations.evidence import revoke_with_decision

        application = db.session.get(Application, decided["id"])
        revoke_with_decision(application, reason="错误发放", now=application.decided_at, by_user_id=None)
        db.session.commit()
    refused = open_evidence(app.test_client(), generated[0], LI_MING[-4:])
    assert refused.status_code == 410


# --- the HTML forms -----------------------------------------------------------------------------


def _form(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))})


def test_the_officer_records_approves_and_prints_through_the_forms(app, client, generated, tmp_path):
    login(client, "officer")
    assert "登记查阅申请" in client.get("/officer/").get_data(as_text=True)
    form = {"case_number": "wd-sg-0001", "person_type": "party", "name": "李明", "id_type": "resident_id",
            "id_number": LI_MING.lower(), "phone": "138 0374 0001", "identity_verified": "y",
            "request_note": "现场图、现场照片、鉴定意见"}
    filed = _form(client, "/officer/evidence/new", form)
    assert filed.status_code == 302, filed.get_data(as_text=True)[:2000]
    detail_url = filed.headers["Location"]
    page = client.get(detail_url).get_data(as_text=True)
    assert "SG2026111" in page and "138****0001" in page and "13803740001" not in page and LI_MING not in page
    assert "不公开（涉及个人隐私）" in page  # the officer sees which items are withheld
    for action in ("accept", "approve"):
        page = client.get(detail_url).get_data(as_text=True)
        response = client.post(f"{detail_url}/actions/{action}", data={"csrf_token": csrf_from(page)})
        assert response.status_code == 302
    page = client.get(detail_url).get_data(as_text=True)
    assert "打印查询凭证" in page and "有效期至" in page and generated[0] not in page
    voucher = client.get(f"{detail_url}/voucher")
    assert voucher.status_code == 200 and voucher.headers["Content-Type"] == "application/pdf"
    assert rules.format_query_code(generated[0]) in pdftotext(voucher.data, tmp_path)
    # The generic desk shows the same application, readable and masked.
    application_id = int(detail_url.rstrip("/").rsplit("/", 1)[1])
    desk = client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    assert "当事人" in desk and "居民身份证" in desk and "138****0001" in desk and LI_MING not in desk
    response = client.post(f"{detail_url}/actions/issue", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302 and "已发证" in client.get(detail_url).get_data(as_text=True)

    # The party, not logged in, opens /evidence with the code from the voucher.
    public = app.test_client()
    opened = open_evidence(public, rules.format_query_code(generated[0]), LI_MING[-4:])
    assert opened.status_code == 302
    listing = public.get("/evidence/materials").get_data(as_text=True)
    assert "道路交通事故现场图" in listing and "伤者伤情照片" not in listing
    view = public.get(item_links(listing)[0])
    assert view.status_code == 200 and "data:image/svg+xml;base64," in view.get_data(as_text=True)
    ended = public.post("/evidence/exit", data={"csrf_token": csrf_from(listing)})
    assert ended.status_code == 302 and public.get("/evidence/materials").status_code == 302


@pytest.mark.parametrize(("changes", "field_words"), [
    ({"case_number": SIMPLE, "name": "周杰", "id_number": DEMO_IDS["zhou_jie"]}, "简易程序"),
    ({"case_number": NOT_SERVED, "name": "唐亮", "id_number": DEMO_IDS["tang_liang"]}, "尚未送达"),
    ({"name": "张磊", "id_number": DEMO_IDS["zhang_lei"]}, "不是本起事故的当事人"),
    ({"case_number": FATAL, "person_type": "relative", "name": "杨帆", "id_number": DEMO_IDS["yang_fan"]},
     "不是本起事故死者的近亲属"),
    ({"person_type": "relative", "name": "邓琳", "id_number": DEMO_IDS["deng_lin"]}, "不是死亡事故"),
])
def test_refusals_through_the_form_say_why_on_the_field(client, changes, field_words):
    login(client, "officer")
    form = {"case_number": SERVED, "person_type": "party", "name": "李明", "id_type": "resident_id",
            "id_number": LI_MING, "phone": "13803740001", "identity_verified": "y"} | changes
    response = _form(client, "/officer/evidence/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and field_words in html and 'class="error-message"' in html


def test_fatal_relative_through_the_form(client):
    login(client, "officer")
    form = {"case_number": FATAL, "person_type": "relative", "name": "曹宇", "id_type": "resident_id",
            "id_number": DEMO_IDS["cao_yu"], "phone": "13700002222", "identity_verified": "y"}
    response = _form(client, "/officer/evidence/new", form)
    assert response.status_code == 302
    assert "死者曹文的子" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_officer_pages_are_for_traffic_units_only(client):
    login(client, "clerk")  # a police-station clerk
    assert client.get("/officer/").status_code == 403
    assert client.get("/officer/evidence/new").status_code == 403


def test_the_public_page_explains_and_never_echoes_the_id_digits(app):
    public = app.test_client()
    page = public.get("/evidence/").get_data(as_text=True)
    assert "查询码" in page and "后4位" in page and "锁定30分钟" in page
    response = open_evidence(public, rules.new_query_code(), "7391")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "查询码不正确" in html and 'value="7391"' not in html
