"""The shape of a catalogue entry (事项): who may apply, materials, limits, steps, outcomes.

A service is data plus a few rule functions; the lifecycle itself lives only in
`app.domain.workflow` and every service switches its steps on or off here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from app.domain.calendar import Limit, LimitUnit
from app.domain.catalogue.documents import DocumentAct, Role
from app.domain.text import Message


def workdays(amount: int | str) -> Limit:
    return Limit(Decimal(str(amount)), LimitUnit.WORKDAYS)


def days(amount: int) -> Limit:
    return Limit(Decimal(amount), LimitUnit.DAYS)


def hours(amount: int) -> Limit:
    return Limit(Decimal(amount), LimitUnit.HOURS)


class RuleViolation(ValueError):
    """A filing or action a service's rules refuse: a stable code, a Chinese message template
    (marked for translation) filled from `params`, and the field the applicant should correct."""

    def __init__(self, code: str, template: str, field: str | None = None, params: dict | None = None):
        self.code, self.template, self.field, self.params = code, template, field, dict(params or {})
        super().__init__(self.message)

    @property
    def message(self) -> Message:
        return Message(self.template, self.params)


class ApplicantKind(StrEnum):
    INDIVIDUAL = "individual"  # 个人（本人）
    AGENT = "agent"  # 受委托人
    UNIT = "unit"  # 单位
    FOREIGNER = "foreigner"  # 外国人
    ENTERPRISE = "enterprise"  # 企业


class Step(StrEnum):
    """Optional parts of the statutory lifecycle a service may switch on."""

    CORRECTION = "correction"  # 一次性告知补正
    SUSPENSION = "suspension"  # 中止（听证、检验、检测、鉴定、专家评审、调查核实）
    EXTENSION = "extension"  # 延长（负责人批准，一次）
    ISSUE = "issue"  # 送达/发证
    TOLERANCE = "tolerance"  # 容缺受理
    IMMEDIATE = "immediate"  # 即办：受理时当场办结
    AUTOMATIC = "automatic"  # 系统自动审核（自动审批）
    TWO_TIER = "two_tier"  # 下级审查后报上级决定（行政许可法第43条）
    # public_request (警民直通车): 转办 to another unit on the same clock; 重新办理 after the answer.
    TRANSFER = "transfer"  # 转办
    REOPEN = "reopen"  # 重新办理


@dataclass(frozen=True)
class Material:
    """A required material (申请材料). `core` ones (主审要件) can never be waived by tolerance;
    `shared` ones are verified through data sharing with `registry_zh` and never asked of the
    applicant; `entered` ones are the form's own fields (an ID number typed in, the written
    reasons), so there is nothing to upload. Every other material is an upload slot.
    `checked` ones (核验) must be found 合格 by a clerk before the decision is taken where the
    application holds them (what the decision discloses cannot be taken back)."""

    code: str
    name_zh: str
    name_en: str
    core: bool = True
    shared: bool = False
    required: bool = True
    note_zh: str = ""
    registry_zh: str = ""
    entered: bool = False
    checked: bool = False

    @property
    def uploaded(self) -> bool:
        """An upload slot (上传材料): neither shared nor typed into the form."""
        return not self.shared and not self.entered


@dataclass(frozen=True)
class ServiceLimits:
    """Every time limit of a service, each with its unit and the source it comes from."""

    acceptance: Limit | None  # 受理时限: else deemed accepted (行政许可法第32条)
    correction_reply: Limit | None  # 补正答复期限: else closed
    promised: Limit  # 承诺时限
    statutory: Limit  # 法定时限
    # 延长办理期限 (once, the head's approval): how much it adds to the decision limit, or None
    # where the service's rule provides none; every service states which in sources["extension"].
    extension: Limit | None = None
    # The rule's own total where it says "延长至…" (异议复核: 延长至30个工作日) rather than "延长…".
    extension_to: Limit | None = None
    delivery: Limit | None = None  # 送达时限 (第44条)
    commitment: Limit | None = None  # 容缺补齐期限 (never beyond the promised limit)
    higher_review: Limit | None = None  # 两级审查：上级机关自收到审查意见起的决定时限
    # 加急办时限 where the service's own rule states one (else app.domain.settings.default_urgent).
    urgent: Limit | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def extension_phrase(self, base: Limit) -> tuple[str, Limit]:
        """How the extension of `base` is worded: ("to", total) where the rule states the total
        and `base` plus the extension makes it, else ("by", the extension)."""
        assert self.extension is not None
        if (self.extension_to is not None and base.unit is self.extension.unit is self.extension_to.unit
                and base.amount + self.extension.amount == self.extension_to.amount):
            return "to", self.extension_to
        return "by", self.extension

    def items(self) -> list[tuple[str, Limit]]:
        names = ("acceptance", "correction_reply", "promised", "statutory", "extension",
                 "delivery", "commitment", "higher_review")
        return [(name, getattr(self, name)) for name in names if getattr(self, name) is not None]


@dataclass(frozen=True)
class Service:
    code: str
    name_zh: str
    name_en: str
    summary_zh: str
    summary_en: str
    unit_kind: str  # the kind of unit that handles it (派出所, 交警大队…)
    applicant_kinds: frozenset[ApplicantKind]
    materials: tuple[Material, ...]
    limits: ServiceLimits
    steps: frozenset[Step]
    # The service's own documents (outcomes and its refusal), each with template, title and basis.
    documents: tuple[DocumentAct, ...]
    legal_basis_zh: str
    number_prefix: str  # 办件编号前缀
    workflow_built: bool = True  # False: listed in the catalogue, filing not yet open
    # The officer records the written application at the window on the party's behalf.
    filed_by_staff: bool = False
    # False: created by the system itself (e.g. a rectification work order), not offered to apply for.
    listed: bool = True
    # TWO_TIER: the kind of the higher unit that decides after the lower unit's review.
    higher_unit_kind: str | None = None
    # The provision an extension notice cites (延长办理期限告知书), for a service with an extension.
    extension_basis_zh: str = ""
    # Where the service stands in the catalogue's lists (the home page, the clerk's filter).
    position: int = 100
    # What each key of the application's data is called on the pages (marked msgids).
    data_labels: Mapping[str, str] = field(default_factory=dict)

    def has(self, step: Step) -> bool:
        return step in self.steps

    @property
    def outcome_documents(self) -> tuple[str, ...]:
        """The titles of what the service issues (办结文书及不予办理文书)."""
        return tuple(act.title for act in self.documents)

    def document(self, kind: str) -> DocumentAct:
        for act in self.documents:
            if act.kind == kind:
                return act
        raise KeyError(kind)

    def refusal(self, applicant_type: str | None = None) -> DocumentAct:
        """The written refusal after acceptance for this applicant type (a service whose matters
        are never refused, such as a rectification work order, declares none)."""
        for act in self.documents:
            if act.role == Role.REFUSAL and (not act.applicant_types or applicant_type in act.applicant_types):
                return act
        raise LookupError(f"{self.code} declares no refusal for {applicant_type!r}")

    def upload_slots(self) -> tuple[Material, ...]:
        """The materials the applicant hands in as files (none for a matter staff record at the
        window: the officer sees the papers there)."""
        if self.filed_by_staff:
            return ()
        return tuple(m for m in self.materials if m.uploaded)

    def material(self, code: str) -> Material:
        for material in self.materials:
            if material.code == code:
                return material
        raise KeyError(code)
