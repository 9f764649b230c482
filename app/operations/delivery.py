"""办件寄递 and 加急办 as the pages and the API read them (a leaf module: the event log and the
application's data only). The rules are the state machine's (`app.domain.workflow`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app import timeutil
from app.couriers import COURIER_STATUS_NAMES, COURIERS, DELIVERED, POSTED
from app.domain.catalogue.base import Step
from app.domain.catalogue.schema import DELIVERY_KEYS
from app.domain.identifiers import mask_phone
from app.domain.text import N_
from app.domain.workflow import POST, Action, postal_delivery, urgent_status
from app.models.applications import Application
from app.operations.events import event_records, service_of

URGENT_STATUS_NAMES = {"requested": N_("待负责人审批"), "approved": N_("已批准加急办"), "refused": N_("不批准加急办")}


def action_fields(application: Application, action: str) -> dict[str, Any]:
    """What the state machine needs from the application's data: an issue by post says so."""
    if action == Action.ISSUE and (application.data or {}).get("delivery_method") == POST:
        return {"delivery": POST}
    return {}


def filing_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The 寄递 answers of a validated filing (the schema dropped those that do not apply)."""
    return {key: data[key] for key in DELIVERY_KEYS if key in data}


def mask_tracking_number(number: str) -> str:
    """``SF1234567890`` → ``SF******7890``: enough to recognise, not to query the courier."""
    keep = 2 if len(number) > 8 else 0
    return number[:keep] + "*" * max(0, len(number) - keep - 4) + number[-4:]


def without_delivery(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An application's data rows without the 寄递 ones (shown apart, masked as the reader may see them)."""
    return [(key, text) for key, text in rows if key not in DELIVERY_KEYS]


def delivery_view(application: Application, *, audience: str) -> dict[str, Any] | None:
    """办件寄递 for `audience`: "owner" (everything), "staff" (the unit posting it: the phone
    masked) or "public" (the tracking page: the courier's status and a masked waybill number,
    nothing of the recipient). None for a service that issues nothing."""
    if not service_of(application).has(Step.ISSUE):
        return None
    data = application.data or {}
    by_post = data.get("delivery_method") == POST
    post = postal_delivery(event_records(application))
    status = DELIVERED if post.delivered else POSTED if post.dispatched else None
    view: dict[str, Any] = {
        "by_post": by_post,
        "status": status,
        "status_name": COURIER_STATUS_NAMES.get(status) if status else None,
        "courier_name": COURIERS.get(post.dispatched.payload.get("courier", ""), "") if post.dispatched else "",
        "posted_at": _when(post.dispatched.at) if post.dispatched else None,
        "delivered_at": _when(post.delivered.at) if post.delivered else None,
    }
    number = str(post.dispatched.payload.get("tracking_number", "")) if post.dispatched else ""
    if audience == "public":
        return {**view, "tracking_number": mask_tracking_number(number) if number else ""}
    recipient = {"recipient_name": data.get("recipient_name", ""), "recipient_phone": data.get("recipient_phone", ""),
                 "recipient_address": data.get("recipient_address", "")}
    if audience != "owner":
        recipient["recipient_phone"] = mask_phone(recipient["recipient_phone"]) if recipient["recipient_phone"] else ""
    return {**view, **(recipient if by_post else {}), "tracking_number": number}


def _when(moment) -> str:
    return timeutil.local(moment).strftime("%Y-%m-%d %H:%M")


def urgent_view(application: Application) -> dict[str, Any] | None:
    """加急办: its status and the limit the head approved (None where never asked)."""
    history = event_records(application)
    status = urgent_status(history)
    if status is None:
        return None
    approval = next((e for e in history if e.action == Action.APPROVE_URGENT), None)
    decision = next((e for e in history if e.action in (Action.APPROVE_URGENT, Action.REFUSE_URGENT)), None)
    request = next(e for e in history if e.action == Action.REQUEST_URGENT)
    return {"status": status, "status_name": URGENT_STATUS_NAMES[status], "requested_at": _when(request.at),
            "request_reason": request.reason, "decision_reason": decision.reason if decision else "",
            "limit": approval.payload.get("urgent_limit") if approval else None}
