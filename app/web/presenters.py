"""What an application looks like to each audience: its owner and the unit's staff (full),
or anyone holding the tracking QR code (masked; nothing staff typed — no reasons, notes or
correction items — only names from the catalogue and counts)."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app import timeutil
from app.domain.calendar import LimitUnit
from app.domain.catalogue import get_service
from app.domain.clock import CLOCK_NAMES, Clocks, light
from app.domain.identifiers import mask_id_number, mask_name, masked_field, masked_personal_data
from app.domain.text import N_
from app.domain.verification import RegistryCheck
from app.domain.workflow import (
    ACTION_NAMES,
    STATE_NAMES,
    STATE_NAMES_EN,
    SUSPENSION_REASON_NAMES,
    Action,
    State,
    SuspensionReason,
)
from app.models.applications import Application
from app.operations import OperationError, localize
from app.operations.delivery import delivery_view, urgent_view, without_delivery
from app.operations.events import calendar_for, clocks_for, service_of
from app.operations.materials import current_files
from app.operations.services import handler_for
from app.web.downloads import document_status_json
from app.web.links import external_url
from app.web.materials import file_json

CLOCK_LABELS = {
    "acceptance_due_at": N_("受理期限"),
    "correction_reply_due_at": N_("补正期限"),
    "promised_due_at": N_("承诺办结期限"),
    "statutory_due_at": N_("法定办结期限"),
    "delivery_due_at": N_("送达期限"),
    "commitment_due_at": N_("容缺补齐期限"),
}
LIGHT_NAMES = {"green": N_("正常"), "yellow": N_("临期预警"), "red": N_("已超期")}


def iso(value: datetime | None) -> str | None:
    return timeutil.local(value).isoformat() if value is not None else None


CLOCK_LIMITS = {
    "acceptance_due_at": "acceptance", "correction_reply_due_at": "correction_reply",
    "promised_due_at": "promised", "statutory_due_at": "statutory", "delivery_due_at": "delivery",
    "commitment_due_at": "commitment",
}


def remaining(limit, calendar, reference: datetime, due: datetime) -> str:
    """What is left, in the limit's own unit: working days, working hours, or clock time."""
    if reference >= due:
        return localize(N_("已超期"))
    if limit is not None and (limit.unit is LimitUnit.WORKHOURS or (
            limit.unit is LimitUnit.WORKDAYS and limit.amount != limit.amount.to_integral_value())):
        minutes = int(calendar.working_hours_between(reference, due) * 60)
        return localize(N_("还剩%(hours)s小时%(minutes)s分（工作时间）"),
                        {"hours": minutes // 60, "minutes": minutes % 60})
    if limit is not None and limit.unit is LimitUnit.HOURS:
        minutes = int((due - reference).total_seconds() // 60)
        return localize(N_("还剩%(hours)s小时%(minutes)s分"), {"hours": minutes // 60, "minutes": minutes % 60})
    if limit is not None and limit.unit is LimitUnit.DAYS:
        days = (timeutil.local(due).date() - timeutil.local(reference).date()).days
        return localize(N_("还剩%(n)s天"), {"n": days}) if days else localize(N_("今日到期"))
    days = calendar.working_days_left(reference, due)
    return localize(N_("还剩%(n)s个工作日"), {"n": days}) if days else localize(N_("今日到期"))


def running_clocks(application: Application, clocks: Clocks, now: datetime) -> list[dict[str, Any]]:
    """The clocks that matter now, with working days left and why."""
    calendar = calendar_for(application)
    state = State(application.state)
    decided = state not in (State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED)
    result = []
    for name in CLOCK_NAMES:
        due = getattr(clocks, name)
        if due is None or (decided and name in ("promised_due_at", "statutory_due_at")):
            continue
        reference = clocks.paused_since or now
        result.append({
            "name": name,
            "label": CLOCK_LABELS[name],
            "due_at": iso(due),
            "due_text": timeutil.local(due).strftime("%Y-%m-%d %H:%M"),
            "working_days_left": calendar.working_days_left(reference, due),
            "remaining_text": remaining(getattr(service_of(application).limits, CLOCK_LIMITS[name]),
                                        calendar, reference, due),
            "overdue": reference > due,
            "due_today": reference <= due and timeutil.local(reference).date() == timeutil.local(due).date(),
            "paused": clocks.paused_since is not None and name in ("promised_due_at", "statutory_due_at"),
            "provisional": calendar.is_provisional(timeutil.local(due).year),
            "derivation": clocks.derivation.get(name, []),
        })
    return result


def public_correction(service, payload: dict[str, Any]) -> dict[str, Any]:
    """A correction notice as anyone with the QR code sees it: the catalogue's names of the
    materials it marks, and how many other items there are. The items themselves are typed by
    the clerk and may hold anything (an ID number, a phone), so only the owner reads them."""
    materials = []
    for item in payload.get("material_items") or []:
        try:
            material = service.material(item.get("slot"))
        except KeyError:
            continue
        materials.append({"code": material.code, "name": material.name_zh, "name_en": material.name_en})
    typed = len(payload.get("items") or []) - len(payload.get("material_items") or [])
    return {"materials": materials, "other_items": max(typed, 0)}


APPLICANT_REPLIES = {Action.RESUBMIT.value, Action.SUPPLY_MATERIALS.value}
# Between a clerk and the unit's head (延期申请 and its refusal): the applicant learns of an
# extension from the extension itself and its notice, with the reason the law says to give.
INTERNAL_ACTIONS = {Action.REQUEST_EXTENSION.value, Action.REFUSE_EXTENSION.value}


def timeline(application: Application, *, audience: str) -> list[dict[str, Any]]:
    """The events as `audience` may read them: "public" (the QR page: no reasons, the
    correction as slot names), "applicant" (reasons given to them, their own replies; no
    internal steps or notes), "staff" (everything, staff notes marked internal)."""
    service = get_service(application.service_code)
    items = []
    for event in application.events:
        if event.action in INTERNAL_ACTIONS and audience != "staff":
            continue
        entry = {
            "seq": event.seq,
            "action": event.action,
            "action_name": ACTION_NAMES[Action(event.action)],
            "state": event.to_state,
            "state_name": STATE_NAMES[State(event.to_state)],
            "at": iso(event.occurred_at),
            "at_text": timeutil.local(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
        }
        if event.action == Action.REQUEST_CORRECTION:
            if audience == "public":
                entry["correction"] = public_correction(service, event.payload)
            else:
                entry["items"] = list(event.payload.get("items", []))
        if event.action == Action.SUSPEND:
            code = event.payload.get("reason_code")
            entry["suspension_reason"] = SUSPENSION_REASON_NAMES.get(SuspensionReason(code), code)
        if audience != "public":
            entry["reason"] = event.reason
            entry["actor_kind"] = event.actor_kind
            note = event.payload.get("decision_note")
            if note and event.action in APPLICANT_REPLIES:
                # The applicant's own words (补正说明): for them and the unit, never the QR page.
                entry["reply"] = note
            elif note and audience == "staff":
                entry["internal_note"] = note
            if event.action == Action.FORWARD and audience == "staff":
                entry["opinion"] = event.payload.get("opinion", "")
        items.append(entry)
    return items


def paused_banner(application: Application, clocks: Clocks) -> str | None:
    if clocks.paused_since is None:
        return None
    code = clocks.paused_reason_code
    reason = SUSPENSION_REASON_NAMES.get(SuspensionReason(code), code) if code else N_("法定事由")
    since = timeutil.local(clocks.paused_since).strftime("%Y-%m-%d")
    return localize(N_("计时已暂停：自%(since)s起等待%(reason)s，该期间不计入办理时限，恢复办理后期限顺延。"),
                    {"since": since, "reason": reason})


def refused_json(refused: Mapping[Action, OperationError]) -> list[dict[str, str]]:
    """The actions the rules refuse as things stand, each with why and what to do instead."""
    return [{"action": action.value, "action_name": localize(ACTION_NAMES[action]), "code": refusal.code,
             "message": refusal.message} for action, refusal in refused.items()]


def refusal_notes(refused: Mapping[Action, OperationError]) -> list[dict[str, Any]]:
    """For the page: one line per reason, naming every step it holds back."""
    notes: dict[str, list[str]] = {}
    for action, refusal in refused.items():
        notes.setdefault(refusal.message, []).append(localize(ACTION_NAMES[action]))
    return [{"actions": actions, "message": message} for message, actions in notes.items()]


def registry_check_json(check: RegistryCheck | None) -> dict[str, Any] | None:
    """核查结果 in the request's language (staff only: the callers see to that)."""
    if check is None:
        return None
    return {
        "source": localize(check.source),
        "tone": check.tone.value,
        "conclusion": localize(check.conclusion, dict(check.params)),
        "findings": [{"label": localize(f.label, dict(f.params)), "result": localize(f.result, dict(f.params)),
                      "tone": f.tone.value} for f in check.findings],
    }


def staff_data_rows(application: Application) -> list[tuple[str, str]]:
    """申请内容 on the clerk's page: the service's readable rows, every ID, passport and phone
    number masked (the page is not the applicant's), the delivery shown in its own card."""
    return [(key, masked_field(key, text))
            for key, text in without_delivery(handler_for(application.service_code).display_data(application))]


def application_json(application: Application, *, now: datetime, allowed: list[Action] | None = None,
                     staff: bool = False, refused: Mapping[Action, OperationError] | None = None,
                     registry_check: RegistryCheck | None = None) -> dict:
    """For the owner, or (`staff`) the unit's staff, who also see the internal steps and notes,
    the actions the rules refuse now (`refused`, with why) and the registries' answer."""
    clocks = clocks_for(application)
    current_light = light(State(application.state), clocks, now)
    extra = {}
    if refused is not None:
        extra["refused_actions"] = refused_json(refused)
    if staff and registry_check is not None:
        extra["registry_check"] = registry_check_json(registry_check)
    return {**extra,
        "id": application.id,
        "number": application.number,
        "service": application.service_code,
        "service_name": get_service(application.service_code).name_zh,
        "status": application.state,
        "status_name": STATE_NAMES[State(application.state)],
        "unit": application.unit.name,
        "unit_en": application.unit.name_en or application.unit.name,
        "subject_name": application.subject_name,
        "subject_id_number": mask_id_number(application.subject_id_number),
        "data": masked_personal_data(application.data or {}) if staff else application.data,
        # 办件寄递 and 加急办 (services that issue): in full for the owner, the phone masked for staff.
        "delivery": delivery_view(application, audience="staff" if staff else "owner"),
        "urgent": urgent_view(application),
        "tracking_token": application.tracking_token,
        "tracking_url": external_url("track.page", token=application.tracking_token),
        "clocks": {name: iso(getattr(clocks, name)) for name in CLOCK_NAMES},
        "running_clocks": running_clocks(application, clocks, now),
        "paused": paused_banner(application, clocks),
        "light": current_light.value if current_light else None,
        "timeline": timeline(application, audience="staff" if staff else "applicant"),
        "notes": service_notes(application),  # foreigner_work_residence
        "documents": [document_status_json(d, endpoint="api.document") for d in application.documents],
        "materials": [file_json(f) for f in current_files(application)],
        "allowed_actions": [a.value for a in allowed] if allowed is not None else None,
        "created_at": iso(application.created_at),
    }


APPEAL = N_("对决定不服的，可依法申请行政复议或者提起行政诉讼，途径和期限见决定书。")
# What the page after filing says happened, by the state the filing ended in (a service may
# accept, approve and issue — or refuse — at once): its tone, its heading, what comes next.
FILING_OUTCOMES = {
    State.SUBMITTED: ("success", N_("申请已提交"), (
        N_("材料不齐全的，承办单位将一次性告知需要补正的全部内容。"),
        N_("办理结果出来后可在“我的办件”中下载文书。"))),
    State.ACCEPTED: ("success", N_("申请已受理"), (N_("办理结果出来后可在“我的办件”中下载文书。"),)),
    State.APPROVED: ("success", N_("已办结：准予办理"), (N_("决定文书可在下方下载，也可在“我的办件”中查看。"),)),
    State.ISSUED: ("success", N_("已办结：证件已出具"), (
        N_("证件可在下方下载，也可在“我的证照”中随时查看和出示。"),)),
    State.REJECTED: ("error", N_("申请未获批准"), (
        N_("不予批准的理由和整改办法见上；符合条件后可以重新申请。"),
        APPEAL)),
    State.NOT_ACCEPTED: ("error", N_("申请不予受理"), (
        N_("不予受理的理由见上；按理由补足条件后可以重新申请。"),
        APPEAL)),
}
DECIDING_ACTIONS = {Action.REJECT.value, Action.NOT_ACCEPT.value}


def filing_outcome(view: dict) -> dict:
    """For the page after filing: the outcome as it is, with the written reason of a refusal."""
    tone, title, next_steps = FILING_OUTCOMES.get(State(view["status"]), FILING_OUTCOMES[State.SUBMITTED])
    refusal = next((entry["reason"] for entry in reversed(view["timeline"])
                    if entry["action"] in DECIDING_ACTIONS and entry.get("reason")), None)
    return {"tone": tone, "title": title, "next_steps": next_steps, "reason": refusal,
            "clocks": view["status"] in (State.SUBMITTED, State.ACCEPTED)}


def service_notes(application: Application) -> list[dict[str, str]]:
    """A service's own notes on the application (e.g. the appointment to collect a permit), in
    the request's language; nothing personal, so the public tracking page shows them too."""
    return [{"label": localize(label), "text": localize(note.template, note.params)}
            for label, note in handler_for(application.service_code).tracking_notes(application)]


def tracking_json(application: Application, *, now: datetime, explain: bool = False) -> dict:
    """For anyone holding the QR code: masked, no reasons, typed items or data. `explain`: with each clock's
    "why this date" steps (built only when someone asks for them)."""
    clocks = clocks_for(application, explain=explain)
    current_light = light(State(application.state), clocks, now)
    service = get_service(application.service_code)
    return {
        "number": application.number,
        "service": service.code,
        "service_name": service.name_zh,
        "service_name_en": service.name_en,
        "applicant": mask_name(application.subject_name or application.applicant.real_name),
        "applicant_id_number": mask_id_number(application.subject_id_number),
        "unit": application.unit.name,
        "unit_en": application.unit.name_en or application.unit.name,
        "status": application.state,
        "status_name": STATE_NAMES[State(application.state)],
        "status_name_en": STATE_NAMES_EN[State(application.state)],
        "light": current_light.value if current_light else None,
        "light_name": LIGHT_NAMES.get(current_light.value) if current_light else None,
        "paused": paused_banner(application, clocks),
        "clocks": running_clocks(application, clocks, now),
        "timeline": timeline(application, audience="public"),
        "notes": service_notes(application),  # foreigner_work_residence
        "delivery": delivery_view(application, audience="public"),  # no recipient, the waybill masked
    }


def tracking_etag(application, now, *parts: str) -> str:
    """Changes with every event and with the minute (the time left is shown to the minute); a
    reload within that is a 304, rendered from nothing. The page holds no personal data beyond
    the masked name, and the token is its capability, so only the browser keeps it."""
    minute = timeutil.local(now).strftime("%Y%m%d%H%M")
    return hashlib.sha256("|".join((str(application.id), str(application.event_count), application.state, minute,
                                    *parts)).encode()).hexdigest()[:32]


def revalidate(response, tag: str):
    """A public page the browser may keep but must check (ETag) before showing it again."""
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response
