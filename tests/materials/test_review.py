"""The clerk's review per slot feeding the one-time correction notice, the reply that replaces
just those slots, 电子证照 attached by reference, and retention — on both storage backends."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.applications import ApplicationEvent, Certificate
from app.models.materials import FileStatus, MaterialFile, MaterialReview
from app.operations import materials as material_ops
from app.storage import StoredFileMissing, get_storage
from tests.conftest import api_token, csrf_from, login
from tests.materials import samples
from tests.materials.helpers import api_reply, api_upload
from tests.materials.test_uploads import _file_agent_application, rows
from tests.services.test_security_licence import pdf_text

SERVICE = "criminal_record"


def act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def mark(client, application_id: int, slot: str, verdict: str, problem: str = "", requirement: str = ""):
    page = client.get(f"/desk/applications/{application_id}")
    return client.post(f"/desk/applications/{application_id}/materials/{slot}/review", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "verdict": verdict, "problem": problem,
        "requirement": requirement})


def test_marked_slots_fill_the_notice_the_reply_replaces_them_and_acceptance_waits(app, client, tmp_path):
    created = _file_agent_application(client)
    application_id = created["id"]
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    staff = app.test_client()
    login(staff, "clerk")
    # Needs correction without saying what: refused.
    assert "须写明存在的问题和补正要求" in staff.get(
        mark(staff, application_id, "power_of_attorney", "needs_correction").headers["Location"]
    ).get_data(as_text=True)
    mark(staff, application_id, "power_of_attorney", "needs_correction", "委托书无委托人签名", "上传签名后的委托书")
    refused = act(client, clerk, application_id, "accept")
    assert refused.status_code == 409 and refused.get_json()["error"] == "materials.marked_for_correction"
    assert "授权委托书及受托人身份证件" in refused.get_json()["message"]

    # A reply file before any notice: refused (nothing is open to the applicant).
    early = client.post(f"/api/v1/applications/{application_id}/materials/power_of_attorney", headers=citizen,
                        content_type="multipart/form-data", data={"file": (io.BytesIO(samples.png()), "x.png")})
    assert early.status_code == 409

    corrected = act(client, clerk, application_id, "request_correction", items=["请同时说明与委托人的关系"])
    assert corrected.status_code == 200, corrected.get_json()
    with app.app_context():
        event = db.session.scalar(select(ApplicationEvent).where(ApplicationEvent.application_id == application_id,
                                                                 ApplicationEvent.action == "request_correction"))
        assert event.payload["material_items"] == [{"slot": "power_of_attorney", "material": "授权委托书及受托人身份证件",
                                                    "problem": "委托书无委托人签名", "requirement": "上传签名后的委托书"}]
        assert event.payload["items"][-1] == "请同时说明与委托人的关系"
    notice = pdf_text(app, application_id, "correction_notice", tmp_path)
    for phrase in ("授权委托书及受托人身份证件", "委托书无委托人签名", "上传签名后的委托书", "请同时说明与委托人的关系"):
        assert phrase in notice, phrase

    # The reply must carry the marked slot.
    bare = act(client, citizen, application_id, "resubmit", decision_note="已补正")
    assert bare.status_code == 422 and bare.get_json()["error"] == "materials.correction_missing"
    # Another slot is open too (the notice also asked in words), but only the marked one is required.
    replacement = api_reply(client, citizen, application_id, "power_of_attorney", samples.pdf(pages=1))
    resubmitted = act(client, citizen, application_id, "resubmit", decision_note="已补正")
    assert resubmitted.status_code == 200, resubmitted.get_json()
    files = {row.id: row for row in rows(app)}
    assert files[replacement].status == FileStatus.CURRENT
    assert [f.status for f in files.values() if f.id != replacement] == [FileStatus.SUPERSEDED]
    with app.app_context():
        assert db.session.scalar(select(MaterialReview).where(MaterialReview.application_id == application_id)) is None
        resubmit = db.session.scalar(select(ApplicationEvent).where(ApplicationEvent.application_id == application_id,
                                                                    ApplicationEvent.action == "resubmit"))
        assert [f["file_id"] for f in resubmit.payload["materials"]] == [replacement]
    # Staff still see the replaced version; the owner's page shows the current one.
    page = staff.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    assert "已被替换的早期版本（1）" in page and "授权委托书.pdf" in page
    mark(staff, application_id, "power_of_attorney", "ok")
    assert act(client, clerk, application_id, "accept").get_json()["status"] == "accepted"
    # After acceptance nothing more is handed in for it.
    late = client.post(f"/api/v1/applications/{application_id}/materials/power_of_attorney", headers=citizen,
                       content_type="multipart/form-data", data={"file": (io.BytesIO(samples.png()), "y.png")})
    assert late.status_code == 409


def _issue_certificate(client) -> dict:
    citizen, clerk = api_token(client, "citizen"), api_token(client, "clerk")
    created = client.post("/api/v1/applications", headers=citizen, json={
        "service": SERVICE, "data": {"applicant_type": "individual", "purpose": "入职"}}).get_json()
    for action in ("accept", "approve", "issue"):
        assert act(client, clerk, created["id"], action).status_code == 200
    return created


def test_an_issued_certificate_is_attached_from_the_wallet_by_reference(app, client):
    _issue_certificate(client)
    login(client, "citizen")
    wallet = client.get("/my/wallet").get_data(as_text=True)
    assert "无犯罪记录证明" in wallet
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        certificate_id, document_sha = certificate.id, certificate.document.sha256
    token = csrf_from(client.get(f"/my/apply/{SERVICE}").get_data(as_text=True))
    attached = client.post("/materials/wallet", headers={"Accept": "application/json", "X-CSRFToken": token},
                           data={"service": SERVICE, "slot": "purpose_proof", "certificate_id": str(certificate_id)})
    assert attached.status_code == 201, attached.get_json()
    body = attached.get_json()
    assert body["from_wallet"] is True and body["media_type"] == "application/pdf"
    row = rows(app)[-1]
    assert row.certificate_id == certificate_id and row.sha256 == document_sha and row.storage_key is None
    view = client.get(f"/materials/{row.id}")
    assert view.status_code == 200 and view.data[:5] == b"%PDF-"
    # Someone else's certificate, or one whose signature does not verify, cannot be attached.
    other = app.test_client()
    login(other, "citizen2")
    other_token = csrf_from(other.get(f"/my/apply/{SERVICE}").get_data(as_text=True))
    assert other.post("/materials/wallet", headers={"Accept": "application/json", "X-CSRFToken": other_token},
                      data={"service": SERVICE, "slot": "purpose_proof",
                            "certificate_id": str(certificate_id)}).status_code == 404
    with app.app_context():
        db.session.get(Certificate, certificate_id).signature = "forged"
        db.session.commit()
    forged = client.post("/materials/wallet", headers={"Accept": "application/json", "X-CSRFToken": token},
                         data={"service": SERVICE, "slot": "unit_letter", "certificate_id": str(certificate_id)})
    assert forged.status_code == 409 and forged.get_json()["error"] == "wallet.not_genuine"


def test_files_of_closed_matters_are_purged_after_retention_and_abandoned_uploads_after_a_day(app, client, clock):
    created = _file_agent_application(client)
    citizen = api_token(client, "citizen")
    abandoned = api_upload(client, citizen, SERVICE, "purpose_proof", samples.png())
    assert act(client, citizen, created["id"], "withdraw").status_code == 200
    [handed, staged] = rows(app)
    with app.app_context():
        assert material_ops.purge(now=timeutil.now()) == {"abandoned": 0, "expired": 0}
        later = timeutil.now() + timedelta(days=app.config["MATERIAL_RETENTION_DAYS"] + 1)
        assert material_ops.purge(now=later) == {"abandoned": 1, "expired": 1}
        for key in (handed.storage_key, staged.storage_key):
            try:
                get_storage().get(key)
            except StoredFileMissing:
                continue
            raise AssertionError(f"{key} is still stored")
        row = db.session.get(MaterialFile, handed.id)
        assert row.status == FileStatus.PURGED and row.sha256 == handed.sha256
        assert db.session.get(MaterialFile, abandoned) is None
    # The hash stays in the event log; verification skips the purged bytes and says the chain is whole.
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--files"])
    assert result.exit_code == 0 and "0 files verified, 0 problems" in result.output
    login(client, "citizen")
    assert client.get(f"/materials/{handed.id}").status_code == 404


def test_a_reply_without_its_note_keeps_the_file_sent_with_it(app, client):
    """No script, the note forgotten: the page says so and the file is still there for the retry."""
    created = _file_agent_application(client)
    application_id = created["id"]
    staff = app.test_client()
    login(staff, "clerk")
    mark(staff, application_id, "power_of_attorney", "needs_correction", "未签名", "上传签名后的委托书")
    assert act(client, api_token(client, "clerk"), application_id, "request_correction").status_code == 200
    login(client, "citizen")
    page = f"/my/applications/{application_id}"
    token = csrf_from(client.get(page).get_data(as_text=True))
    forgot = client.post(f"{page}/resubmit", content_type="multipart/form-data", data={
        "csrf_token": token, "note": "", "file-power_of_attorney": [(io.BytesIO(samples.pdf(pages=1)), "签名版.pdf")]})
    assert forgot.status_code == 302
    again = client.get(page).get_data(as_text=True)
    assert "请填写补正说明" in again and "签名版.pdf" in again
    done = client.post(f"{page}/resubmit", data={"csrf_token": csrf_from(again), "note": "已上传签名版"})
    assert done.status_code == 302
    assert "补正材料已提交" in client.get(page).get_data(as_text=True)
