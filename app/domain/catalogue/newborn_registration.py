"""新生儿出生登记"全省通办" — province-wide newborn registration (户口登记条例第7条; seed 002 item 1)."""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    days,
    workdays,
)
from app.domain.catalogue.documents import outcome, service_refusal
from app.domain.catalogue.schema import FilingModel, Optional, Text, rule
from app.domain.text import N_, Message, Sentences

SERVICE = Service(
    code="newborn_registration",
    name_zh="新生儿出生登记（全省通办）",
    name_en="Newborn registration (province-wide)",
    summary_zh="在河南省内出生、婚内生育、父母户籍均在省内且同民族、随父或随母在省内家庭户落户、"
    "不超过6周岁的新生儿，可在省内任一户籍派出所申报出生登记。",
    summary_en="Children born in the province in wedlock, whose parents both hold hukou in the "
    "province with the same ethnicity, registered into a family household in the province, "
    "aged 6 or under, can be registered at any hukou station in the province.",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL}),
    materials=(
        Material("birth_certificate", "出生医学证明", "Medical birth certificate", shared=True,
                 registry_zh=N_("卫生健康部门出生医学证明信息")),
        Material("marriage_certificate", "父母结婚证", "Parents' marriage certificate", shared=True,
                 registry_zh=N_("民政部门婚姻登记信息")),
        Material("household_register", "落户方居民户口簿", "Receiving household register", shared=True,
                 registry_zh=N_("公安户籍信息")),
        Material("parents_id_cards", "父母居民身份证", "Parents' ID cards", shared=True, registry_zh=N_("公安人口信息系统")),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(5),
        statutory=workdays(5),
        extension=None,
        delivery=workdays(10),
        sources={
            "acceptance": N_("行政许可法第32条"),
            "extension": N_("不适用延长：许昌公安便民利民服务十项措施第1条规定5个工作日内办结"),
            "promised": N_("许昌公安便民利民服务十项措施第1条：5个工作日"),
            "statutory": N_("许昌公安便民利民服务十项措施第1条：5个工作日"),
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.ISSUE}),
    documents=(
        outcome("newborn_registration_result", "newborn_registration_result.html", N_("新生儿入户登记证明"),
                "《中华人民共和国户口登记条例》第七条"),
        service_refusal(N_("不予办理户口登记决定书"), "不予办理新生儿出生登记",
                        "《中华人民共和国户口登记条例》第七条；河南省新生儿出生登记“全省通办”规定"),
    ),
    legal_basis_zh="《中华人民共和国户口登记条例》第七条；河南省新生儿出生登记“全省通办”",
    number_prefix="XS",
    position=30,
    data_labels={
        "birth_certificate_number": N_("出生医学证明编号"), "receiving_parent": N_("落户方式"),
        "child_name": N_("新生儿姓名"), "child_sex": N_("新生儿性别"), "child_birth_date": N_("出生日期"),
        "household_number": N_("落户户号"), "station": N_("受理派出所"), "late_registration": N_("逾期申报（出生超过一个月）"),
        "late_registration_note": N_("逾期申报说明"), "name_differs_from_certificate": N_("姓名核对"),
    },
    workflow_built=True,
)

PROVINCE_CODE = "41"  # 河南省 (GB/T 2260)
PROVINCE_NAME = N_("河南省")
MAX_AGE_YEARS = 6
# 户口登记条例第7条: register within one month of birth; later registrations are still accepted.
TIMELY_REGISTRATION_MONTHS = 1

RECEIVING_PARENTS = {"father": N_("随父落户"), "mother": N_("随母落户")}
PARENT_NAMES = {"father": N_("父亲"), "mother": N_("母亲")}
DOCUMENTS_TO_BRING = N_("《出生医学证明》、父母双方居民身份证、父母结婚证和落户方居民户口簿")
AT_HUKOU_STATION = N_("到落户方户籍所在地公安派出所申报出生登记")
_BRING = {"documents": DOCUMENTS_TO_BRING, "where": AT_HUKOU_STATION}
# The ethnic groups the registries return, named in the messages (translated as names).
ETHNICITIES = (N_("汉族"), N_("回族"), N_("满族"), N_("蒙古族"))


class ConditionCode(StrEnum):
    """The five conditions of province-wide handling (seed 002 item 1), in their order."""

    BORN_IN_PROVINCE = "born_in_province"
    IN_WEDLOCK = "in_wedlock"
    PARENTS_HUKOU = "parents_hukou"
    FAMILY_HOUSEHOLD = "family_household"
    AGE = "age"


CONDITION_TITLES = {
    ConditionCode.BORN_IN_PROVINCE: Message(N_("新生儿在河南省内出生并取得《出生医学证明》")),
    ConditionCode.IN_WEDLOCK: Message(N_("新生儿属婚内生育")),
    ConditionCode.PARENTS_HUKOU: Message(N_("父母双方户籍均在河南省内且同民族")),
    ConditionCode.FAMILY_HOUSEHOLD: Message(N_("随父或随母在河南省内家庭户申报出生登记")),
    ConditionCode.AGE: Message(N_("新生儿年龄不超过%(years)s周岁"), {"years": MAX_AGE_YEARS}),
}
# The form field a failing condition belongs to (the receiving household is the family's
# choice; everything else follows from the birth certificate).
CONDITION_FIELDS = {
    ConditionCode.BORN_IN_PROVINCE: "birth_certificate_number",
    ConditionCode.IN_WEDLOCK: "birth_certificate_number",
    ConditionCode.PARENTS_HUKOU: "birth_certificate_number",
    ConditionCode.FAMILY_HOUSEHOLD: "receiving_parent",
    ConditionCode.AGE: "birth_certificate_number",
}


@dataclass(frozen=True)
class Condition:
    code: str
    ok: bool
    message: Message  # what was found: passing — what was verified; failing — why it fails
    advice: Message | None = None  # failing only: what to do instead

    @property
    def title(self) -> Message:
        return CONDITION_TITLES[ConditionCode(self.code)]

    @property
    def title_zh(self) -> str:
        return str(self.title)

    @property
    def message_zh(self) -> str:
        return str(self.message)

    @property
    def advice_zh(self) -> str:
        return str(self.advice) if self.advice is not None else ""

    @property
    def field(self) -> str:
        return CONDITION_FIELDS[ConditionCode(self.code)]


@dataclass(frozen=True)
class Eligibility:
    conditions: tuple[Condition, ...]
    late: bool  # born more than one month before `today` (逾期申报)
    age_years: int

    @property
    def eligible(self) -> bool:
        return all(condition.ok for condition in self.conditions)

    @property
    def failing(self) -> tuple[Condition, ...]:
        return tuple(condition for condition in self.conditions if not condition.ok)

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)


# --- small date rules -------------------------------------------------------------------


def cn_date(day: date) -> str:
    """``2026年8月16日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_in_years(birth_date: date, today: date) -> int:
    """Full years (周岁) on ``today``; a child born on 29 February has its birthday on 1 March."""
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def is_late(birth_date: date, today: date) -> bool:
    """Registered more than one month after the birth (户口登记条例第7条)."""
    return today > add_months(birth_date, TIMELY_REGISTRATION_MONTHS)


def in_province(region_code: str | None) -> bool:
    return bool(region_code) and region_code[:2] == PROVINCE_CODE


def late_message(birth_date: date, today: date) -> Message:
    return Message(N_("新生儿于%(born)s出生，至%(today)s申报时已超过出生后一个月，属于逾期申报出生登记"
                      "（《户口登记条例》第七条：婴儿出生后一个月以内申报）。逾期申报仍予受理，承办民警将予以注明。"),
                   {"born": birth_date, "today": today})


def late_note(birth_date: date, today: date) -> str:
    """The late-registration note kept with the application (Chinese, as the file records it)."""
    return str(late_message(birth_date, today))


# --- the five conditions ------------------------------------------------------------------


def _born_in_province(certificate) -> Condition:
    code = ConditionCode.BORN_IN_PROVINCE
    if certificate.birth_province_code == PROVINCE_CODE:
        return Condition(code, True, Message(N_("新生儿在%(province)s内出生，已取得《出生医学证明》（%(hospital)s）。"),
                                             {"province": PROVINCE_NAME, "hospital": certificate.hospital}))
    return Condition(
        code, False,
        Message(N_("新生儿不是在河南省内出生（《出生医学证明》由省外医疗机构签发），不符合“全省通办”条件。")),
        Message(N_("请携带%(documents)s，%(where)s，不能在省内其他派出所异地办理。"), _BRING),
    )


def _in_wedlock(certificate, father, mother, marriage) -> Condition:
    code = ConditionCode.IN_WEDLOCK
    advice = Message(N_("非婚生育的新生儿，请%(where)s，携带《出生医学证明》、父母双方居民身份证和落户方居民户口簿；"
                        "随父落户的还须提供亲子鉴定证明。已登记结婚但未查询到的，请同时携带结婚证，由派出所核实。"),
                     {"where": AT_HUKOU_STATION})
    if not certificate.father_id_number or father is None or mother is None:
        return Condition(code, False, Message(N_("《出生医学证明》上未登记父亲信息，无法确认属于婚内生育。")), advice)
    if marriage is None:
        return Condition(code, False, Message(N_("未查询到父母双方的结婚登记信息，新生儿不属于婚内生育。")), advice)
    if not marriage.in_force_on(certificate.birth_date):
        return Condition(code, False, Message(N_("新生儿出生时父母的婚姻关系不在存续期内，不属于婚内生育。")), advice)
    return Condition(code, True, Message(N_("父母于%(married)s登记结婚，新生儿属婚内生育。"),
                                         {"married": marriage.registered_on}))


def _parents_hukou(father, mother) -> Condition:
    code = ConditionCode.PARENTS_HUKOU
    problems: list[Message] = []
    advice: Message | None = None
    for role, person in (("father", father), ("mother", mother)):
        name = PARENT_NAMES[role]
        if person is None:
            problems.append(Message(N_("未查询到%(parent)s的户籍信息"), {"parent": name}))
        elif not in_province(person.hukou_region_code):
            problems.append(Message(N_("%(parent)s户籍不在%(province)s"), {"parent": name, "province": PROVINCE_NAME}))
    if problems:
        advice = Message(N_("父母一方户籍不在本省的，请携带%(documents)s，%(where)s。"), _BRING)
    elif father.ethnicity != mother.ethnicity:
        problems.append(Message(N_("父母双方民族不同")))
        advice = Message(N_("父母民族不同的，新生儿民族成分须由父母双方协商确定，请父母双方共同携带%(documents)s，"
                            "%(where)s，并当场签字确认新生儿民族。"), _BRING)
    if problems:
        return Condition(code, False, Message(N_("%(problems)s，不符合“父母双方户籍均在本省且同民族”的条件。"),
                                              {"problems": problems}), advice)
    return Condition(code, True, Message(N_("父母双方户籍均在%(province)s内，均为%(ethnicity)s。"),
                                         {"province": PROVINCE_NAME, "ethnicity": father.ethnicity}))


def _family_household(household, receiving: str, parent, other_household=None) -> Condition:
    code = ConditionCode.FAMILY_HOUSEHOLD
    name = PARENT_NAMES.get(receiving, N_("落户方"))
    other = PARENT_NAMES["mother" if receiving == "father" else "father"]
    # Suggest the other parent's household only when it would itself qualify.
    switch = (Message(N_("可以改为随%(other)s在其省内家庭户内申报；"), {"other": other})
              if other_household is not None and other_household.kind == "family"
              and in_province(other_household.region_code) else "")
    facts = {"parent": name, "province": PROVINCE_NAME, "switch": switch, **_BRING}
    if receiving not in RECEIVING_PARENTS:
        return Condition(code, False, Message(N_("请选择随父落户或随母落户。")))
    if parent is None or household is None or household.member(parent.id_number) is None:
        return Condition(code, False, Message(N_("未查询到%(parent)s所在的户籍户，无法在其户内申报出生登记。"), facts),
                         Message(N_("%(switch)s请核对后重新选择，或%(where)s咨询办理。"), facts))
    if not in_province(household.region_code):
        return Condition(code, False,
                         Message(N_("%(parent)s的户籍户不在%(province)s内，不能通过“全省通办”落户。"), facts),
                         Message(N_("%(switch)s确需随%(parent)s落户的，请携带%(documents)s，"
                                    "到%(parent)s户籍所在地公安机关申报出生登记。"), facts))
    if household.kind != "family":
        return Condition(code, False,
                         Message(N_("%(parent)s的户口在集体户，集体户不能通过“全省通办”申报新生儿入户。"), facts),
                         Message(N_("%(switch)s确需落入集体户的，请携带%(documents)s"
                                    "及集体户管理单位同意落户的证明，到集体户所在地公安派出所办理。"), facts))
    return Condition(code, True, Message(N_("%(receiving)s，落入%(parent)s在%(province)s内的家庭户。"),
                                         {**facts, "receiving": RECEIVING_PARENTS[receiving]}))


def _age(certificate, today: date, max_age_years: int = MAX_AGE_YEARS) -> Condition:
    code = ConditionCode.AGE
    years = age_in_years(certificate.birth_date, today)
    limits = {"years": years, "max": max_age_years, "born": certificate.birth_date, **_BRING}
    if years <= max_age_years:
        return Condition(code, True, Message(N_("新生儿于%(born)s出生，未超过%(max)s周岁。"), limits))
    return Condition(
        code, False, Message(N_("新生儿已满%(years)s周岁，超过%(max)s周岁，不能通过“全省通办”办理。"), limits),
        Message(N_("请携带%(documents)s，%(where)s；超过%(max)s周岁未落户的，"
                   "派出所将核实未及时申报的原因后办理。"), limits),
    )


def check_eligibility(birth_certificate, father, mother, marriage, household, today: date, *,
                      receiving: str = "father", other_household=None,
                      max_age_years: int = MAX_AGE_YEARS) -> Eligibility:
    """Evaluate all five conditions (never stopping at the first failure) for the child of
    ``birth_certificate``: ``father`` / ``mother`` are the parents' population records (None
    when not found), ``marriage`` the couple's marriage record (None: none), ``household``
    the household of the ``receiving`` parent ("father" / "mother"), ``today`` the day the
    family checks or files. ``other_household`` (the other parent's, if known) only shapes
    the advice: switching to it is suggested when it would qualify. ``max_age_years``: the age
    limit in force (a setting; MAX_AGE_YEARS by default)."""
    parent = father if receiving == "father" else mother if receiving == "mother" else None
    conditions = (
        _born_in_province(birth_certificate),
        _in_wedlock(birth_certificate, father, mother, marriage),
        _parents_hukou(father, mother),
        _family_household(household, receiving, parent, other_household),
        _age(birth_certificate, today, max_age_years),
    )
    return Eligibility(conditions=conditions, late=is_late(birth_certificate.birth_date, today),
                       age_years=age_in_years(birth_certificate.birth_date, today))


def refusal(eligibility: Eligibility) -> RuleViolation:
    """The refusal of a filing that is not eligible: every failing condition with what to do
    instead, on the field of the first one."""
    failing = eligibility.failing
    if not failing:
        raise ValueError("an eligible child is not refused")
    first = failing[0]
    reasons = Sentences(part for c in failing for part in (c.message, c.advice) if part is not None)
    return RuleViolation(f"newborn.{first.code}", N_("不符合新生儿出生登记“全省通办”条件：%(reasons)s"), first.field,
                         {"reasons": reasons})


# --- the filing's own fields ----------------------------------------------------------------

_CHILD_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,4}")
_CERTIFICATE_NUMBER = re.compile(r"[A-Z0-9]{6,20}")


def normalise_child_name(value: object) -> str:
    """新生儿姓名: 2 to 4 Chinese characters (spaces from an input method are dropped)."""
    name = unicodedata.normalize("NFKC", str(value or "")).replace(" ", "").strip()
    if not _CHILD_NAME.fullmatch(name):
        raise RuleViolation("child_name.format", N_("新生儿姓名须为2至4个汉字，请核对后重新填写。"), "child_name")
    return name


def normalise_certificate_number(value: object) -> str:
    """出生医学证明编号: letters and digits, upper case; full-width input accepted."""
    number = unicodedata.normalize("NFKC", str(value or "")).replace(" ", "").strip().upper()
    if not _CERTIFICATE_NUMBER.fullmatch(number):
        raise RuleViolation("birth_certificate_number.format",
                            N_("请填写《出生医学证明》右上角的编号（字母和数字）。"), "birth_certificate_number")
    return number


def relation_to_head(parent_relation: str, child_sex: str) -> str:
    """The child's relation to the head of the receiving household (与户主关系)."""
    son = child_sex == "M"
    if parent_relation in ("户主", "配偶"):
        return "子" if son else "女"
    if parent_relation in ("子", "儿子"):
        return "孙子" if son else "孙女"
    if parent_relation in ("女", "女儿"):
        return "外孙子" if son else "外孙女"
    return "其他"


class NewbornFiling(FilingModel):
    """新生儿出生登记: the medical birth certificate, whose household receives the child, the
    name and, if not the household's own, the station chosen (全省通办)."""

    birth_certificate_number: Annotated[Text(20), rule(normalise_certificate_number)]
    receiving_parent: Literal["father", "mother"]
    child_name: Annotated[Text(8), rule(normalise_child_name)]
    station: Optional(Text(40)) = None

    missing_messages = {"receiving_parent": ("receiving_parent.invalid", N_("请选择随父落户或随母落户。"))}
    invalid_messages = {"receiving_parent": missing_messages["receiving_parent"],
                        "child_name": ("child_name.format", N_("新生儿姓名须为2至4个汉字，请核对后重新填写。"))}


FILING = NewbornFiling
