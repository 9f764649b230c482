"""Uploading, opening and removing material files (the bytes are checked and stored by
`app.operations.materials`). Uploads answer JSON to the page's script and fall back to the
page itself without script; files are served only to their owner and the handling unit."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, jsonify, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app import timeutil
from app.documents.uploads import EXTENSIONS
from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.catalogue.base import Step
from app.domain.text import N_
from app.models.accounts import Role
from app.models.materials import FileStatus, MaterialFile
from app.operations import OperationError
from app.operations import materials as material_ops
from app.operations.access import get_visible
from app.web.guards import require_login

bp = Blueprint("materials", __name__, url_prefix="/materials")
bp.before_request(require_login)
APPLICANT_ROLES = (Role.CITIZEN, Role.ENTERPRISE)


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def file_json(row: MaterialFile, *, duplicate: bool = False) -> dict:
    return {
        "id": row.id, "slot": row.slot, "name": row.original_name, "size": row.size,
        "size_text": size_text(row.size), "media_type": row.media_type, "pages": row.page_count,
        "status": row.status, "thumbnail": row.thumbnail_status, "from_wallet": row.from_wallet,
        "duplicate": duplicate,
        "view_url": url_for("materials.view", file_id=row.id),
        "thumbnail_url": url_for("materials.thumbnail", file_id=row.id),
        "status_url": url_for("materials.status", file_id=row.id),
        "remove_url": url_for("materials.remove", file_id=row.id) if row.status == FileStatus.STAGED else None,
    }


def _error(code: str, message: str, status: int):
    return jsonify(error=code, message=message), status


def _application(value: str | None):
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        abort(404)
    return get_visible(current_user, int(value))


def limit_upload_size() -> None:
    """One file (and its form fields) per upload request; werkzeug refuses more with a 413."""
    request.max_content_length = current_app.config["MATERIAL_MAX_FILE_MB"] * 1024 * 1024 + 256 * 1024


def too_large_message() -> str:
    return _("单个文件不能超过 %(mb)s MB，请压缩或分页扫描后重新上传。", mb=current_app.config["MATERIAL_MAX_FILE_MB"])


def sent_file(missing_message: str):
    """The one file of an upload request, its size bounded before it is read (413), or a 422."""
    limit_upload_size()
    try:
        sent = request.files.get("file")
    except RequestEntityTooLarge:
        raise OperationError("file.too_large", too_large_message(), status=413) from None
    if sent is None or not sent.filename:
        raise OperationError("file.missing", missing_message, status=422)
    return sent


def stage_sent(sent, *, owner, service_code: str, slot: str, application=None) -> material_ops.Staged:
    """Stage a file sent in a request (read no further than one byte past the limit)."""
    return material_ops.stage_upload(owner=owner, service_code=service_code, slot=slot, filename=sent.filename,
                                     data=sent.read(material_ops.max_file_bytes() + 1), application=application,
                                     now=timeutil.now())


def staged_response(staged: material_ops.Staged):
    """201 for a new file, 200 for the same bytes already in the slot."""
    return jsonify(file_json(staged.file, duplicate=staged.duplicate)), 200 if staged.duplicate else 201


def send_material(user, row: MaterialFile, *, download: bool):
    """The file's bytes to someone entitled to them; a staff member's read is recorded."""
    material_ops.log_staff_view(user, row, "download" if download else "view")
    return _private(send_file(BytesIO(material_ops.read_bytes(row)), mimetype=row.media_type,
                              as_attachment=download,
                              download_name=f"{row.slot}-{row.id}.{EXTENSIONS[row.media_type]}"))


@bp.route("/upload", methods=["POST"])
def upload():
    if current_user.role_enum not in APPLICANT_ROLES:
        abort(403)
    try:
        sent = sent_file(_("请选择要上传的文件。"))
        form = request.form
        staged = stage_sent(sent, owner=current_user, service_code=_service(form.get("service")),
                            slot=form.get("slot", ""), application=_application(form.get("application_id")))
    except OperationError as exc:
        return _error(exc.code, exc.message, exc.status)
    return staged_response(staged)


@bp.route("/wallet", methods=["POST"])
def attach_certificate():
    """Attach an electronic certificate from 我的证照 to a slot, by reference."""
    if current_user.role_enum not in APPLICANT_ROLES:
        abort(403)
    form = request.form
    certificate_id = form.get("certificate_id", "")
    if not certificate_id.isdigit() or len(certificate_id) > 12:
        return _error("wallet.invalid", _("请选择要引用的证照。"), 422)
    try:
        staged = material_ops.stage_certificate(
            owner=current_user, service_code=_service(form.get("service")), slot=form.get("slot", ""),
            certificate_id=int(certificate_id), application=_application(form.get("application_id")),
            now=timeutil.now())
    except OperationError as exc:
        return _error(exc.code, exc.message, exc.status)
    return staged_response(staged)


def _service(code: str | None) -> str:
    if not code or code not in CATALOGUE:
        raise OperationError("service.unknown", N_("未找到该服务事项。"), status=404)
    return code


@bp.route("/<int:file_id>/remove", methods=["POST"])
def remove(file_id: int):
    try:
        material_ops.remove_staged(owner=current_user, file_id=file_id)
    except OperationError as exc:
        return _error(exc.code, exc.message, exc.status)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(removed=file_id)
    return redirect(safe_next(request.args.get("next"), url_for("citizen.dashboard")))


def _visible(file_id: int) -> MaterialFile:
    return material_ops.visible_file(current_user, file_id, visible_application=get_visible)


@bp.route("/<int:file_id>")
def view(file_id: int):
    """The file itself, inline (`?download=1`: as an attachment); staff views are recorded."""
    return send_material(current_user, _visible(file_id), download=request.args.get("download") == "1")


@bp.route("/<int:file_id>/thumbnail")
def thumbnail(file_id: int):
    row = _visible(file_id)
    preview = material_ops.read_thumbnail(row)
    if preview is None:
        abort(404)
    return _private(send_file(BytesIO(preview), mimetype="image/jpeg"))


@bp.route("/<int:file_id>/status")
def status(file_id: int):
    return jsonify(file_json(_visible(file_id)))


def _private(response):
    """Personal files: never cached, never sniffed (the page CSP is added to every response)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the upload slots of a page (filing form, correction reply, 容缺 supplement) -------------


def slot_views(service, files, *, review_rows=None, only=None, answers=None) -> list[dict]:
    """Each material of a service as the page shows it: shared (named registry), or an upload
    slot with its files (and the clerk's verdict, for staff). `only`: the slots open now.
    `answers` (a filed application's data): a slot that does not apply to them and holds no
    file is left out (a clerk is not shown an agent's power of attorney as missing)."""
    review_rows = review_rows or {}
    slots = service.upload_slots()
    asked = FILING_SCHEMAS[service.code].conditions()
    unasked = FILING_SCHEMAS[service.code].unasked(answers) if answers is not None else set()
    views = []
    for material in service.materials:
        shown = material in slots or (material.shared and only is None and not service.filed_by_staff)
        if not shown or (only is not None and material.code not in only):
            continue
        if f"materials.{material.code}" in unasked and not any(f.slot == material.code for f in files):
            continue
        review = review_rows.get(material.code)
        views.append({
            "code": material.code, "name_zh": material.name_zh, "name_en": material.name_en,
            # 主审要件 only matters where 容缺 may waive the others.
            "note": material.note_zh, "required": material.required,
            "core": material.core and service.has(Step.TOLERANCE),
            "shared": material.shared, "registry": material.registry_zh,
            "files": [file_json(f) for f in files if f.slot == material.code],
            "review": review,
            # A slot for some cases only (an agent's power of attorney): revealed when it applies.
            "asked_when": asked.get(f"materials.{material.code}"),
        })
    return views


def safe_next(value: str | None, default: str) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else default


def stage_from_form(service, *, application=None) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """A page sent without script carries its files itself: stage each (per-slot errors kept,
    the good files kept too), then every slot's file ids, staged earlier or now."""
    ids: dict[str, list[int]] = {}
    errors: dict[str, list[str]] = {}
    now = timeutil.now()
    for material in service.upload_slots():
        code = material.code
        for value in request.form.getlist(f"materials-{code}"):
            if value.isdigit() and len(value) <= 12:
                ids.setdefault(code, []).append(int(value))
        uploads = [f for f in request.files.getlist(f"file-{code}") if f and f.filename]
        certificates = [v for v in request.form.getlist(f"wallet-{code}") if v.isdigit() and len(v) <= 12]
        for sent in uploads:
            try:
                staged = stage_sent(sent, owner=current_user, service_code=service.code, slot=code,
                                    application=application)
            except OperationError as exc:
                errors.setdefault(code, []).append(f"{sent.filename}：{exc.message}")
                continue
            ids.setdefault(code, []).append(staged.file.id)
        for value in certificates:
            try:
                staged = material_ops.stage_certificate(owner=current_user, service_code=service.code, slot=code,
                                                        certificate_id=int(value), application=application, now=now)
            except OperationError as exc:
                errors.setdefault(code, []).append(exc.message)
                continue
            ids.setdefault(code, []).append(staged.file.id)
    return {code: sorted(set(v)) for code, v in ids.items()}, errors
