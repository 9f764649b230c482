"""警民直通车 / 服务企业直通车 — a citizen's or an enterprise's enquiry, request for help,
suggestion, complaint or tip to the police (seed 002 便民第10条; seed 004 第1条).

The kind is chosen at filing and fixes the answer limit for the request's whole life (the
12345 hotline's rule, RULES.md, Guangdong, tag L: 咨询 2, 求助/建议 10, 投诉/举报 15 working
days; each a setting, `KIND_LIMIT_KEYS`). The handler records the kind's limit in force then as
the filing's own rules (`Filing.limit`), so `derive_clocks` counts it like any other limit.

Routing: the topic names the kind of unit that answers (`TOPIC_UNITS`); a complaint or tip about
police conduct (12389, seed 002 服务企业第5条: 督察部门受理) goes to the bureau's 督察 unit,
and the complainant's identity is shown only there: such a complaint is never transferred.

转办 (`Action.TRANSFER`) moves the request to another unit on the same clock (the limit keeps
running from the first acceptance). 重新办理 (`Action.REOPEN`): the requester, unsatisfied with
the answer, may reopen once within `REOPEN_WINDOW_DAYS` natural days of it; the reopened request
gets its kind's limit again, counted from the reopening (the first answer ended the first count,
so nothing of it is carried over; see `app.domain.clock`).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from app.domain.calendar import Limit
from app.domain.catalogue.base import (
    ApplicantKind,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    workdays,
)
from app.domain.catalogue.documents import outcome
from app.domain.catalogue.schema import AskedWhen, FilingModel, Optional, Text
from app.domain.text import N_

CODE = "public_request"
HOTLINE_RULE = N_("广东省12345政务服务便民热线工单办理时限：咨询类2个工作日，求助、建议类10个工作日，投诉、举报类15个工作日")
BASIS = ("《许昌公安机关2022年便民利民服务十项措施》第十项“警民直通车”、"
         "《天津市公安局服务企业举措》第1条“服务企业直通车”")

# 诉求类型 → the setting that holds its answer limit (working days).
KINDS = {
    "enquiry": N_("咨询"),
    "help": N_("求助"),
    "suggestion": N_("建议"),
    "complaint": N_("投诉"),
    "report": N_("举报"),
}
KIND_LIMIT_KEYS = {
    "enquiry": "public_request.enquiry_workdays",
    "help": "public_request.help_suggestion_workdays",
    "suggestion": "public_request.help_suggestion_workdays",
    "complaint": "public_request.complaint_report_workdays",
    "report": "public_request.complaint_report_workdays",
}
ENQUIRY_WORKDAYS = 2
HELP_SUGGESTION_WORKDAYS = 10
COMPLAINT_REPORT_WORKDAYS = 15
REOPEN_WINDOW_DAYS = 10  # 答复后10日内不满意的，可申请重新办理一次
REOPEN_WINDOW_KEY = "public_request.reopen_window_days"
# The kinds that may be about police conduct (12389: 投诉、举报民警不依法履职、不遵守纪律).
CONDUCT_KINDS = frozenset({"complaint", "report"})

# 业务类别 → the kind of unit that answers it. Exit-entry goes to the station where the city has
# no exit-entry office (`route`).
POLICE_STATION, TRAFFIC_BRIGADE, EXIT_ENTRY, INSPECTION = "police_station", "traffic_brigade", "exit_entry", "inspection"
TOPICS = {
    "hukou": N_("户籍"),
    "public_order": N_("治安"),
    "traffic": N_("交通管理"),
    "exit_entry": N_("出入境"),
    "other": N_("其他公安业务"),
}
TOPIC_UNITS = {"hukou": POLICE_STATION, "public_order": POLICE_STATION, "traffic": TRAFFIC_BRIGADE,
               "exit_entry": EXIT_ENTRY, "other": POLICE_STATION}
UNIT_KIND_NAMES = {POLICE_STATION: N_("派出所"), TRAFFIC_BRIGADE: N_("交警大队"), EXIT_ENTRY: N_("出入境管理部门"),
                   INSPECTION: N_("督察部门")}
# The units a request can be transferred to (转办): those that answer a topic. Never the 督察
# unit: a complaint about police conduct is filed as one, so its protection holds from the start.
TRANSFER_KINDS = frozenset(TOPIC_UNITS.values())

SERVICE = Service(
    code=CODE,
    name_zh="警民直通车",
    name_en="Direct line to the police",
    summary_zh="办理交警、治安、户政、出入境等业务遇到难题，可在线咨询、求助、建议、投诉或举报，"
    "由责任单位书面答复：咨询2个工作日、求助和建议10个工作日、投诉和举报15个工作日内；企业账号即“服务企业直通车”。投诉民警执法服务问题（12389）由督察部门受理。",
    summary_en="Ask, seek help, suggest, complain or report online about traffic, public-order, household "
    "or exit-entry matters; the responsible unit answers in writing: enquiries in 2 working days, "
    "help and suggestions in 10, complaints and reports in 15 (for enterprise "
    "accounts: the enterprise direct line). Complaints about police conduct (12389) go to the inspectorate.",
    unit_kind="by_topic",  # routed by the topic (`TOPIC_UNITS`)
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL, ApplicantKind.ENTERPRISE}),
    materials=(),
    limits=ServiceLimits(
        acceptance=workdays(1),
        correction_reply=None,
        # The longest kind's limit; each request is held to its own kind's (fixed at filing).
        promised=workdays(COMPLAINT_REPORT_WORKDAYS),
        statutory=workdays(COMPLAINT_REPORT_WORKDAYS),
        sources={
            "acceptance": N_("常见做法：工单于1个工作日内签收，逾期视为签收，答复时限自收到之日起计算"),
            "promised": HOTLINE_RULE,
            "statutory": HOTLINE_RULE,
            "extension": N_("不适用延长：按诉求类型的时限答复"),
        },
    ),
    steps=frozenset({Step.TRANSFER, Step.REOPEN}),
    documents=(outcome("public_request_answer", "public_request_answer.html", N_("诉求答复意见书"), BASIS),),
    legal_basis_zh=BASIS,
    number_prefix="ZT",
    position=120,
    data_labels={
        "kind": N_("诉求类型"), "topic": N_("业务类别"), "subject": N_("诉求标题"), "content": N_("诉求内容"),
        "police_conduct": N_("反映民警执法服务问题（12389）"), "complained_unit": N_("被反映单位"),
        "route": N_("承办单位类别"),
    },
)


# --- rules ------------------------------------------------------------------------------------


def check_request(kind: str, topic: str, police_conduct: bool, complained_unit: str | None) -> None:
    """A request's own answers: a known kind and topic; a conduct complaint (12389) is a complaint
    or a tip, and only it names the unit complained about."""
    if kind not in KINDS:
        raise RuleViolation("public_request.kind", N_("请选择诉求类型。"), "kind")
    if topic not in TOPICS:
        raise RuleViolation("public_request.topic", N_("请选择业务类别。"), "topic")
    if police_conduct and kind not in CONDUCT_KINDS:
        raise RuleViolation("public_request.conduct_kind", N_(
            "反映民警执法服务问题的，诉求类型请选择投诉或举报。"), "kind")
    if complained_unit and not police_conduct:
        raise RuleViolation("public_request.complained_unit", N_(
            "只有反映民警执法服务问题的投诉、举报才需填写被反映单位。"), "complained_unit")


def limit_for(kind: str, values: Mapping[str, int]) -> Limit:
    """The answer limit of a kind: the setting in force (`values`, by key), else the default."""
    key = KIND_LIMIT_KEYS[kind]
    return workdays(int(values.get(key, _KIND_DEFAULTS[key])))


_KIND_DEFAULTS = {
    "public_request.enquiry_workdays": ENQUIRY_WORKDAYS,
    "public_request.help_suggestion_workdays": HELP_SUGGESTION_WORKDAYS,
    "public_request.complaint_report_workdays": COMPLAINT_REPORT_WORKDAYS,
}


def route(topic: str, police_conduct: bool, unit_kinds: frozenset[str]) -> str:
    """The kind of unit that answers: 督察 for police conduct; else the topic's unit, the station
    where the city has none of that kind."""
    if police_conduct:
        if INSPECTION not in unit_kinds:
            raise RuleViolation("public_request.no_inspection", N_(
                "暂未开通督察部门网上受理，请拨打12389反映。"), "police_conduct")
        return INSPECTION
    wanted = TOPIC_UNITS[topic]
    return wanted if wanted in unit_kinds else POLICE_STATION


def check_transfer(*, police_conduct: bool, from_unit_id: int, to_unit_id: int | None,
                   to_unit_kind: str | None) -> None:
    """转办: to another unit that answers requests; a conduct complaint stays with 督察."""
    if police_conduct:
        raise RuleViolation("public_request.conduct_not_transferred", N_(
            "反映民警执法服务问题的投诉、举报由督察部门办理，不能转办（投诉人身份仅督察部门可见）。"), "to_unit")
    if to_unit_id is None or to_unit_kind not in TRANSFER_KINDS:
        raise RuleViolation("public_request.transfer_unit", N_("请选择转办的承办单位。"), "to_unit")
    if to_unit_id == from_unit_id:
        raise RuleViolation("public_request.transfer_same", N_("不能转办给本单位。"), "to_unit")


def check_answer(opinion: str | None) -> None:
    if not (opinion or "").strip():
        raise RuleViolation("public_request.answer", N_("请填写答复意见。"), "opinion")


def check_reopen(*, answered_at: datetime | None, reopened: int, now: datetime,
                 window_days: int = REOPEN_WINDOW_DAYS) -> None:
    """重新办理: once, after an answer, within `window_days` natural days of it."""
    if answered_at is None:
        raise RuleViolation("public_request.not_answered", N_("尚未答复，不能申请重新办理。"))
    if reopened:
        raise RuleViolation("public_request.reopened_once", N_(
            "重新办理只能申请一次，本件已重新办理过。如仍不满意，可通过其他途径依法反映。"))
    if now > answered_at + timedelta(days=window_days):
        raise RuleViolation("public_request.reopen_late", N_(
            "答复已超过%(days)s日，不能再申请重新办理；可以提出新的诉求。"), params={"days": window_days})


# --- filing -----------------------------------------------------------------------------------


class PublicRequestFiling(FilingModel):
    """警民直通车诉求: the kind (it fixes the limit), the topic (it routes), what is asked."""

    kind: Literal[tuple(KINDS)]
    topic: Literal[tuple(TOPICS)]
    subject: Text(60)
    content: Text(2000, multiline=True)
    police_conduct: bool = False
    complained_unit: Optional(Text(32)) = None

    asked: ClassVar[dict[str, AskedWhen]] = {
        "police_conduct": AskedWhen("kind", CONDUCT_KINDS),
        "complained_unit": AskedWhen("police_conduct", frozenset({True})),
    }


FILING = PublicRequestFiling
