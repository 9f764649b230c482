"""Documents "in writing": each is rendered once for the event that requires it and stored.
Certificates also get a row with a signed verification link for their QR code.

Recording an event only *asks* for its documents (`on_event_recorded`, a subscriber): the
document row (status `pending`, everything it will say fixed as of the event) and a
`render_document` job are written in the event's transaction; the PDF is rendered afterwards
by a worker (`render_document`), with no lock held, and the row becomes `ready`. Rendering
twice stores once: the content is written only while the row is still pending."""
from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import update

from app import timeutil
from app.documents.pdf import render_pdf
from app.documents.signing import check_code, verification_url
from app.domain.catalogue import get_service
from app.domain.catalogue.documents import CRIMINAL_RECORD_RULE, LIFECYCLE, DocumentAct
from app.domain.catalogue.remedies import reconsideration_organ, remedies_for
from app.domain.clock import Clocks, derive_clocks, extension_phrase
from app.domain.identifiers import mask_id_number
from app.domain.workflow import SUSPENSION_REASON_NAMES, Action, Decision, SuspensionReason
from app.extensions import db
from app.jobs import enqueue, task
from app.models.accounts import Unit
from app.models.applications import Application, ApplicationEvent, Certificate, Document
from app.operations import public_base_url
from app.operations.calendar import load_calendar
from app.operations.events import clocks_for, event_records, service_of
from app.operations.services import handler_for
from app.operations.signatures import facts_hash, signing_keys

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"

KIND_CODES = {"forwarding_notice": "转", "receipt": "收", "acceptance_notice": "受", "correction_notice": "补", "non_acceptance_decision": "不受",
              "suspension_notice": "止", "extension_notice": "延", "refusal_decision": "不许",
              "revocation_decision": "撤", "termination_notice": "终", "outcome": "证"}


def tracking_url(application: Application) -> str:
    return f"{public_base_url()}/t/{application.tracking_token}"


def _fmt(dt) -> str:
    return timeutil.local(dt).strftime("%Y年%m月%d日 %H:%M") if dt else ""


def _reconsideration_organ(unit: Unit) -> str:
    """行政复议机关 for the unit's act: the people's government of the unit or, for a station or
    detachment, of the nearest bureau above it (行政复议法第二十四条)."""
    return reconsideration_organ([u.government_name for u in [unit, *unit.ancestors()]])


def objection_url() -> str:
    """Where the portal takes an objection to a criminal-record result (异议复核)."""
    return f"{public_base_url()}/my/apply/criminal_record_objection"


def _remedies(act: DocumentAct, unit: Unit) -> dict[str, Any]:
    """The remedies a refusal states (one source: app.domain.catalogue.remedies)."""
    route = objection_url() if act.objection_review else None
    return asdict(remedies_for(_reconsideration_organ(unit), objection_url=route))


def _local_date(moment):
    return timeutil.local(moment).date() if moment is not None else None


def _issuing_unit(application: Application, event: ApplicationEvent):
    """The unit that writes the document: for a forwarding notice, the lower office."""
    if event.action == Action.FORWARD.value:
        return db.session.get(Unit, event.payload["from_unit_id"])
    return application.unit


def common_context(application: Application, event: ApplicationEvent, kind: str) -> dict[str, Any]:
    """Keys every document template uses (see templates/documents/_base.html)."""
    service = get_service(application.service_code)
    issued = timeutil.local(event.occurred_at)
    received = application.submitted_at or event.occurred_at
    unit = _issuing_unit(application, event)
    return {
        "organ_name": unit.name,
        "issue_date": issued.date(),
        "doc_number": f"许公（{unit.name}）{KIND_CODES.get(kind, '')}字〔{issued.year}〕"
        f"第{application.id:06d}-{event.seq:02d}号",
        "tracking_number": application.number,
        "contact": " ".join(filter(None, [unit.address, unit.phone])),
        "application_number": application.number,
        "service_name": service.name_zh,
        "applicant_name": application.subject_name or application.applicant.real_name,
        "received_date": _local_date(received),
        "accepted_date": _local_date(application.accepted_as_of or received),
        "tracking_url": tracking_url(application),
    }


def _context(application: Application, event: ApplicationEvent, kind: str) -> dict[str, Any]:
    context = common_context(application, event, kind)
    clocks: Clocks = clocks_for(application, up_to_seq=event.seq, explain=False)
    service = service_of(application)
    limits = service.limits
    if kind == "receipt":
        context.update(
            applicant_id_masked=mask_id_number(application.subject_id_number),
            received_at=event.occurred_at,
            materials=_received_materials(service, event),
            promised_limit=limits.promised.describe_zh(),
            next_steps=[
                f"承办单位将在{limits.acceptance.describe_zh()}内（{_fmt(clocks.acceptance_due_at)}前）作出是否受理的决定；"
                "逾期未作决定的，自收到申请材料之日起即视为受理。" if limits.acceptance and clocks.acceptance_due_at
                else "承办单位将尽快作出是否受理的决定。",
                "材料不齐全或者不符合法定形式的，将一次性告知需要补正的全部内容。",
                "可随时扫描二维码或打开链接查询办理进度。",
            ],
        )
    elif kind == "acceptance_notice":
        context.update(
            deemed=event.action == Action.DEEM_ACCEPTED.value,
            accepted_date=_local_date(clocks.accepted_as_of),
            promised_limit=limits.promised.describe_zh(),
            promised_due=_local_date(clocks.promised_due_at),
            statutory_limit=limits.statutory.describe_zh(),
            statutory_due=_local_date(clocks.statutory_due_at),
        )
    elif kind == "correction_notice":
        # The marked slots come first in `items` as text lines; the notice shows them as rows.
        marked = list(event.payload.get("material_items") or [])
        context.update(items=marked + list(event.payload.get("items", []))[len(marked):],
                       reply_deadline=_local_date(clocks.correction_reply_due_at))
    elif kind == "suspension_notice":
        code = event.payload.get("reason_code")
        context.update(
            procedure=SUSPENSION_REASON_NAMES.get(SuspensionReason(code), code) if code else "",
            reason=event.reason,
            legal_basis="《中华人民共和国行政许可法》第四十五条" if code != SuspensionReason.INVESTIGATION
            else CRIMINAL_RECORD_RULE,
            suspended_from=_local_date(event.occurred_at),
        )
        if code == SuspensionReason.INVESTIGATION:
            # 调查核实 is the rule's own pause (its time not counted), not an Art. 45 procedure.
            context["basis"] = CRIMINAL_RECORD_RULE
    elif kind == "extension_notice":
        previous = [e for e in application.events if e.seq < event.seq]
        context.update(
            reason=event.reason,
            approver_title="本机关负责人",
            extension_phrase=str(extension_phrase(limits, limits.statutory)) if limits.extension else "",
            legal_basis=service.extension_basis_zh,
            original_due=_local_date(_due_before(application, previous)),
            new_due=_local_date(clocks.statutory_due_at),
        )
    elif kind in ("refusal_decision", "non_acceptance_decision", "revocation_decision", "termination_notice"):
        context["reasons"] = [event.reason] if event.reason else []
        if kind == "refusal_decision":
            context.update(handler_for(application.service_code).refusal_context(application, event))
        if kind == "revocation_decision":
            context["decided_date"] = _local_date(_decided_at(application, event))
    elif kind == "forwarding_notice":
        context.update(higher_organ=application.unit.name,
                       higher_limit=limits.higher_review.describe_zh() if limits.higher_review else "")
    return context


def _decided_at(application: Application, event: ApplicationEvent):
    """When the decision now revoked was made (the last approval before `event`)."""
    approvals = [e.occurred_at for e in application.events if e.seq < event.seq and e.action == Action.APPROVE.value]
    return approvals[-1] if approvals else None


def _received_materials(service, event: ApplicationEvent) -> list[str]:
    """收件清单: each material with how it was received (files uploaded, or data sharing)."""
    handed = Counter(f["slot"] for f in event.payload.get("materials") or [])
    lines = []
    for m in service.materials:
        if m.shared:
            lines.append(f"{m.name_zh}（信息共享核验，无需提交）")
        elif handed[m.code]:
            lines.append(f"{m.name_zh}（已上传{handed[m.code]}个文件）")
        elif m.required:
            lines.append(f"{m.name_zh}（未提交）")
    return lines


def _due_before(application: Application, events: list[ApplicationEvent]):
    records = [r for r in event_records(application) if r.seq <= len(events)]
    return derive_clocks(service_of(application), records, calendar=load_calendar()).statutory_due_at


def on_event_recorded(application: Application, *, event: ApplicationEvent, decision: Decision) -> None:
    """Subscriber: the documents the decision calls for, queued for rendering."""
    queue_documents(application, event, decision.documents)


def queue_documents(application: Application, event: ApplicationEvent, kinds: tuple[str, ...]) -> list[Document]:
    handler = handler_for(application.service_code)
    documents = []
    for kind in kinds:
        if kind == "outcome":
            documents += [_queue_outcome(application, event, outcome)
                          for outcome in handler.outcome_documents(application, event)]
            continue
        act = document_act(application, kind)
        # The kind's own facts come last: a suspension for an investigation refines the basis.
        context = {**declared_context(application, event, act), **_context(application, event, kind)}
        documents.append(queue_document(application, event, kind, act.title, act.template, context))
    return documents


def document_act(application: Application, kind: str) -> DocumentAct:
    """The declaration of a lifecycle document: the service's own refusal, or the shared one."""
    if kind == "refusal_decision":
        return get_service(application.service_code).refusal((application.data or {}).get("applicant_type"))
    return LIFECYCLE[kind]


def declared_context(application: Application, event: ApplicationEvent, act: DocumentAct) -> dict[str, Any]:
    """What the declaration itself puts in the document: title, basis, operative words, remedies."""
    context: dict[str, Any] = {"title": act.title, "basis": act.legal_basis, "operative": act.operative}
    if act.remedies:
        context["remedies"] = _remedies(act, _issuing_unit(application, event))
    return context


def queue_document(application: Application, event: ApplicationEvent, kind: str, title: str, template: str,
                   context: dict[str, Any]) -> Document:
    """The document row (pending) and its render job, in the event's transaction. Everything the
    document says is fixed now, as of the event; the job only turns it into a PDF."""
    # The n-th document of this kind for this event (events are new in this transaction, so the
    # count lives on the event object: no query, no flush).
    counts = event.__dict__.setdefault("_documents_of_kind", {})
    counts[kind] = counts.get(kind, 0) + 1
    key = f"{application.id}:{event.seq}:{kind}:{counts[kind]}"
    document = Document(
        application=application, event=event, key=key, kind=kind, title=title,
        document_number=context.get("document_number", ""),
        filename=f"{application.number}-{event.seq:02d}-{kind}.pdf", content=None, sha256="",
        status="pending", created_at=event.recorded_at,
    )
    db.session.add(document)
    enqueue("render_document", {"document_key": key, "template": template, "context": encode(context)},
            key=f"document:{key}", application_id=application.id)
    return document


@task("render_document")
def render_document(payload: dict[str, Any]) -> None:
    """Render the PDF of a pending document and store it once."""
    key = payload["document_key"]
    status = db.session.scalar(db.select(Document.status).where(Document.key == key))
    db.session.rollback()  # nothing is held while rendering
    if status != "pending":
        return
    content = render_pdf(payload["template"], decode(payload["context"]), static_dir=STATIC_DIR)
    db.session.execute(
        update(Document).where(Document.key == key, Document.status == "pending")
        .values(content=content, sha256=hashlib.sha256(content).hexdigest(), status="ready",
                rendered_at=timeutil.now())
        .execution_options(synchronize_session=False))
    db.session.commit()


def _queue_outcome(application: Application, event: ApplicationEvent, outcome) -> Document:
    act = outcome.act
    context = {**common_context(application, event, "outcome"), **outcome.context,
               **declared_context(application, event, act)}
    if outcome.certificate_kind is None:
        return queue_document(application, event, "outcome", act.title, act.template, context)
    number = f"{get_service(application.service_code).number_prefix}Z{application.number[2:]}"
    # The signature covers the certificate's facts, so the QR can be printed inside the PDF.
    facts = facts_hash(number, outcome.holder_name, application.subject_id_number, event.occurred_at)
    signature = signing_keys().sign(outcome.certificate_kind, number, facts)
    base_url = public_base_url()
    context.update(certificate_number=number, verification_url=verification_url(base_url, number, signature),
                   check_code=check_code(signature), verify_site=f"警务通办网站（{base_url}/verify）")
    document = queue_document(application, event, "certificate", act.title, act.template, context)
    db.session.add(Certificate(
        number=number, kind=outcome.certificate_kind, application_id=application.id,
        document=document, holder_name=outcome.holder_name, content_sha256=facts,
        signature=signature, issued_at=event.occurred_at,
    ))
    return document


# --- a document's context as JSON (the job's payload) --------------------------------------------


def encode(value: Any) -> Any:
    """Dates, instants and decimals kept as what they are, so the template sees the same values."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a document context holds a {type(value).__name__}")


_DECODERS = {"$datetime": datetime.fromisoformat, "$date": date.fromisoformat, "$decimal": Decimal}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, text), = value.items()
            if tag in _DECODERS:
                return _DECODERS[tag](text)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


