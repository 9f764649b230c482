"""境外人员住宿登记网上自助申报 — accommodation registration of a foreigner staying outside a
hotel (出境入境管理法第三十九条; seed 004 item 17: 推动“境外人员住宿登记网上自助申报”).

The foreigner, or the host who puts them up (留宿人), reports the stay online to the police
station of the address within 24 hours of arrival (natural hours, counted continuously from the
arrival time given). The report is registered by the system at once (即办: accepted and
concluded on filing) and a receipt (住宿登记回执) is issued; a report filed after the 24 hours
is registered all the same and flagged as late (逾期申报) for the station.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field

from app.domain.calendar import SHANGHAI, WorkCalendar, due_at
from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    hours,
)
from app.domain.catalogue.documents import outcome
from app.domain.catalogue.schema import FieldError, FilingModel, Text, rule
from app.domain.text import N_

CODE = "foreigner_accommodation"
LAW = "《中华人民共和国出境入境管理法》第三十九条"
# 出境入境管理法第三十九条第二款: within 24 hours of arrival (natural hours, from the arrival itself).
REPORT_WITHIN_HOURS = 24
REPORT_LIMIT = hours(REPORT_WITHIN_HOURS)

SERVICE = Service(
    code=CODE,
    name_zh="境外人员住宿登记网上自助申报",
    name_en="Online accommodation registration of a foreigner",
    summary_zh="境外人员在宾馆以外的居所住宿的，本人或留宿人应当在其入住后24小时内在网上向住宿地公安派出所"
    "申报住宿登记，提交即登记，当场出具住宿登记回执。",
    summary_en="A foreigner staying outside a hotel, or the host, reports the stay online to the local police "
    "station within 24 hours of arrival; it is registered at once and a receipt is issued.",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL, ApplicantKind.FOREIGNER}),
    materials=(
        Material("passport", "护照或者其他国际旅行证件信息", "Passport or other travel document details", entered=True),
        Material("stay", "住宿地址及入住、预计离开时间", "Address, arrival and expected departure", entered=True),
    ),
    limits=ServiceLimits(
        acceptance=None,  # registered by the system on filing
        correction_reply=None,
        promised=hours(1),
        statutory=hours(1),
        extension=None,
        sources={
            "extension": N_("不适用延长：住宿登记网上申报提交即登记"),
            "promised": N_("本系统设置：网上申报提交即由系统登记并出具回执（可调整）"),
            "statutory": N_("本系统设置：网上申报提交即由系统登记并出具回执（可调整）"),
        },
    ),
    steps=frozenset({Step.IMMEDIATE}),
    documents=(outcome("accommodation_receipt", "accommodation_receipt.html", N_("境外人员住宿登记回执"), LAW),),
    legal_basis_zh=LAW,
    number_prefix="ZS",
    position=110,
    data_labels={
        "filer_role": N_("申报人身份"), "foreigner_name": N_("境外人员姓名"), "nationality": N_("国籍（地区）代码"),
        "passport_number": N_("护照或者国际旅行证件号码"), "visa_type": N_("签证或者居留证件种类"),
        "arrived_at": N_("入住时间"), "region_code": N_("住宿地所在县（市、区）"), "address": N_("住宿地址"),
        "expected_departure": N_("预计离开日期"), "host_name": N_("留宿人姓名"), "host_relation": N_("留宿人与境外人员关系"),
        "report_due_at": N_("申报期限"), "late": N_("逾期申报"), "hours_late": N_("逾期小时数"),
    },
)

FILER_ROLES = {"host": N_("留宿人"), "foreigner": N_("境外人员本人")}
VISA_TYPES = {
    "L": N_("L字签证（旅游）"),
    "F": N_("F字签证（交流、访问、考察）"),
    "M": N_("M字签证（商业贸易）"),
    "Q": N_("Q字签证（家庭团聚、寄养）"),
    "S": N_("S字签证（探亲、私人事务）"),
    "X": N_("X字签证（学习）"),
    "Z": N_("Z字签证（工作）"),
    "residence": N_("外国人居留许可"),
    "visa_free": N_("免签入境"),
}
HOST_RELATIONS = {
    "self": N_("本人自有或承租住房"),
    "family": N_("亲属"),
    "friend": N_("朋友"),
    "landlord": N_("房东（出租房屋）"),
    "employer": N_("工作或学习单位"),
    "other": N_("其他"),
}
# Counties whose police stations take the reports (GB/T 2260 codes of the portal's area).
REGIONS = {"411002": N_("许昌市魏都区"), "411003": N_("许昌市建安区")}

# Machine-readable travel documents (ICAO 9303) carry at most 9 characters in the number field,
# some national documents more; letters and digits only, with at least one digit.
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")


def check_passport_number(value: str) -> str:
    """The number as printed, upper-case, without spaces: 5–17 letters or digits, one a digit."""
    number = re.sub(r"\s+", "", str(value)).upper()
    if not _PASSPORT.fullmatch(number) or not any(c.isdigit() for c in number):
        raise RuleViolation("passport.shape", N_("证件号码应为5至17位字母或数字，请按证件上的号码填写。"),
                            "passport_number")
    return number


def check_nationality(value: str) -> str:
    """A three-letter code (ISO 3166-1 alpha-3, as in the passport's machine-readable zone); not
    CHN: a Chinese citizen's stay is not a foreigner's accommodation registration."""
    code = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise RuleViolation("nationality.shape", N_("国籍（地区）请填写证件上的三位字母代码，如USA、KOR、JPN。"),
                            "nationality")
    if code == "CHN":
        raise RuleViolation("nationality.chinese", N_("中国公民无须办理境外人员住宿登记。"), "nationality")
    return code


def check_arrival(arrived_at: datetime, *, now: datetime) -> None:
    """The stay has begun: a report is of an arrival, not a booking."""
    if arrived_at > now:
        raise RuleViolation("arrival.future", N_("入住时间不能晚于当前时间；请在入住后申报。"), "arrived_at")


def check_departure(expected_departure: date, arrived_at: datetime) -> None:
    """The expected departure is not before the day of arrival (local time)."""
    if expected_departure < arrived_at.astimezone(SHANGHAI).date():
        raise RuleViolation("departure.before_arrival", N_("预计离开日期不能早于入住日期。"), "expected_departure")


def report_due_at(arrived_at: datetime, *, calendar: WorkCalendar) -> datetime:
    """24 natural hours from the arrival itself (hours start at once, not the next day)."""
    return due_at(arrived_at, REPORT_LIMIT, calendar=calendar)


def is_late(arrived_at: datetime, filed_at: datetime, *, calendar: WorkCalendar) -> bool:
    """逾期申报: filed after the 24 hours ran out (filed at the very end is in time)."""
    return filed_at > report_due_at(arrived_at, calendar=calendar)


def hours_late(arrived_at: datetime, filed_at: datetime, *, calendar: WorkCalendar) -> int:
    """Whole hours begun after the limit ran out (0 when in time): 1 minute late is 1 hour."""
    late_by = filed_at - report_due_at(arrived_at, calendar=calendar)
    if late_by <= timedelta(0):
        return 0
    return -(-late_by // timedelta(hours=1))


def _beijing_time(value):
    """A time typed without an offset (the web form's 入住时间) is Beijing time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value  # the schema says what is wrong with it
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value


class AccommodationFiling(FilingModel):
    """The report (住宿登记申报): who files, the foreigner and their document, the stay."""

    filer_role: Literal[tuple(FILER_ROLES)]
    foreigner_name: Text(80)
    nationality: Annotated[Text(3), rule(check_nationality)]
    passport_number: Annotated[Text(20), rule(check_passport_number)]
    visa_type: Literal[tuple(VISA_TYPES)]
    arrived_at: Annotated[AwareDatetime, BeforeValidator(_beijing_time)] = Field(
        description="arrival at the address, ISO 8601 (without an offset: Beijing time)")
    region_code: Literal[tuple(REGIONS)] = Field(description="county of the address (GB/T 2260)")
    address: Text(200)
    expected_departure: date
    host_name: Text(40)
    host_relation: Literal[tuple(HOST_RELATIONS)]

    missing_messages = {
        "arrived_at": ("arrival.missing", N_("请填写入住时间。")),
        "region_code": ("region.missing", N_("请选择住宿地所在县（市、区）。")),
    }

    def cross_field_errors(self) -> list[FieldError]:
        try:
            check_departure(self.expected_departure, self.arrived_at)
        except RuleViolation as violation:
            return [FieldError(violation.field, violation.code, violation.template, violation.params)]
        return []


FILING = AccommodationFiling
