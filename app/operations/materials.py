"""Materials handed in as files (上传材料), for every service, from the catalogue's slots.

- Uploading (`stage_upload`, `stage_certificate`) checks and cleans the file at once
  (`app.documents.uploads`), stores its bytes under a generated key and writes a *staged* row;
  the thumbnail is a job. Nothing half-stored: a refused file leaves no bytes and no row.
- An event hands staged files in: filing (`check_filing`), the correction reply (`resubmit`)
  and the 容缺 supplement (`supply_materials`). The event's payload lists each file with its
  SHA-256, so the hash chain covers the bytes (`verify_files` re-reads them); the subscriber
  then makes them the slot's current version, keeping the replaced ones for staff.
- The clerk's verdict per slot (`review_slot`) feeds the one-time correction notice and bars
  acceptance while a slot is marked 需补正; a `checked` material (核验: a unit's proof of
  employment, an agent's power of attorney) must be reviewed before the decision and found 合格
  before an approval — whoever approves, a clerk or the system.
- 电子证照: a certificate this portal issued to the applicant is attached by reference, checked
  by its signature, instead of uploaded.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update

from app import timeutil
from app.documents import uploads
from app.domain.catalogue import FILING_SCHEMAS, get_service
from app.domain.catalogue.base import Material, Service
from app.domain.catalogue.schema import CORRECTION_ITEM_MAX, MAX_FILES_PER_SLOT
from app.domain.text import N_
from app.domain.workflow import FINAL_STATES, TRANSITIONS, Action, Actor, ActorKind, State, commitment_open
from app.extensions import db
from app.jobs import enqueue, periodic, task
from app.models.accounts import User
from app.models.applications import Application, ApplicationEvent, Certificate
from app.models.materials import FileStatus, MaterialFile, MaterialReview, ThumbnailStatus, Verdict
from app.operations import NotFound, OperationError
from app.operations.access import actor_for
from app.operations.audit import log_access
from app.operations.events import event_records
from app.operations.signatures import is_genuine
from app.storage import StoredFileMissing, get_storage

log = logging.getLogger(__name__)
MB = 1024 * 1024
MAX_TEXT = CORRECTION_ITEM_MAX  # a verdict's problem / requirement (a row of the correction notice)
VERDICT_NAMES = {Verdict.OK: N_("合格"), Verdict.NEEDS_CORRECTION: N_("需补正")}


def max_file_bytes() -> int:
    return current_app.config["MATERIAL_MAX_FILE_MB"] * MB


def max_application_bytes() -> int:
    return current_app.config["MATERIAL_MAX_APPLICATION_MB"] * MB


class TooLarge(OperationError):
    def __init__(self, template: str, **params):
        super().__init__("file.too_large", template, status=413, params=params)


def check_size(size: int) -> None:
    """One file over the limit is refused before anything is read into the store."""
    if size > max_file_bytes():
        raise TooLarge(N_("单个文件不能超过 %(mb)s MB，请压缩或分页扫描后重新上传。"),
                       mb=current_app.config["MATERIAL_MAX_FILE_MB"])


# --- slots ----------------------------------------------------------------------------------


def slot_of(service: Service, code: str) -> Material:
    for material in service.upload_slots():
        if material.code == code:
            return material
    raise OperationError("material.unknown_slot", N_("该事项没有这项申请材料。"), field="materials", status=404)


def current_files(application: Application) -> list[MaterialFile]:
    return list(db.session.scalars(
        select(MaterialFile).where(MaterialFile.application_id == application.id,
                                   MaterialFile.status.in_([FileStatus.CURRENT, FileStatus.PURGED]))
        .order_by(MaterialFile.slot, MaterialFile.id)))


def all_files(application: Application) -> list[MaterialFile]:
    """Every version, for staff (the replaced ones too)."""
    return list(db.session.scalars(
        select(MaterialFile).where(MaterialFile.application_id == application.id).order_by(MaterialFile.id)))


def staged_files(owner: User | None, *, service_code: str, application: Application | None,
                 among: Sequence[int] | None = None) -> list[MaterialFile]:
    """Files uploaded and not yet handed in: the owner's for a new filing of the service, or
    anyone's of the applicant side for `application` (an enterprise's staff share its matters);
    with `among`, only those of these ids."""
    if application is not None:
        condition = MaterialFile.application_id == application.id
    else:
        condition = (MaterialFile.application_id.is_(None) & (MaterialFile.service_code == service_code)
                     & (MaterialFile.owner_user_id == owner.id))
    if among is not None:
        condition = condition & MaterialFile.id.in_(among)
    return list(db.session.scalars(
        select(MaterialFile).where(MaterialFile.status == FileStatus.STAGED, condition).order_by(MaterialFile.id)))


def reviews(application: Application) -> dict[str, MaterialReview]:
    rows = db.session.scalars(select(MaterialReview).where(MaterialReview.application_id == application.id))
    return {row.slot: row for row in rows}


def needing_correction(application: Application) -> list[MaterialReview]:
    return [r for r in reviews(application).values() if r.verdict == Verdict.NEEDS_CORRECTION]


def replaceable_slots(application: Application) -> set[str] | None:
    """The slots the applicant may hand files in for now: those a correction notice named (all,
    when it also asked for something in words), or the ones promised under 容缺; None: none."""
    state = State(application.state)
    history = event_records(application)
    if state == State.CORRECTION_REQUESTED:
        notice = next((e for e in reversed(history) if e.action == Action.REQUEST_CORRECTION), None)
        named = [item["slot"] for item in (notice.payload.get("material_items") or [])] if notice else []
        free_text = notice is not None and len(notice.payload.get("items") or []) > len(named)
        return {m.code for m in get_service(application.service_code).upload_slots()} if free_text or not named \
            else set(named)
    if commitment_open(history):
        accepted = next(e for e in history if e.action in (Action.ACCEPT, Action.DEEM_ACCEPTED)
                        and e.payload.get("tolerance"))
        return set(accepted.payload.get("missing_materials") or [])
    return None


# --- uploading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staged:
    file: MaterialFile
    duplicate: bool  # the same bytes were already in this slot: nothing stored again


def _scope(owner: User, service: Service, slot: str, application: Application | None) -> None:
    if application is None:
        return
    if actor_for(owner, application).kind != ActorKind.APPLICANT:
        raise NotFound(N_("未找到该办件。"))
    allowed = replaceable_slots(application)
    if allowed is None:
        raise OperationError("material.closed", N_("当前办理阶段不能提交材料。"), status=409)
    if slot not in allowed:
        raise OperationError("material.not_requested", N_("这项材料不在需补正或需补齐的范围内。"), status=409)


def _in_scope(owner: User, service: Service, application: Application | None) -> list[MaterialFile]:
    """The files one application has or will have: staged for it, and (once filed) current."""
    files = staged_files(owner, service_code=service.code, application=application)
    if application is not None:
        files += [f for f in current_files(application) if f.status == FileStatus.CURRENT]
    return files


def _in_slot(owner: User, service: Service, slot: str, application: Application | None) -> list[MaterialFile]:
    return [f for f in _in_scope(owner, service, application) if f.slot == slot]


def _check_total(owner: User, service: Service, application: Application | None, adding: int) -> None:
    files = _in_scope(owner, service, application)
    if sum(f.size for f in files if not f.from_wallet) + adding > max_application_bytes():
        raise TooLarge(N_("一件申请的材料合计不能超过 %(mb)s MB，请压缩后重新上传。"),
                       mb=current_app.config["MATERIAL_MAX_APPLICATION_MB"])


def stage_upload(*, owner: User, service_code: str, slot: str, data: bytes, filename: str,
                 application: Application | None = None, now: datetime) -> Staged:
    """Check, clean and store one uploaded file for a slot (of a filing not yet submitted, or
    of `application` when answering a correction or supplying a promised material)."""
    service = get_service(service_code)
    slot_of(service, slot)
    _scope(owner, service, slot, application)
    check_size(len(data))
    _check_total(owner, service, application, len(data))
    try:
        clean = uploads.inspect(data, max_pixels=current_app.config["MATERIAL_MAX_PIXELS"])
    except uploads.UploadRefused as refused:
        raise OperationError(refused.code, refused.template, params=refused.params, status=422) from None
    same = next((f for f in _in_slot(owner, service, slot, application) if f.sha256 == clean.sha256), None)
    if same is not None:
        return Staged(same, duplicate=True)
    local = timeutil.local(now)
    key = f"materials/{local:%Y/%m}/{secrets.token_hex(16)}.{clean.extension}"
    row = MaterialFile(
        owner_user_id=owner.id, application_id=application.id if application is not None else None,
        service_code=service.code, slot=slot, status=FileStatus.STAGED, storage_key=key,
        media_type=clean.media_type, size=len(clean.data), sha256=clean.sha256,
        original_name=_display_name(filename), width=clean.width, height=clean.height,
        page_count=clean.page_count, thumbnail_status=ThumbnailStatus.PENDING, created_at=now,
    )
    storage = get_storage()
    storage.put(key, clean.data, content_type=clean.media_type)
    try:
        db.session.add(row)
        enqueue("material_thumbnail", {"storage_key": key}, key=f"thumbnail:{key}",
                application_id=row.application_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.delete(key)  # the row never existed: neither do the bytes
        raise
    log.info("material staged id=%s service=%s slot=%s type=%s size=%s", row.id, service.code, slot,
             row.media_type, row.size)
    return Staged(row, duplicate=False)


def _display_name(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200] or "文件"


def wallet(owner: User) -> list[Certificate]:
    """我的证照: the certificates this portal issued on the owner's applications, still valid."""
    return list(db.session.scalars(
        select(Certificate).join(Application, Certificate.application_id == Application.id)
        .where(Application.applicant_user_id == owner.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at.desc())))


def stage_certificate(*, owner: User, service_code: str, slot: str, certificate_id: int,
                      application: Application | None = None, now: datetime) -> Staged:
    """Attach an electronic certificate from the wallet by reference (its signature checked)."""
    service = get_service(service_code)
    slot_of(service, slot)
    _scope(owner, service, slot, application)
    certificate = next((c for c in wallet(owner) if c.id == certificate_id), None)
    if certificate is None or certificate.document is None or not certificate.document.ready:
        raise NotFound(N_("未找到该证照。"))
    if not is_genuine(certificate, certificate.signature):
        raise OperationError("wallet.not_genuine", N_("该证照未能通过签名核验，不能引用。"), status=409)
    document = certificate.document
    same = next((f for f in _in_slot(owner, service, slot, application) if f.sha256 == document.sha256), None)
    if same is not None:
        return Staged(same, duplicate=True)
    row = MaterialFile(
        owner_user_id=owner.id, application_id=application.id if application is not None else None,
        service_code=service.code, slot=slot, status=FileStatus.STAGED, storage_key=None,
        media_type=uploads.PDF, size=len(file_bytes_of_document(certificate)), sha256=document.sha256,
        original_name=f"{document.title}（{certificate.number}）"[:200], page_count=None,
        thumbnail_status=ThumbnailStatus.PENDING, certificate_id=certificate.id, created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    enqueue("material_thumbnail", {"file_id": row.id}, key=f"thumbnail:file:{row.id}",
            application_id=row.application_id)
    db.session.commit()
    return Staged(row, duplicate=False)


def file_bytes_of_document(certificate: Certificate) -> bytes:
    return certificate.document.content or b""


def remove_staged(*, owner: User, file_id: int) -> None:
    """The uploader takes back a file not yet handed in (bytes and row)."""
    row = db.session.get(MaterialFile, file_id)
    if row is None or row.owner_user_id != owner.id:
        raise NotFound(N_("未找到该文件。"))
    if row.status != FileStatus.STAGED:
        raise OperationError("material.handed_in", N_("该文件已随申请提交，不能删除。"), status=409)
    keys = [k for k in (row.storage_key, row.thumbnail_key) if k]
    db.session.delete(row)
    db.session.commit()
    for key in keys:
        get_storage().delete(key)


# --- handing in with an event --------------------------------------------------------------


def entry(row: MaterialFile) -> dict[str, Any]:
    """What an event records of a file (no name: names may carry personal data)."""
    return {"file_id": row.id, "slot": row.slot, "sha256": row.sha256, "size": row.size,
            "media_type": row.media_type, **({"certificate_id": row.certificate_id} if row.from_wallet else {})}


def _ids(value: object) -> list[int]:
    values = value if isinstance(value, list | tuple) else [value]
    if len(values) > MAX_FILES_PER_SLOT:
        raise OperationError("materials.invalid", N_("材料文件编号有误，请重新上传。"), field="materials")
    ids = []
    for item in values:
        if isinstance(item, bool) or not isinstance(item, int | str) or not str(item).strip().isdigit():
            raise OperationError("materials.invalid", N_("材料文件编号有误，请重新上传。"), field="materials")
        ids.append(int(item))
    return ids


def check_filing(service: Service, owner: User, data: Mapping[str, Any]) -> dict[str, list[MaterialFile]]:
    """The staged files a filing names (`data["materials"]`: slot → file ids), by slot; a
    declared material (`materials_provided`) must have its file."""
    refs = data.get("materials") or {}
    if not isinstance(refs, dict):
        raise OperationError("materials.invalid", N_("材料清单格式有误。"), field="materials")
    named: dict[str, list[int]] = {}
    for slot, value in refs.items():
        slot_of(service, str(slot))
        named[str(slot)] = _ids(value)
    # Only the files named: an applicant may have many staged (one per filing to come).
    wanted = [file_id for ids in named.values() for file_id in ids]
    staged = ({f.id: f for f in staged_files(owner, service_code=service.code, application=None, among=wanted)}
              if wanted else {})
    handed_in: dict[str, list[MaterialFile]] = {}
    for slot, ids in named.items():
        for file_id in ids:
            row = staged.get(file_id)
            if row is None or row.slot != slot:
                raise OperationError("materials.unknown_file", N_("有材料文件不存在或已随其他申请提交，请重新上传。"),
                                     field="materials")
            handed_in.setdefault(slot, []).append(row)
    declared = data.get("materials_provided")
    if isinstance(declared, list | tuple):
        slots = {m.code for m in service.upload_slots()}
        if any(str(code) not in slots for code in declared):
            raise OperationError("materials.unknown", N_("勾选的材料不属于本事项的申请材料，请重新勾选。"),
                                 field="materials_provided")
        missing = [str(code) for code in declared if str(code) not in handed_in]
        if missing:
            raise OperationError("materials.not_uploaded", N_("已勾选但未上传的材料：%(names)s。请上传文件。"),
                                 field="materials", params={"names": _names(service, missing)})
    return handed_in


def filing_payload(handed_in: Mapping[str, Sequence[MaterialFile]]) -> dict[str, Any]:
    files = [entry(row) for rows in handed_in.values() for row in rows]
    return {"materials": files} if files else {}


def check_action(service: Service, application: Application, action: str, fields: Mapping[str, Any], *,
                 actor: Actor, history) -> dict[str, Any]:
    """Extra payload for an event, or a refusal. Runs for every service and action; only where
    the state and the actor allow the action (otherwise the state machine says why not)."""
    state = State(application.state)
    transition = TRANSITIONS.get(action)
    if transition is not None and actor.kind not in transition.actors:
        return {}
    if action == Action.RESUBMIT and state == State.CORRECTION_REQUESTED:
        files = staged_files(None, service_code=service.code, application=application)
        missing = [r for r in needing_correction(application) if r.slot not in {f.slot for f in files}]
        if missing:
            raise OperationError("materials.correction_missing", N_("请先上传需补正的材料：%(names)s。"),
                                 params={"names": _names(service, [r.slot for r in missing])}, status=422)
        return {"materials": [entry(f) for f in files]} if files else {}
    if action == Action.SUPPLY_MATERIALS and commitment_open(history):
        files = staged_files(None, service_code=service.code, application=application)
        if not files:
            raise OperationError("materials.none_staged", N_("请先上传承诺补齐的材料，再提交。"), status=422)
        return {"materials": [entry(f) for f in files]}
    if action == Action.REQUEST_CORRECTION and state == State.SUBMITTED:
        marked = _correction_items(service, application)
        if not marked:
            return {}
        free = [i for i in fields.get("items") or [] if isinstance(i, str)] if isinstance(
            fields.get("items"), list | tuple) else []
        return {**marked, "items": correction_lines(marked["material_items"]) + free}
    return {}


def standing_refusal(service: Service, application: Application, action: str, *, actor: Actor,
                     history) -> OperationError | None:
    """A refusal whatever the fields, from the review of the materials: no acceptance while a
    material is marked 需补正; no "supplied" before the promised materials are in."""
    state = State(application.state)
    transition = TRANSITIONS.get(action)
    if transition is not None and actor.kind not in transition.actors:
        return None
    if action == Action.ACCEPT and state == State.SUBMITTED:
        marked = needing_correction(application)
        if marked:
            return OperationError(
                "materials.marked_for_correction",
                N_("以下材料已标记为“需补正”，不能受理：%(names)s。请一次性告知补正，或复核后改为“合格”。"),
                params={"names": _names(service, [r.slot for r in marked])}, status=409)
    if action == Action.FULFIL_COMMITMENT and commitment_open(history):
        return _supplement_refusal(service, application, history)
    if action in (Action.APPROVE, Action.REJECT) and state == State.ACCEPTED:
        return _unchecked_refusal(service, application, action)
    return None


def checked_slots(service: Service, application: Application) -> list[Material]:
    """The `checked` materials this application holds or was asked for (核验 before the decision)."""
    unasked = FILING_SCHEMAS[service.code].unasked(application.data or {}) if service.code in FILING_SCHEMAS else set()
    held = {f.slot for f in current_files(application)}
    return [m for m in service.upload_slots()
            if m.checked and (m.code in held or f"materials.{m.code}" not in unasked)]


def _unchecked_refusal(service: Service, application: Application, action: str) -> OperationError | None:
    """An approval only once each checked material is found 合格; a refusal only once it was
    looked at (a refusal notice discloses as much as a certificate)."""
    slots = checked_slots(service, application)
    if not slots:
        return None
    verdicts = reviews(application)
    if action == Action.APPROVE:
        pending = [m.code for m in slots if getattr(verdicts.get(m.code), "verdict", None) != Verdict.OK]
        if pending:
            return OperationError(
                "materials.not_checked",
                N_("以下材料须经工作人员审查为“合格”后方可作出准予决定、出具证明或告知函：%(names)s。"
                   "请先审查材料；材料不合格的，请作出不予决定并说明理由。"),
                params={"names": _names(service, pending)}, status=409)
        return None
    pending = [m.code for m in slots if m.code not in verdicts]
    if pending:
        return OperationError(
            "materials.not_reviewed",
            N_("以下材料尚未审查：%(names)s。请先审查（合格或需补正）再作出决定。"),
            params={"names": _names(service, pending)}, status=409)
    return None


def _names(service: Service, slots: Iterable[str]) -> str:
    return "、".join(service.material(slot).name_zh for slot in slots)


def _correction_items(service: Service, application: Application) -> dict[str, Any]:
    """The slots marked 需补正, as the notice's rows (材料, 存在问题, 补正要求)."""
    marked = sorted(needing_correction(application), key=lambda r: [m.code for m in service.materials].index(r.slot))
    return {"material_items": [
        {"slot": r.slot, "material": service.material(r.slot).name_zh, "problem": r.problem,
         "requirement": r.requirement} for r in marked]} if marked else {}


def correction_lines(material_items: Sequence[Mapping[str, str]]) -> list[str]:
    """One line per marked slot, as the notice's text items (messages, the timeline)."""
    return [f"{i['material']}：{i['problem']}（{i['requirement']}）" for i in material_items]


def _supplement_refusal(service: Service, application: Application, history) -> OperationError | None:
    accepted = next(e for e in history if e.action in (Action.ACCEPT, Action.DEEM_ACCEPTED) and e.payload.get("tolerance"))
    supplied = {f.slot for f in current_files(application)
                if f.status == FileStatus.CURRENT and (f.event_seq or 0) > accepted.seq}
    marked = {r.slot for r in needing_correction(application)}
    missing = [code for code in accepted.payload.get("missing_materials") or [] if code not in supplied or code in marked]
    if missing:
        return OperationError("tolerance.not_supplied", N_("容缺材料尚未补齐或仍需补正：%(names)s。"),
                              params={"names": _names(service, missing)}, status=409)
    return None


def on_event_recorded(application: Application, *, event: ApplicationEvent, decision=None) -> None:
    """Subscriber: files an event handed in become their slots' current version."""
    files = event.payload.get("materials") or []
    if not files:
        return
    ids = [f["file_id"] for f in files]
    slots = {f["slot"] for f in files}
    db.session.execute(
        update(MaterialFile).where(MaterialFile.application_id == application.id,
                                   MaterialFile.status == FileStatus.CURRENT, MaterialFile.slot.in_(slots))
        .values(status=FileStatus.SUPERSEDED, superseded_at=event.recorded_at)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(MaterialFile).where(MaterialFile.id.in_(ids))
        .values(application_id=application.id, status=FileStatus.CURRENT, event_seq=event.seq)
        .execution_options(synchronize_session=False))
    if event.action != Action.SUBMIT:
        # A replaced slot is looked at afresh; the old verdict stays in the correction event.
        db.session.execute(MaterialReview.__table__.delete().where(
            MaterialReview.application_id == application.id, MaterialReview.slot.in_(slots)))


# --- the clerk's review ----------------------------------------------------------------------


def reviewable(application: Application) -> bool:
    """Before the acceptance decision, or while a 容缺 supplement is awaited."""
    return State(application.state) == State.SUBMITTED or commitment_open(event_records(application))


def reviewable_slots(application: Application) -> frozenset[str]:
    """The slots a clerk may give a verdict on now: every one while `reviewable`; after the
    acceptance and before the decision, the `checked` ones (核验 before the decision)."""
    service = get_service(application.service_code)
    if reviewable(application):
        return frozenset(m.code for m in service.upload_slots())
    if State(application.state) in (State.ACCEPTED, State.SUSPENDED):
        return frozenset(m.code for m in checked_slots(service, application))
    return frozenset()


def review_slot(*, reviewer: User, application: Application, slot: str, verdict: str, problem: str = "",
                requirement: str = "", now: datetime) -> MaterialReview:
    """合格 or 需补正 (with the problem and what to supply) for one slot."""
    service = get_service(application.service_code)
    slot_of(service, slot)
    if actor_for(reviewer, application).kind == ActorKind.APPLICANT or reviewer.unit_id != application.unit_id:
        raise OperationError("forbidden", N_("只有承办单位的工作人员可以审查材料。"), status=403)
    if slot not in reviewable_slots(application):
        raise OperationError("material.review_closed", N_("当前办理阶段不能再审查材料。"), status=409)
    try:
        verdict = Verdict(verdict)
    except ValueError:
        raise OperationError("material.verdict", N_("请选择“合格”或“需补正”。"), field="verdict") from None
    problem, requirement = (problem or "").strip(), (requirement or "").strip()
    if verdict == Verdict.NEEDS_CORRECTION and (not problem or not requirement):
        raise OperationError("material.verdict_reason", N_("标记“需补正”时，须写明存在的问题和补正要求。"), field="problem")
    if len(problem) > MAX_TEXT or len(requirement) > MAX_TEXT:
        raise OperationError("material.verdict_long", N_("问题和补正要求各不超过%(n)s字。"), field="problem",
                             params={"n": MAX_TEXT})
    row = reviews(application).get(slot) or MaterialReview(application_id=application.id, slot=slot)
    row.verdict, row.reviewer_id, row.reviewed_at = verdict.value, reviewer.id, now
    row.problem, row.requirement = (problem, requirement) if verdict == Verdict.NEEDS_CORRECTION else ("", "")
    db.session.add(row)
    db.session.commit()
    return row


# --- reading the bytes -----------------------------------------------------------------------


def visible_file(user: User, file_id: int, *, visible_application) -> MaterialFile:
    """A file its owner, or the staff of the unit handling its application, may open; anyone
    else gets a 404. `visible_application(user, id)` is the application guard (raises NotFound)."""
    row = db.session.get(MaterialFile, file_id)
    if row is None:
        raise NotFound(N_("未找到该文件。"))
    if row.application_id is None:
        if row.owner_user_id != user.id:
            raise NotFound(N_("未找到该文件。"))
        return row
    visible_application(user, row.application_id)
    return row


def log_staff_view(user: User, row: MaterialFile, how: str) -> None:
    """Staff opening an applicant's file is recorded (who, when, which file)."""
    if row.owner_user_id == user.id:
        return
    log_access(actor=user, action=f"material.{how}", subject_kind="material_file", subject_id=str(row.id),
               detail=f"application={row.application_id} slot={row.slot}")
    db.session.commit()


def read_bytes(row: MaterialFile) -> bytes:
    if row.status == FileStatus.PURGED:
        raise NotFound(N_("该文件已超过保存期限，已按规定删除。"))
    if row.from_wallet:
        return file_bytes_of_document(row.certificate)
    try:
        return get_storage().get(row.storage_key)
    except StoredFileMissing:
        raise NotFound(N_("未找到该文件。")) from None


def read_thumbnail(row: MaterialFile) -> bytes | None:
    if row.thumbnail_status != ThumbnailStatus.READY or not row.thumbnail_key:
        return None
    try:
        return get_storage().get(row.thumbnail_key)
    except StoredFileMissing:
        return None


@task("material_thumbnail")
def make_thumbnail(payload: dict[str, Any]) -> None:
    """The preview of an image or of a PDF's first page (idempotent: made once)."""
    condition = (MaterialFile.storage_key == payload["storage_key"] if "storage_key" in payload
                 else MaterialFile.id == payload["file_id"])
    row = db.session.scalar(select(MaterialFile).where(condition))
    if row is None or row.thumbnail_status != ThumbnailStatus.PENDING:
        db.session.rollback()
        return
    file_id, media_type = row.id, row.media_type
    try:
        data = read_bytes(row)
    except NotFound:
        db.session.rollback()
        return
    db.session.rollback()  # nothing is held while the preview is made
    try:
        preview = uploads.thumbnail(data, media_type)
    except Exception:  # a file that opened at upload but cannot be drawn: show its icon instead
        log.warning("thumbnail failed file=%s", file_id, exc_info=True)
        _set_thumbnail(file_id, None, ThumbnailStatus.FAILED)
        return
    key = f"thumbnails/{file_id}-{secrets.token_hex(8)}.jpg"
    get_storage().put(key, preview, content_type=uploads.JPEG)
    if not _set_thumbnail(file_id, key, ThumbnailStatus.READY):
        get_storage().delete(key)


def _set_thumbnail(file_id: int, key: str | None, status: ThumbnailStatus) -> bool:
    result = db.session.execute(
        update(MaterialFile).where(MaterialFile.id == file_id, MaterialFile.thumbnail_status == ThumbnailStatus.PENDING)
        .values(thumbnail_key=key, thumbnail_status=status).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


# --- retention and audit ---------------------------------------------------------------------


def purge(*, now: datetime) -> dict[str, int]:
    """Delete the bytes of closed matters' files after the retention period (their rows and the
    hashes in the event log stay), and uploads never handed in after STAGED_UPLOAD_HOURS."""
    config = current_app.config
    storage = get_storage()
    abandoned = list(db.session.scalars(select(MaterialFile).where(
        MaterialFile.status == FileStatus.STAGED, MaterialFile.application_id.is_(None),
        MaterialFile.created_at < now - timedelta(hours=config["STAGED_UPLOAD_HOURS"]))))
    for row in abandoned:
        for key in (row.storage_key, row.thumbnail_key):
            if key:
                storage.delete(key)
        db.session.delete(row)
    db.session.commit()
    cutoff = now - timedelta(days=config["MATERIAL_RETENTION_DAYS"])
    # A matter closed when its last event happened (the event log, not the row's write time).
    closed = (select(ApplicationEvent.application_id, func.max(ApplicationEvent.occurred_at).label("at"))
              .group_by(ApplicationEvent.application_id).subquery())
    expired = list(db.session.scalars(
        select(MaterialFile).join(Application, MaterialFile.application_id == Application.id)
        .join(closed, closed.c.application_id == Application.id)
        .where(Application.state.in_([s.value for s in FINAL_STATES]), closed.c.at < cutoff,
               MaterialFile.status != FileStatus.PURGED)))
    for row in expired:
        for key in (row.storage_key, row.thumbnail_key):
            if key:
                storage.delete(key)
        row.status, row.purged_at, row.thumbnail_key = FileStatus.PURGED, now, None
    db.session.commit()
    if abandoned or expired:
        log.info("materials purged abandoned=%s expired=%s", len(abandoned), len(expired))
    return {"abandoned": len(abandoned), "expired": len(expired)}


@periodic("purge_materials", interval_setting="MATERIAL_PURGE_SECONDS")
def purge_periodically() -> None:
    purge(now=timeutil.now())


@dataclass(frozen=True)
class FileProblem:
    application_number: str
    event_seq: int
    file_id: int
    slot: str
    name: str
    problem: str


def verify_files() -> tuple[int, list[FileProblem]]:
    """Re-read every handed-in file and compare it with the SHA-256 its event recorded (the
    event itself is covered by the hash chain). Purged files are skipped: their bytes are gone
    by rule. Returns (files checked, problems)."""
    checked, problems = 0, []
    events = db.session.execute(
        select(ApplicationEvent, Application.number).join(Application, ApplicationEvent.application_id == Application.id)
        .where(or_(*[ApplicationEvent.action == a.value for a in (Action.SUBMIT, Action.RESUBMIT,
                                                                 Action.SUPPLY_MATERIALS)]))
        .order_by(ApplicationEvent.application_id, ApplicationEvent.seq))
    for event, number in events:
        for recorded in event.payload.get("materials") or []:
            row = db.session.get(MaterialFile, recorded["file_id"])
            name = row.original_name if row is not None else ""
            if row is None:
                problems.append(FileProblem(number, event.seq, recorded["file_id"], recorded["slot"], name,
                                            "file row missing"))
                continue
            if row.status == FileStatus.PURGED:
                continue
            try:
                data = read_bytes(row)
            except NotFound:
                problems.append(FileProblem(number, event.seq, row.id, row.slot, name, "missing from storage"))
                continue
            checked += 1
            if sha256(data).hexdigest() != recorded["sha256"]:
                problems.append(FileProblem(number, event.seq, row.id, row.slot, name,
                                            "content differs from the SHA-256 recorded in the event"))
    return checked, problems


