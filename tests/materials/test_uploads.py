"""Uploading materials, on both storage backends and the suite's database: what is accepted,
what is refused (and leaves nothing behind), EXIF, bombs, encryption, who may open a file,
and a file swapped in storage found by `flask audit verify --files`."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import AccessLog
from app.models.materials import FileStatus, MaterialFile
from app.storage import get_storage
from tests.conftest import api_token, csrf_from, login
from tests.materials import samples
from tests.materials.conftest import stored

SERVICE = "criminal_record"


def upload(client, data: bytes, name: str, *, slot: str = "power_of_attorney", service: str = SERVICE,
           application_id: int | None = None):
    page = client.get(f"/my/apply/{service}")
    token = csrf_from(page.get_data(as_text=True))
    form = {"service": service, "slot": slot, "file": (io.BytesIO(data), name)}
    if application_id:
        form["application_id"] = str(application_id)
    return client.post("/materials/upload", data=form, headers={"Accept": "application/json", "X-CSRFToken": token},
                       content_type="multipart/form-data")


def rows(app) -> list[MaterialFile]:
    with app.app_context():
        found = list(db.session.scalars(select(MaterialFile).order_by(MaterialFile.id)))
        for row in found:
            db.session.expunge(row)
        return found


def stored_keys(app) -> list[str]:
    """Every object in the store (both backends), to prove a refusal left nothing behind."""
    with app.app_context():
        storage = get_storage()
        if app.storage_backend == "local":
            return sorted(str(p.relative_to(storage.root)) for p in storage.root.rglob("*") if p.is_file())
        listing = storage.client.list_objects_v2(Bucket=storage.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.mark.parametrize("name, data, media_type, pages", [
    ("委托书.jpg", samples.jpeg(), "image/jpeg", None),
    ("扫描件.png", samples.png(), "image/png", None),
    ("委托书.pdf", samples.pdf(pages=3), "application/pdf", 3),
], ids=["jpeg", "png", "pdf"])
def test_each_accepted_type_is_stored_under_a_generated_key(app, client, name, data, media_type, pages):
    login(client, "citizen")
    response = upload(client, data, name)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["media_type"] == media_type and body["pages"] == pages and body["name"] == name
    [row] = rows(app)
    assert row.status == FileStatus.STAGED and row.application_id is None
    assert name not in row.storage_key and row.storage_key.startswith("materials/")
    content = stored(app, row.storage_key)
    assert len(content) == row.size
    if media_type == "application/pdf":
        assert content == data  # PDFs are kept as sent
    else:
        assert Image.open(io.BytesIO(content)).format == media_type.split("/")[1].upper().replace("JPG", "JPEG")
    # The thumbnail job ran after the commit (eager in tests) and the preview is served.
    assert rows(app)[0].thumbnail_status == "ready"
    preview = client.get(f"/materials/{row.id}/thumbnail")
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(preview.data)).width <= 480
    view = client.get(f"/materials/{row.id}")
    assert view.status_code == 200 and view.data == content and view.mimetype == media_type
    assert view.headers["X-Content-Type-Options"] == "nosniff"
    assert view.headers["Cache-Control"] == "no-store"
    assert "inline" in view.headers["Content-Disposition"]


@pytest.mark.parametrize("name, data, code", [
    ("委托书.jpg", samples.exe(), "file.type"),  # a program renamed: refused by its content
    ("委托书.pdf", b"just some text, named .pdf", "file.type"),
    ("bomb.png", samples.png_bomb(), "file.too_many_pixels"),
    ("加密.pdf", samples.encrypted_pdf(), "file.encrypted"),
    ("坏的.pdf", samples.broken_pdf(), "file.broken"),
    ("截断.jpg", samples.jpeg()[:600], "file.broken"),
    ("空.jpg", b"", "file.empty"),
], ids=["exe", "text", "bomb", "encrypted", "broken-pdf", "truncated-jpeg", "empty"])
def test_refused_files_leave_nothing_behind(app, client, name, data, code):
    login(client, "citizen")
    response = upload(client, data, name)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == code
    assert body["message"]  # a sentence for the person, in Chinese
    assert rows(app) == []
    assert stored_keys(app) == []


def test_an_oversized_file_is_a_413_and_nothing_is_stored(app, client):
    app.config["MATERIAL_MAX_FILE_MB"] = 1
    login(client, "citizen")
    response = upload(client, samples.noisy_jpeg(1.6), "big.jpg")
    assert response.status_code == 413
    assert "1 MB" in response.get_json()["message"]
    assert rows(app) == [] and stored_keys(app) == []
    # Through the API too.
    headers = api_token(client, "citizen")
    api = client.post("/api/v1/uploads", headers=headers, content_type="multipart/form-data",
                      data={"service": SERVICE, "slot": "power_of_attorney",
                            "file": (io.BytesIO(samples.noisy_jpeg(1.6)), "big.jpg")})
    assert api.status_code == 413 and api.get_json()["error"] == "file.too_large"
    assert rows(app) == [] and stored_keys(app) == []


def test_all_files_of_one_application_have_a_limit_too(app, client):
    app.config["MATERIAL_MAX_APPLICATION_MB"] = 1
    login(client, "citizen")
    first = samples.noisy_jpeg(0.6)
    assert upload(client, first, "a.jpg").status_code == 201
    response = upload(client, samples.noisy_jpeg(0.6), "b.jpg", slot="purpose_proof")
    assert response.status_code == 413
    assert "合计" in response.get_json()["message"]
    assert len(rows(app)) == 1 and len([k for k in stored_keys(app) if k.startswith("materials/")]) == 1


def test_exif_and_gps_are_stripped_and_the_photo_is_upright(app, client):
    original = samples.jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the sample does carry GPS
    login(client, "citizen")
    assert upload(client, original, "photo.jpg").status_code == 201
    [row] = rows(app)
    cleaned = Image.open(io.BytesIO(stored(app, row.storage_key)))
    exif = cleaned.getexif()
    assert len(exif) == 0 and not exif.get_ifd(0x8825)
    assert b"PhoneMaker" not in stored(app, row.storage_key)


def test_the_same_file_twice_in_a_slot_is_recognised(app, client):
    login(client, "citizen")
    data = samples.pdf(pages=1)
    first = upload(client, data, "a.pdf")
    again = upload(client, data, "a-copy.pdf")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["duplicate"] is True and again.get_json()["id"] == first.get_json()["id"]
    assert len(rows(app)) == 1
    # In another slot the same bytes are a file of their own.
    assert upload(client, data, "a.pdf", slot="purpose_proof").status_code == 201


def test_the_uploader_removes_a_file_before_submitting(app, client):
    login(client, "citizen")
    body = upload(client, samples.png(), "x.png").get_json()
    token = csrf_from(client.get(f"/my/apply/{SERVICE}").get_data(as_text=True))
    removed = client.post(body["remove_url"], headers={"Accept": "application/json", "X-CSRFToken": token})
    assert removed.status_code == 200
    assert rows(app) == [] and stored_keys(app) == []


def test_another_persons_file_is_a_404(app, client):
    login(client, "citizen")
    file_id = upload(client, samples.png(), "mine.png").get_json()["id"]
    client.get("/auth/logout")
    client.post("/auth/logout")
    other = app.test_client()
    login(other, "citizen2")
    for url in (f"/materials/{file_id}", f"/materials/{file_id}/thumbnail", f"/materials/{file_id}/status"):
        assert other.get(url).status_code == 404
    token = csrf_from(other.get("/my/apply/criminal_record").get_data(as_text=True))
    assert other.post(f"/materials/{file_id}/remove", headers={"Accept": "application/json",
                                                              "X-CSRFToken": token}).status_code == 404
    staff = app.test_client()
    login(staff, "clerk")  # a staged file belongs to no unit yet
    assert staff.get(f"/materials/{file_id}").status_code == 404
    assert len(rows(app)) == 1


def _file_agent_application(client) -> dict:
    """李明 applies for 刘桂兰 as her agent, with the power of attorney uploaded (API)."""
    headers = api_token(client, "citizen")
    uploaded = client.post("/api/v1/uploads", headers=headers, content_type="multipart/form-data",
                           data={"service": SERVICE, "slot": "power_of_attorney",
                                 "file": (io.BytesIO(samples.pdf(pages=2)), "授权委托书.pdf")})
    assert uploaded.status_code == 201, uploaded.get_json()
    created = client.post("/api/v1/applications", headers=headers, json={"service": SERVICE, "data": {
        "applicant_type": "agent", "purpose": "入职", "subject_name": "刘桂兰",
        "subject_id_number": "411002196204199048", "materials": {"power_of_attorney": [uploaded.get_json()["id"]]}}})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_an_agent_must_upload_the_power_of_attorney(app, client):
    headers = api_token(client, "citizen")
    refused = client.post("/api/v1/applications", headers=headers, json={"service": SERVICE, "data": {
        "applicant_type": "agent", "purpose": "入职", "subject_name": "刘桂兰",
        "subject_id_number": "411002196204199048", "power_of_attorney": True}})
    assert refused.status_code == 422 and refused.get_json()["error"] == "agent.power_of_attorney"
    created = _file_agent_application(client)
    [row] = rows(app)
    assert row.status == FileStatus.CURRENT and row.application_id == created["id"] and row.event_seq == 1
    with app.app_context():
        from app.models.applications import ApplicationEvent

        submit = db.session.scalar(select(ApplicationEvent).where(ApplicationEvent.application_id == created["id"]))
        [recorded] = submit.payload["materials"]
        assert recorded == {"file_id": row.id, "slot": "power_of_attorney", "sha256": row.sha256,
                            "size": row.size, "media_type": "application/pdf"}
        assert "授权委托书" not in str(submit.payload)  # names stay out of the event log


def test_staff_of_the_handling_unit_open_the_file_and_are_recorded(app, client):
    created = _file_agent_application(client)
    [row] = rows(app)
    staff = app.test_client()
    login(staff, "clerk")
    assert staff.get(f"/desk/applications/{created['id']}").status_code == 200
    view = staff.get(f"/materials/{row.id}")
    download = staff.get(f"/materials/{row.id}?download=1")
    assert view.status_code == 200 and download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    with app.app_context():
        actions = list(db.session.scalars(select(AccessLog.action).where(AccessLog.subject_kind == "material_file",
                                                                        AccessLog.subject_id == str(row.id))))
    assert actions == ["material.view", "material.download"]
    # The owner's own views are not staff access; another unit's clerk gets a 404.
    client.get(f"/materials/{row.id}")
    elsewhere = app.test_client()
    login(elsewhere, "clerk_jianan")
    assert elsewhere.get(f"/materials/{row.id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessLog)
                                 .where(AccessLog.subject_kind == "material_file")) == 2


def test_a_file_swapped_in_storage_is_named_by_audit_verify_files(app, client):
    created = _file_agent_application(client)
    [row] = rows(app)
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify", "--files"])
    assert intact.exit_code == 0, intact.output
    assert "1 files verified" in intact.output
    with app.app_context():
        get_storage().put(row.storage_key, samples.pdf(pages=1), content_type="application/pdf")
    broken = runner.invoke(args=["audit", "verify", "--files"])
    assert broken.exit_code == 1
    assert created["number"] in broken.output and f"file {row.id}" in broken.output
    assert "power_of_attorney" in broken.output and "SHA-256" in broken.output
    # Without --files only the chain is checked (it is intact: the event itself was not touched).
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_the_api_serves_a_file_to_its_owner_and_the_unit_and_404_to_others(app, client):
    created = _file_agent_application(client)
    [row] = rows(app)
    url = f"/api/v1/materials/{row.id}"
    own = client.get(url, headers=api_token(client, "citizen"))
    assert own.status_code == 200 and own.data == stored(app, row.storage_key)
    assert own.headers["Cache-Control"] == "no-store" and "attachment" in own.headers["Content-Disposition"]
    assert client.get(url, headers=api_token(client, "citizen2")).status_code == 404
    assert client.get(url, headers=api_token(client, "clerk_jianan")).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(url, headers=api_token(client, "clerk")).status_code == 200
    with app.app_context():
        logged = list(db.session.scalars(select(AccessLog.detail).where(AccessLog.action == "material.download")))
    assert logged == [f"application={created['id']} slot=power_of_attorney"]
