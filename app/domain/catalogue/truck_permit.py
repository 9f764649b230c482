"""城市配送货车电子通行证 — city-entry truck permits (seed 002 items 8 and 10; MPS guideline 2021).

The catalogue entry, the city's zones and time-window settings, and the pure rule functions:
what a request must look like (`parse_*`, `build_request`), whether the vehicle and driver
registries allow it (`evaluate`, returning EVERY failing reason, and the reasons that send
it to a clerk of the traffic brigade), and what a roadside officer sees now
(`permit_status`, `window_now`). No Flask or SQLAlchemy here: records come from
`app.domain.records`, and `today`/`now` are arguments.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from app.domain.calendar import SHANGHAI
from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    days,
    hours,
    workdays,
)
from app.domain.catalogue.documents import licence_refusal, outcome
from app.domain.catalogue.schema import FilingModel, Text, rule
from app.domain.identifiers import validate_plate
from app.domain.records import DriverRecord, VehicleRecord, ViolationRecord
from app.domain.text import N_, Bilingual, Message, from_data, to_data
from app.domain.verification import Finding as CheckFinding
from app.domain.verification import RegistryCheck, Tone

SERVICE = Service(
    code="truck_permit",
    name_zh="城市配送货车电子通行证",
    name_en="City delivery truck electronic permit",
    summary_zh="网上申请货车通行证，系统自动比对车辆检验、报废、排放标准、驾驶证及交通违法信息，"
    "全部符合的即时核发，节假日和周末照常办理。",
    summary_en="Apply online; vehicle and driver checks run at once and a passing application is "
    "approved immediately, weekends and holidays included.",
    unit_kind="traffic_brigade",
    applicant_kinds=frozenset({ApplicantKind.ENTERPRISE, ApplicantKind.INDIVIDUAL}),
    materials=(
        Material("vehicle_licence", "机动车行驶证", "Vehicle registration", shared=True,
                 registry_zh=N_("公安交管机动车登记信息")),
        Material("driver_licence", "机动车驾驶证", "Driver licence", shared=True, registry_zh=N_("公安交管驾驶人信息")),
    ),
    limits=ServiceLimits(
        acceptance=hours(24),
        correction_reply=days(7),
        promised=hours(24),
        statutory=workdays(3),
        extension=None,
        sources={
            "acceptance": N_("本系统设置：自然时间，节假日照常"),
            "extension": N_("不适用延长：货车通行证当日至3个工作日内审批"),
            "correction_reply": N_("本系统设置（补正答复期限，可调整）"),
            "promised": N_("本系统设置：自然时间24小时（符合条件的即时核发）"),
            "statutory": N_("公安部交管局2021年指导意见（当日至3个工作日），可调整"),
        },
    ),
    # ISSUE: the electronic permit is delivered at once, so a granted permit leaves the
    # unit's open queue (the system issues it right after the approval).
    steps=frozenset({Step.AUTOMATIC, Step.CORRECTION, Step.ISSUE}),
    documents=(
        outcome("truck_permit", "truck_permit.html", N_("城市配送货车电子通行证"),
                "《中华人民共和国道路交通安全法》第三十九条；公安部交通管理局《关于进一步优化货车通行管理的指导意见》（2021）"),
        licence_refusal(N_("不予核发货车通行证决定书"), "《中华人民共和国道路交通安全法》第三十九条"),
    ),
    legal_basis_zh="公安部交通管理局《关于进一步优化货车通行管理的指导意见》（2021）",
    number_prefix="TX",
    position=60,
    data_labels={
        "applicant_kind": N_("申请人类型"), "plate": N_("号牌号码"), "vehicle_type": N_("车辆类型"),
        "driver_name": N_("驾驶人"), "driver_id_number": N_("驾驶人公民身份号码"), "zones": N_("通行区域"),
        "windows": N_("每日通行时段"), "valid_from": N_("有效期起始日"), "valid_until": N_("有效期截止日"),
        "validity_days": N_("有效期天数"), "check_outcome": N_("系统核验结果"), "check_reasons": N_("不符合核发条件的情形"),
        "review_reasons": N_("转人工审核的原因"),
    },
    workflow_built=True,
)

# --- Settings (RULES.md: V = verified, R = common practice; all adjustable here) -------------

MIN_DAILY_WINDOW_HOURS = 6  # (V) ≥ 6 hours a day where windows apply
MAX_WINDOWS_PER_DAY = 4  # (R) at most this many separate daily windows
MIN_VALIDITY_DAYS = 1  # (R) validity from a day …
MAX_VALIDITY_DAYS = 365  # (R) … to a year
MAX_START_AHEAD_DAYS = 30  # (R) a permit may start at most this many days after filing
CLERK_REVIEW_OVER_DAYS = 90  # (R) longer validity → a clerk of the traffic brigade decides
EMISSION_ORDER = (N_("国III"), N_("国IV"), N_("国V"), N_("国VI"))
ALLOWED_EMISSION_STANDARDS = ("国V", "国VI")  # (R) the city's floor in restricted zones
NEW_ENERGY = "new_energy"
# Vehicle types that are goods vehicles (货车); anything else needs no truck permit.
TRUCK_TYPE_MARKERS = ("货车", "冷藏车", "专项作业车", "牵引车")


class PeakAccess(StrEnum):
    """May a vehicle use a zone's peak hours (高峰禁行时段), i.e. get extended windows?"""

    GRANTED = "granted"  # automatically
    REVIEW = "review"  # a clerk of the traffic brigade decides
    REFUSED = "refused"


# (V) "new-energy and refrigerated trucks get more": new-energy trucks may use peak hours
# without review; a refrigerated truck asking for them is reviewed by a clerk.
PEAK_ACCESS = {"new_energy": PeakAccess.GRANTED, "refrigerated": PeakAccess.REVIEW,
               "ordinary": PeakAccess.REFUSED}


MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, order=True)
class Window:
    """A daily time window in minutes after midnight; `end <= start` crosses midnight
    (22:00–06:00). `end` may be 1440 (24:00)."""

    start: int
    end: int

    @property
    def duration(self) -> int:
        return self.end - self.start if self.end > self.start else self.end + MINUTES_PER_DAY - self.start

    def minutes(self) -> frozenset[int]:
        return frozenset((self.start + offset) % MINUTES_PER_DAY for offset in range(self.duration))

    def contains(self, minute_of_day: int) -> bool:
        return (minute_of_day - self.start) % MINUTES_PER_DAY < self.duration

    @property
    def text(self) -> str:
        return f"{_hhmm(self.start)}–{_hhmm(self.end)}"

    @classmethod
    def of(cls, text: str) -> Window:
        start, end = re.split(r"[-–]", text)
        return cls(_minutes(start), _minutes(end))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str) -> int:
    hh, mm = text.strip().split(":")
    return int(hh) * 60 + int(mm)


def duration_text(minutes: int) -> str:
    hours_part, rest = divmod(minutes, 60)
    return f"{hours_part}小时" + (f"{rest}分钟" if rest else "")


def windows_text(windows: Iterable[Window]) -> str:
    return "、".join(w.text for w in windows)


_WINDOW_RE = re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})\s*[-–—~～至到]\s*(\d{1,2})\s*[:：]\s*(\d{2})")
_SEPARATORS_RE = re.compile(r"[\s,，;；、]+")


def parse_windows(value: str | Sequence[str] | None) -> tuple[Window, ...]:
    """Daily windows from "06:00-07:30, 09:00-17:00" (or a list of such strings): every
    window well formed, none overlapping, at most MAX_WINDOWS_PER_DAY, together at least
    MIN_DAILY_WINDOW_HOURS a day."""
    text = value if isinstance(value, str) else "，".join(str(v) for v in (value or ()))
    text = (text or "").strip()
    if not text:
        raise RuleViolation("windows.missing", N_("请填写每日通行时段，例如 09:00-17:00。"), "windows")
    if _SEPARATORS_RE.sub("", _WINDOW_RE.sub("", text)):
        raise RuleViolation("windows.format", N_("通行时段格式不正确，请按“09:00-17:00”填写，多个时段用逗号分隔。"),
                            "windows")
    windows = []
    for sh, sm, eh, em in _WINDOW_RE.findall(text):
        start_h, start_m, end_h, end_m = int(sh), int(sm), int(eh), int(em)
        if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
            raise RuleViolation("windows.format", N_("“%(text)s”不是有效的时间。"), "windows",
                                {"text": f"{sh}:{sm}-{eh}:{em}"})
        window = Window(start_h * 60 + start_m, end_h * 60 + end_m)
        if window.start == window.end % MINUTES_PER_DAY and window.end != MINUTES_PER_DAY:
            raise RuleViolation("windows.empty", N_("通行时段“%(window)s”的开始时间与结束时间相同。"), "windows",
                                {"window": window.text})
        windows.append(window)
    if len(windows) > MAX_WINDOWS_PER_DAY:
        raise RuleViolation("windows.too_many", N_("每日通行时段最多填写%(n)s段。"), "windows",
                            {"n": MAX_WINDOWS_PER_DAY})
    windows.sort()
    for index, first in enumerate(windows):
        for second in windows[index + 1:]:
            if first.minutes() & second.minutes():
                raise RuleViolation("windows.overlap", N_("通行时段“%(a)s”与“%(b)s”重叠，请合并为一段后填写。"),
                                    "windows", {"a": first.text, "b": second.text})
    total = sum(w.duration for w in windows)
    if total < MIN_DAILY_WINDOW_HOURS * 60:
        raise RuleViolation(
            "windows.too_short",
            N_("每日通行时段合计不得少于%(min)s小时（您填写的合计为%(total)s），请延长或增加通行时段。"), "windows",
            {"min": MIN_DAILY_WINDOW_HOURS, "total": duration_text(total)})
    return tuple(windows)


def daily_minutes(windows: Iterable[Window]) -> int:
    return sum(w.duration for w in windows)


# --- Zones --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    """A city zone (通行区域): whether trucks are restricted there, the emission standards it
    admits (new-energy trucks always), and its peak hours closed to ordinary trucks."""

    code: str
    name_zh: str
    name_en: str
    region_code: str
    restricted: bool
    emission_standards: tuple[str, ...]
    peak_hours: tuple[Window, ...] = ()

    @property
    def emission_text(self) -> str:
        return "、".join(self.emission_standards)

    @property
    def peak_text(self) -> str:
        return windows_text(self.peak_hours)

    @property
    def name(self) -> Bilingual:
        return Bilingual(self.name_zh, self.name_en)

    @property
    def rule(self) -> Message:
        standards = list(self.emission_standards)
        if not self.restricted:
            return Message(N_("不限行，全天可通行；允许%(standards)s及新能源货车"), {"standards": standards})
        return Message(N_("限行，高峰禁行%(peaks)s；允许%(standards)s及新能源货车"),
                       {"peaks": Bilingual(self.peak_text, ", ".join(w.text for w in self.peak_hours)),
                        "standards": standards})

    @property
    def rule_text(self) -> str:
        return str(self.rule)


def _peaks(*texts: str) -> tuple[Window, ...]:
    return tuple(Window.of(text) for text in texts)


# (L/R) Xuchang's truck-restricted zones as a local traffic notice sets them: the defaults; an
# administrator adjusts restriction, peak hours and emission floor per zone (ZONE_SETTING_PREFIX).
ZONES: dict[str, Zone] = {zone.code: zone for zone in (
    Zone("weidu_centre", "魏都区中心城区", "Weidu central district", "411002", True, ("国VI",),
         _peaks("07:00-09:00", "17:00-19:30")),
    Zone("dongcheng", "东城区", "Dongcheng district", "411002", True, ALLOWED_EMISSION_STANDARDS,
         _peaks("07:30-09:00", "17:30-19:00")),
    Zone("jianan_urban", "建安区城区", "Jian'an urban district", "411003", True, ALLOWED_EMISSION_STANDARDS,
         _peaks("07:00-09:00", "17:00-19:00")),
    Zone("demonstration_zone", "城乡一体化示范区", "Urban-rural integration demonstration zone", "411000",
         False, ("国IV", "国V", "国VI")),
)}


# --- Zones as settings (zones, peak hours, emission floors: L/R, so an administrator adjusts them) ---

ZONE_SETTING_PREFIX = "truck_permit.zone."  # + the zone's code; the catalogue's zones, never new ones


def zone_value(zone: Zone) -> dict:
    """A zone's adjustable rules as a setting stores them."""
    floor = min(zone.emission_standards, key=EMISSION_ORDER.index) if zone.emission_standards else EMISSION_ORDER[-1]
    return {"restricted": zone.restricted, "emission_floor": floor, "peak_hours": [w.text for w in zone.peak_hours]}


def zone_with(zone: Zone, value: Mapping | None) -> Zone:
    """`zone` under a setting's value (unchanged without one)."""
    if not value:
        return zone
    floor = EMISSION_ORDER.index(value["emission_floor"])
    return replace(zone, restricted=bool(value["restricted"]), emission_standards=EMISSION_ORDER[floor:],
                   peak_hours=tuple(Window.of(text) for text in value["peak_hours"]) if value["restricted"] else ())


def check_zone_setting(code: str, value: Mapping) -> dict:
    """A zone setting as recorded, or a refusal: a known zone, a known emission standard, and peak
    hours that still leave trucks at least MIN_DAILY_WINDOW_HOURS a day (no all-day bans)."""
    if code not in ZONES:
        raise RuleViolation("zones.unknown", N_("所选通行区域不在本市货车通行区域目录中，请重新选择。"), "zones")
    floor = str(value.get("emission_floor") or "")
    if floor not in EMISSION_ORDER:
        raise RuleViolation("zones.emission_floor", N_("排放标准下限须为国III至国VI之一。"), "emission_floor")
    restricted = bool(value.get("restricted"))
    peaks = parse_peak_hours(value.get("peak_hours") or "") if restricted else ()
    return {"restricted": restricted, "emission_floor": floor, "peak_hours": [w.text for w in peaks]}


def parse_peak_hours(value: str | Sequence[str]) -> tuple[Window, ...]:
    text = value if isinstance(value, str) else "，".join(str(v) for v in value)
    if not text.strip():
        return ()
    if _SEPARATORS_RE.sub("", _WINDOW_RE.sub("", text)):
        raise RuleViolation("zones.peak_format", N_("高峰禁行时段格式不正确，请按“07:00-09:00”填写，多个时段用逗号分隔。"),
                            "peak_hours")
    peaks = tuple(sorted(Window(int(sh) * 60 + int(sm), int(eh) * 60 + int(em))
                         for sh, sm, eh, em in _WINDOW_RE.findall(text)))
    closed = frozenset().union(*(w.minutes() for w in peaks))
    if MINUTES_PER_DAY - len(closed) < MIN_DAILY_WINDOW_HOURS * 60:
        raise RuleViolation("zones.all_day_ban", N_(
            "高峰禁行后每日可通行时间不得少于%(min)s小时（公安部交通管理局2021年指导意见：不得全天禁行）。"),
            "peak_hours", {"min": MIN_DAILY_WINDOW_HOURS})
    return peaks


def parse_zones(value: str | Sequence[str] | None, zones_in_force: Mapping[str, Zone] | None = None
                ) -> tuple[Zone, ...]:
    """The chosen zones, as the zone settings in force have them (`zones_in_force`, else ZONES)."""
    catalogue = ZONES if zones_in_force is None else zones_in_force
    codes = value.replace("，", ",").split(",") if isinstance(value, str) else list(value or ())
    codes = [str(code).strip() for code in codes if str(code).strip()]
    if not codes:
        raise RuleViolation("zones.missing", N_("请选择至少一个通行区域。"), "zones")
    unknown = [code for code in codes if code not in catalogue]
    if unknown:
        raise RuleViolation("zones.unknown", N_("所选通行区域不在本市货车通行区域目录中，请重新选择。"), "zones")
    zones = tuple(catalogue[code] for code in dict.fromkeys(codes))
    if not any(zone.restricted for zone in zones):
        raise RuleViolation("zones.unrestricted",
                            N_("所选区域均不限制货车通行，无需办理通行证；请选择需要进入的限行区域。"), "zones")
    return zones


def zones_text(zones: Iterable[Zone]) -> str:
    return "、".join(zone.name_zh for zone in zones)


# --- Validity -----------------------------------------------------------------------------


def _as_date(value, field: str, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise RuleViolation(f"{field}.format", N_("%(label)s格式不正确，请按“2026-11-16”填写。"), field,
                            {"label": label})
    raise RuleViolation(f"{field}.missing", N_("请填写%(label)s。"), field, {"label": label})


def parse_validity(valid_from, valid_until, *, today: date) -> tuple[date, date]:
    start = _as_date(valid_from, "valid_from", N_("有效期起始日"))
    end = _as_date(valid_until, "valid_until", N_("有效期截止日"))
    if start < today:
        raise RuleViolation("valid_from.past", N_("有效期起始日不能早于今天。"), "valid_from")
    if start > today + timedelta(days=MAX_START_AHEAD_DAYS):
        raise RuleViolation("valid_from.too_far", N_("有效期起始日最迟为%(n)s日后（%(day)s）。"), "valid_from",
                            {"n": MAX_START_AHEAD_DAYS, "day": (today + timedelta(days=MAX_START_AHEAD_DAYS)).isoformat()})
    if end < start:
        raise RuleViolation("valid_until.before_start", N_("有效期截止日不能早于起始日。"), "valid_until")
    length = validity_days(start, end)
    if length < MIN_VALIDITY_DAYS or length > MAX_VALIDITY_DAYS:
        raise RuleViolation("valid_until.too_long", N_("通行证有效期为%(min)s日至%(max)s日（您申请的为%(n)s日）。"),
                            "valid_until", {"min": MIN_VALIDITY_DAYS, "max": MAX_VALIDITY_DAYS, "n": length})
    return start, end


def validity_days(start: date, end: date) -> int:
    """Both days count: 16 to 16 November is one day."""
    return (end - start).days + 1


@dataclass(frozen=True)
class HeldPermit:
    """A permit already issued for the plate (有效通行证): its number and validity."""

    number: str
    valid_from: date
    valid_until: date


def check_no_overlap(plate: str, valid_from: date, valid_until: date, held: Iterable[HeldPermit]) -> None:
    """One permit in force per plate on any day: a request whose validity shares a day with a
    permit still valid (neither revoked nor expired) is refused, naming that permit, since a
    second one would let two sets of zones and windows be shown for the same truck."""
    for permit in sorted(held, key=lambda p: (p.valid_from, p.number)):
        if permit.valid_from <= valid_until and valid_from <= permit.valid_until:
            raise RuleViolation(
                "plate.permit_overlap",
                N_("号牌%(plate)s已有有效的通行证%(number)s（有效期%(valid_from)s至%(valid_until)s），"
                   "与申请的有效期重叠，不能重复核发；请将有效期改在%(valid_until)s之后，或待原通行证撤销后再申请。"),
                "valid_from",
                {"plate": plate, "number": permit.number, "valid_from": permit.valid_from.isoformat(),
                 "valid_until": permit.valid_until.isoformat()})


# --- The request and its evaluation --------------------------------------------------------


@dataclass(frozen=True)
class PermitRequest:
    plate: str
    driver_name: str
    driver_id_number: str
    zones: tuple[Zone, ...]
    windows: tuple[Window, ...]
    valid_from: date
    valid_until: date

    @property
    def days(self) -> int:
        return validity_days(self.valid_from, self.valid_until)


@dataclass(frozen=True)
class Finding:
    """One failing condition (or one reason for a clerk's review), with what to do about it."""

    code: str
    message: str  # a Message: the Chinese text that keeps its template
    remedy: str = ""

    def as_dict(self) -> dict:
        """The finding as stored: the Chinese texts, and each as a message to show in English."""
        return {"code": self.code, "message": self.message, "remedy": self.remedy,
                "localizable": {"message": to_data(self.message), "remedy": to_data(self.remedy)}}

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        texts = data.get("localizable") or {}
        return cls(data["code"], from_data(texts.get("message", data["message"])),
                   from_data(texts.get("remedy", data.get("remedy", ""))))


class Outcome(StrEnum):
    APPROVE = "approve"  # all checks pass: approved at once by the system
    REFUSE = "refuse"  # at least one check fails: refused by the system with every reason
    REVIEW = "review"  # passes, but a rule routes it to a clerk of the traffic brigade


@dataclass(frozen=True)
class Evaluation:
    reasons: tuple[Finding, ...] = ()  # failing conditions: refusal
    review: tuple[Finding, ...] = ()  # reasons for a clerk's review

    @property
    def outcome(self) -> Outcome:
        if self.reasons:
            return Outcome.REFUSE
        return Outcome.REVIEW if self.review else Outcome.APPROVE

    def as_dict(self) -> dict:
        return {"outcome": self.outcome.value, "reasons": [f.as_dict() for f in self.reasons],
                "review": [f.as_dict() for f in self.review]}


def is_truck(vehicle: VehicleRecord) -> bool:
    return any(marker in vehicle.vehicle_type for marker in TRUCK_TYPE_MARKERS)


def vehicle_class(vehicle: VehicleRecord) -> str:
    if vehicle.energy == NEW_ENERGY:
        return "new_energy"
    return "refrigerated" if vehicle.refrigerated else "ordinary"


def _emission_ok(vehicle: VehicleRecord, zone: Zone) -> bool:
    return vehicle.energy == NEW_ENERGY or vehicle.emission_standard in zone.emission_standards


def peak_conflicts(windows: Sequence[Window], zones: Sequence[Zone]) -> list[tuple[Zone, list[Window]]]:
    """For each restricted zone, the peak windows the requested windows run into."""
    requested = frozenset().union(*(w.minutes() for w in windows)) if windows else frozenset()
    conflicts = []
    for zone in zones:
        if not zone.restricted:
            continue
        hit = [peak for peak in zone.peak_hours if peak.minutes() & requested]
        if hit:
            conflicts.append((zone, hit))
    return conflicts


DRIVER_STATUS_NAMES = {"suspended": N_("暂扣"), "revoked": N_("吊销"), "cancelled": N_("注销"), "expired": N_("逾期未换证")}
UNHANDLED_REMEDY = N_("请通过“交管12123”或到交警大队处理完毕后重新申请。")


def evaluate(
    request: PermitRequest,
    *,
    vehicle: VehicleRecord,
    driver: DriverRecord,
    applicant_ids: Iterable[str],
    vehicle_violations: Sequence[ViolationRecord],
    driver_violations: Sequence[ViolationRecord],
    driver_pending_accidents: int,
) -> Evaluation:
    """Every check at once; every failing reason, never just the first.

    A vehicle not registered to the applicant gets that reason only: nothing else about
    someone else's vehicle is disclosed. Accidents: the accident registry records parties,
    not vehicles, so a pending accident case (determination not yet served) of the driver
    sends the request to a clerk rather than refusing it (the party may not be at fault).
    """
    reasons: list[Finding] = []
    review: list[Finding] = []
    plate = request.plate
    if vehicle.owner_id not in set(applicant_ids):
        reasons.append(Finding(
            "vehicle.not_owned",
            Message(N_("号牌%(plate)s的机动车登记所有人不是申请人，只能为登记在本人（本单位）名下的货车申请通行证。"),
                    {"plate": plate}),
            Message(N_("请使用登记在申请人名下的车辆申请；车辆已转让的，请先办理转移登记。"))))
    else:
        _vehicle_checks(request, vehicle, vehicle_violations, reasons, review)
    _driver_checks(request, driver, driver_violations, reasons)
    if driver_pending_accidents:
        review.append(Finding(
            "review.accident_pending",
            Message(N_("驾驶人有%(n)s起尚未处理完毕的交通事故（事故认定书尚未送达），需交警大队人工核查。"),
                    {"n": driver_pending_accidents})))
    if request.days > CLERK_REVIEW_OVER_DAYS:
        review.append(Finding(
            "review.long_validity",
            Message(N_("申请有效期为%(days)s日，超过%(limit)s日的由交警大队人工审核。"),
                    {"days": request.days, "limit": CLERK_REVIEW_OVER_DAYS})))
    return Evaluation(tuple(reasons), tuple(review))


def _vehicle_checks(request, vehicle, violations, reasons: list[Finding], review: list[Finding]) -> None:
    if not is_truck(vehicle):
        reasons.append(Finding("vehicle.not_truck",
                               Message(N_("该车辆类型为%(type)s，不属于货车，无需也不能办理货车通行证。"),
                                       {"type": vehicle.vehicle_type}),
                               Message(N_("请为货车申请通行证。"))))
    if vehicle.scrapped:
        reasons.append(Finding("vehicle.scrapped", Message(N_("该车辆已达到报废标准或已注销登记，不得上道路行驶。")),
                               Message(N_("请更换符合条件的车辆后重新申请。"))))
    until = vehicle.inspection_valid_until
    if until < request.valid_from:
        reasons.append(Finding("vehicle.inspection_expired",
                               Message(N_("车辆检验有效期至%(until)s，已过期。"), {"until": f"{until:%Y-%m-%d}"}),
                               Message(N_("请到机动车安全技术检验机构检验合格后重新申请。"))))
    elif until < request.valid_until:
        reasons.append(Finding(
            "vehicle.inspection_expired",
            Message(N_("车辆检验有效期至%(until)s，早于申请的通行证有效期截止日%(end)s。"),
                    {"until": f"{until:%Y-%m-%d}", "end": f"{request.valid_until:%Y-%m-%d}"}),
            Message(N_("请检验合格后重新申请，或将有效期截止日改为%(until)s或之前。"), {"until": f"{until:%Y-%m-%d}"})))
    for zone in request.zones:
        if not _emission_ok(vehicle, zone):
            reasons.append(Finding(
                "vehicle.emission",
                Message(N_("车辆排放标准为%(standard)s，%(zone)s仅允许%(allowed)s及新能源货车通行。"),
                        {"standard": vehicle.emission_standard, "zone": zone.name,
                         "allowed": list(zone.emission_standards)}),
                Message(N_("请选择允许该排放标准车辆通行的区域，或使用符合排放标准的车辆。"))))
    access = PEAK_ACCESS[vehicle_class(vehicle)]
    for zone, peaks in peak_conflicts(request.windows, request.zones):
        if access == PeakAccess.REFUSED:
            reasons.append(Finding(
                "windows.peak",
                Message(N_("所填通行时段与%(zone)s高峰禁行时段（%(peaks)s）重叠，普通燃油货车高峰时段不得通行。"),
                        {"zone": zone.name, "peaks": [w.text for w in peaks]}),
                Message(N_("请调整通行时段避开高峰时段（新能源货车可在高峰时段通行）。"))))
        elif access == PeakAccess.REVIEW:
            review.append(Finding(
                "review.extended_window",
                Message(N_("冷藏车申请在%(zone)s高峰时段（%(peaks)s）通行（延长通行时段），需交警大队人工审核。"),
                        {"zone": zone.name, "peaks": [w.text for w in peaks]})))
    if violations:
        reasons.append(Finding("vehicle.violations",
                               Message(N_("该车辆有%(n)s起未处理的交通违法记录。"), {"n": len(violations)}),
                               Message(UNHANDLED_REMEDY)))


def _driver_checks(request, driver, violations, reasons: list[Finding]) -> None:
    if driver.status != "valid":
        status = DRIVER_STATUS_NAMES.get(driver.status, driver.status)
        reasons.append(Finding("driver.licence_status",
                               Message(N_("驾驶人的驾驶证状态为“%(status)s”，不能驾驶机动车。"), {"status": status}),
                               Message(N_("请待驾驶证恢复正常状态后重新申请，或更换驾驶人。"))))
    until = driver.licence_valid_until
    if until < request.valid_from:
        reasons.append(Finding("driver.licence_expired",
                               Message(N_("驾驶人的驾驶证有效期至%(until)s，已过期。"), {"until": f"{until:%Y-%m-%d}"}),
                               Message(N_("请驾驶人办理驾驶证换证后重新申请，或更换驾驶人。"))))
    elif until < request.valid_until:
        reasons.append(Finding(
            "driver.licence_expired",
            Message(N_("驾驶人的驾驶证有效期至%(until)s，早于申请的通行证有效期截止日%(end)s。"),
                    {"until": f"{until:%Y-%m-%d}", "end": f"{request.valid_until:%Y-%m-%d}"}),
            Message(N_("请驾驶人换证后重新申请，或将有效期截止日改为%(until)s或之前。"), {"until": f"{until:%Y-%m-%d}"})))
    if violations:
        reasons.append(Finding("driver.violations",
                               Message(N_("驾驶人有%(n)s起未处理的交通违法记录。"), {"n": len(violations)}),
                               Message(UNHANDLED_REMEDY)))


REGISTRY_SOURCES = N_("机动车登记信息；机动车驾驶证信息；交通违法信息；道路交通事故信息（公安交通管理）")


def registry_check(evaluation: Evaluation, *, plate: str, driver: str) -> RegistryCheck:
    """The vehicle and driver checked again as of now: each failing condition, each reason a
    clerk reviews it, or that everything passes."""
    findings = [CheckFinding(N_("不符合核发条件"), N_("%(text)s"), Tone.BAD, {"text": f.message})
                for f in evaluation.reasons]
    findings += [CheckFinding(N_("须人工审核"), N_("%(text)s"), Tone.NOTE, {"text": f.message})
                 for f in evaluation.review]
    if evaluation.reasons:
        conclusion, tone = N_("复核不符合核发条件：不能核发，请作出不予许可决定并写明上述理由。"), Tone.BAD
    elif evaluation.review:
        conclusion, tone = N_("各项核验均符合核发条件；上述情形请审核后决定。"), Tone.NOTE
    else:
        findings.append(CheckFinding(N_("号牌%(plate)s，驾驶人%(driver)s"), N_("机动车、驾驶证、交通违法和事故信息均符合"),
                                     Tone.OK, {"plate": plate, "driver": driver}))
        conclusion, tone = N_("全部符合核发条件。"), Tone.OK
    return RegistryCheck(REGISTRY_SOURCES, tuple(findings), conclusion, tone)


def numbered(findings: Sequence[Finding]) -> str:
    return "；".join(f"{index}. {finding.message.rstrip('。')}" for index, finding in enumerate(findings, 1)) + "。"


def refusal_text(findings: Sequence[Finding]) -> str:
    """The whole written reason of a refusal: every failing condition, then every remedy."""
    remedies = list(dict.fromkeys(f.remedy for f in findings if f.remedy))
    text = f"经与机动车、驾驶人及交通违法信息比对，不符合核发条件的情形共{len(findings)}项：{numbered(findings)}"
    if remedies:
        text += "整改办法：" + "；".join(r.rstrip("。") for r in remedies) + "。"
    return text + "符合条件后可重新在线申请，系统即时核验。"


def revocation_text(vehicle_violations: int, driver_violations: int) -> str:
    parts = []
    if vehicle_violations:
        parts.append(f"车辆新增{vehicle_violations}起未处理的交通违法记录")
    if driver_violations:
        parts.append(f"驾驶人新增{driver_violations}起未处理的交通违法记录")
    return "，".join(parts) + "，不再符合通行证核发条件，通行证自动撤销。处理完毕后可重新申请。"


# --- Roadside check -------------------------------------------------------------------------


class PermitStatus(StrEnum):
    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


PERMIT_STATUS_NAMES = {PermitStatus.VALID: N_("有效"), PermitStatus.NOT_YET_VALID: N_("尚未生效"),
                       PermitStatus.EXPIRED: N_("已过期"), PermitStatus.REVOKED: N_("已撤销")}


def permit_status(valid_from: date, valid_until: date, revoked_at: datetime | None, now: datetime) -> PermitStatus:
    """Valid from 00:00 of the first day to 24:00 of the last day, local time."""
    if revoked_at is not None and revoked_at <= now:
        return PermitStatus.REVOKED
    today = now.astimezone(SHANGHAI).date()
    if today < valid_from:
        return PermitStatus.NOT_YET_VALID
    if today > valid_until:
        return PermitStatus.EXPIRED
    return PermitStatus.VALID


@dataclass(frozen=True)
class WindowNow:
    inside: bool
    current: Window | None
    next_start: str | None  # "17:00" today/tomorrow, when not inside


def window_now(windows: Sequence[Window], now: datetime) -> WindowNow:
    local = now.astimezone(SHANGHAI)
    minute = local.hour * 60 + local.minute
    for window in windows:
        if window.contains(minute):
            return WindowNow(True, window, None)
    if not windows:
        return WindowNow(False, None, None)
    upcoming = min(windows, key=lambda w: (w.start - minute) % MINUTES_PER_DAY)
    return WindowNow(False, None, _hhmm(upcoming.start))


class TruckPermitFiling(FilingModel):
    """The request: the vehicle, its driver, where and when it drives, for how long."""

    plate: Annotated[Text(12), rule(validate_plate)]
    driver_name: Text(60)
    driver_id_number: Text(18)
    zones: Annotated[list[Literal[tuple(ZONES)]], Field(min_length=1, max_length=len(ZONES)),
                     rule(parse_zones, normalises=False)]
    windows: Annotated[Text(100) | Annotated[list[Text(11)], Field(min_length=1, max_length=MAX_WINDOWS_PER_DAY)],
                       rule(parse_windows, normalises=False),
                       Field(description="daily windows HH:MM-HH:MM (22:00-06:00 crosses midnight), at most 4, "
                                         "not overlapping, together at least 6 hours")]
    valid_from: date = Field(description="today to 30 days ahead")
    valid_until: date = Field(description="1 to 365 days in all")

    missing_messages = {"zones": ("zones.missing", N_("请选择至少一个通行区域。"))}


FILING = TruckPermitFiling
