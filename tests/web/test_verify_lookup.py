"""Verifying a certificate without its QR code: /verify (printed on every certificate) takes
the number and the 核验码 printed beside the QR code; a number opened without the signature is
asked for the code, never called forged; a wrong code says to check both; the signed link
still tells a genuine certificate from a tampered one."""
from __future__ import annotations

from sqlalchemy import select

from app.documents.signing import check_code
from app.extensions import db
from app.models.applications import Certificate
from tests.operations.helpers import act, file_criminal_record
from tests.services.test_security_licence import pdf_text

GENUINE = "该证明真实有效"
FORGED = "不是本平台出具的真实证明"
ASKS_FOR_CODE = "请输入证明上印制的8位核验码"
NO_MATCH = "证明编号与核验码不相符"


def issued_certificate(app) -> tuple[int, str, str]:
    with app.app_context():
        application = file_criminal_record(app, "citizen")
        for action in ("accept", "approve", "issue"):
            act(application, action, "clerk")
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == application.id))
        return application.id, certificate.number, certificate.signature


def test_the_printed_address_offers_the_number_and_code_form(client):
    page = client.get("/verify/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="number"' in html and 'name="code"' in html
    assert client.get("/verify").status_code in (200, 308)


def test_the_number_and_its_code_verify_a_genuine_certificate(app, client):
    _id, number, signature = issued_certificate(app)
    code = check_code(signature)
    for typed in (code, code.lower(), code.replace("-", ""), f" {code[:4]} {code[5:]} "):
        answer = client.get(f"/verify/{number}", query_string={"code": typed}).get_data(as_text=True)
        assert GENUINE in answer, typed
    via_form = client.get("/verify/", query_string={"number": number, "code": code})
    assert via_form.status_code == 302 and GENUINE in client.get(via_form.headers["Location"]).get_data(as_text=True)


def test_a_number_without_signature_or_code_is_asked_for_the_code_not_called_forged(app, client):
    _id, number, _signature = issued_certificate(app)
    html = client.get(f"/verify/{number}").get_data(as_text=True)
    assert ASKS_FOR_CODE in html and FORGED not in html and GENUINE not in html
    assert f'value="{number}"' in html


def test_a_wrong_code_or_an_unknown_number_asks_to_check_both(app, client):
    _id, number, signature = issued_certificate(app)
    wrong = "AAAA-AAAA" if check_code(signature) != "AAAA-AAAA" else "BBBB-BBBB"
    for url in (f"/verify/{number}?code={wrong}", f"/verify/FZZ20990101999999?code={check_code(signature)}"):
        html = client.get(url).get_data(as_text=True)
        assert NO_MATCH in html and FORGED not in html and GENUINE not in html, url
        assert "李" not in html  # nothing about the holder


def test_the_signed_link_still_tells_genuine_from_tampered(app, client):
    _id, number, signature = issued_certificate(app)
    assert GENUINE in client.get(f"/verify/{number}", query_string={"s": signature}).get_data(as_text=True)
    tampered = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert FORGED in client.get(f"/verify/{number}", query_string={"s": tampered}).get_data(as_text=True)


def test_the_certificate_prints_its_code_and_the_verification_address(app, tmp_path):
    application_id, number, signature = issued_certificate(app)
    text = pdf_text(app, application_id, "certificate", tmp_path)
    assert f"核验码：{check_code(signature)}" in text
    assert "/verify" in text and number in text


def test_the_api_asks_for_a_code_too(app, client):
    _id, number, signature = issued_certificate(app)
    assert client.get(f"/api/v1/verify/{number}").get_json()["status"] == "needs_code"
    assert client.get(f"/api/v1/verify/{number}", query_string={"code": check_code(signature)}).get_json()[
        "status"] == "genuine"
