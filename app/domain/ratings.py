"""好差评 — rating a handled matter (国办发〔2019〕51号; RULES.md).

Pure rules: which matters may be rated and when, what a rating holds, what a call-back record
must say before a bad rating's rectification work order may be closed, which ratings may be
set aside as mistaken or malicious, and the figures the supervisor sees. No Flask, no database:
callers pass plain values.

- One rating per handled matter, five levels; 不满意 and 非常不满意 are bad ratings and open a
  rectification work order (`app.domain.catalogue.rating_rectification`, 15 working days).
- Every real-name bad rating is called back (回访): a work order cannot be closed without a
  call-back record. (Every account here is real-name, so every bad rating is called back.)
- A supervisor may set a rating aside as mistaken (误评) or malicious (恶意差评) with a reason:
  the rating is kept as given and only left out of the figures.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from app.domain.catalogue import rating_rectification as rectification
from app.domain.catalogue.base import Service, Step
from app.domain.text import N_
from app.domain.workflow import State

COMMENT_MAX = 500
FLAG_REASON_MAX = 1000
CALLBACK_SUMMARY_MAX = 2000
MEASURES_MAX = 2000
# The work order itself is not rated (a rating of the rating's follow-up would loop).
RECTIFICATION_SERVICE = rectification.CODE


class Level(StrEnum):
    """The five levels, best first."""

    VERY_SATISFIED = "very_satisfied"  # 非常满意
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意
    VERY_DISSATISFIED = "very_dissatisfied"  # 非常不满意


LEVELS = tuple(Level)
LEVEL_NAMES = {
    Level.VERY_SATISFIED: N_("非常满意"),
    Level.SATISFIED: N_("满意"),
    Level.BASICALLY_SATISFIED: N_("基本满意"),
    Level.DISSATISFIED: N_("不满意"),
    Level.VERY_DISSATISFIED: N_("非常不满意"),
}
LEVEL_NAMES_EN = {
    Level.VERY_SATISFIED: "Very satisfied",
    Level.SATISFIED: "Satisfied",
    Level.BASICALLY_SATISFIED: "Fairly satisfied",
    Level.DISSATISFIED: "Dissatisfied",
    Level.VERY_DISSATISFIED: "Very dissatisfied",
}
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class Flag(StrEnum):
    """Why a rating is left out of the figures (the rating itself is kept)."""

    MISTAKEN = "mistaken"  # 误评：评价人操作失误或评价对象错误
    MALICIOUS = "malicious"  # 恶意差评：与办事无关、借机要挟、辱骂等


FLAG_NAMES = {Flag.MISTAKEN: N_("误评"), Flag.MALICIOUS: N_("恶意差评")}


class RatingRefused(ValueError):
    """A refusal for the user: a stable code, a Chinese message (marked), the field at fault."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status


# --- when a matter may be rated ----------------------------------------------------------------

# A matter has ended when the office has given its last word: issued, refused, not accepted,
# closed for an unanswered correction, or revoked. `approved` ends a matter only for services
# with nothing to issue afterwards. A withdrawn application was never handled to its end, so
# there is nothing to rate (the applicant stopped it).
ENDED_STATES = frozenset({State.ISSUED, State.REJECTED, State.NOT_ACCEPTED, State.CLOSED, State.REVOKED})


def matter_ended(service: Service, state: State | str) -> bool:
    state = State(state)
    if state == State.APPROVED:
        return not service.has(Step.ISSUE)
    return state in ENDED_STATES


def ratable(service: Service, state: State | str) -> bool:
    return service.code != RECTIFICATION_SERVICE and matter_ended(service, state)


def is_bad(level: Level | str) -> bool:
    return Level(level) in BAD_LEVELS


def check_rating(service: Service, state: State | str, level: object, comment: object, *,
                 already_rated: bool) -> tuple[Level, str]:
    """The rating as recorded (level, trimmed comment), or a refusal."""
    if service.code == RECTIFICATION_SERVICE:
        raise RatingRefused("rating.not_ratable", N_("差评整改工单不参与评价。"), status=409)
    if already_rated:
        raise RatingRefused("rating.already_rated", N_("该办件已经评价过，每件事项只能评价一次。"), status=409)
    if not matter_ended(service, state):
        raise RatingRefused("rating.not_ended", N_("该事项尚未办结，办结后才能评价。"), status=409)
    try:
        chosen = Level(level)
    except ValueError:
        raise RatingRefused("rating.level", N_("请选择评价等级。"), "level") from None
    text = comment.strip() if isinstance(comment, str) else ""
    if len(text) > COMMENT_MAX:
        raise RatingRefused("rating.comment_too_long", N_("评价内容不能超过500字。"), "comment")
    return chosen, text


# --- flags --------------------------------------------------------------------------------------


def check_flag(flag: object, reason: object, *, already_flagged: bool) -> tuple[Flag, str]:
    if already_flagged:
        raise RatingRefused("rating.already_flagged", N_("该评价已经甄别过。"), status=409)
    try:
        chosen = Flag(flag)
    except ValueError:
        raise RatingRefused("flag.kind", N_("请选择甄别结论（误评或恶意差评）。"), "flag") from None
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise RatingRefused("flag.reason", N_("请写明甄别理由。"), "reason")
    if len(text) > FLAG_REASON_MAX:
        raise RatingRefused("flag.reason_too_long", N_("甄别理由不能超过1000字。"), "reason")
    return chosen, text


# --- the call-back and the fix ------------------------------------------------------------------


@dataclass(frozen=True)
class Callback:
    """回访记录 and 整改措施, as recorded on the work order's closing event."""

    callback_date: date
    contact_made: bool
    summary: str
    measures: str

    def as_payload(self) -> dict:
        return {"callback_date": self.callback_date.isoformat(), "callback_contact_made": self.contact_made,
                "callback_summary": self.summary, "measures": self.measures}


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "1", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "0", "n"):
        return False
    return None


def check_callback(fields: dict, *, rated_on: date, today: date) -> Callback:
    """A work order closes only with a call-back record (date, whether the rater was reached,
    what was said) and the rectification measures."""
    when = _as_date(fields.get("callback_date"))
    if when is None:
        raise RatingRefused("callback.missing", N_("须先回访评价人并登记回访日期，才能办结差评整改工单。"),
                            "callback_date")
    if when < rated_on or when > today:
        raise RatingRefused("callback.date", N_("回访日期应在评价之日至今天之间。"), "callback_date")
    contact = _as_bool(fields.get("callback_contact_made"))
    if contact is None:
        raise RatingRefused("callback.contact", N_("请选择是否已联系到评价人。"), "callback_contact_made")
    summary = str(fields.get("callback_summary") or "").strip()
    if not summary:
        raise RatingRefused("callback.summary", N_("请填写回访情况。"), "callback_summary")
    measures = str(fields.get("measures") or "").strip()
    if not measures:
        raise RatingRefused("callback.measures", N_("请填写整改措施（无需整改的，写明核实情况和理由）。"), "measures")
    if len(summary) > CALLBACK_SUMMARY_MAX or len(measures) > MEASURES_MAX:
        raise RatingRefused("callback.too_long", N_("回访情况和整改措施各不能超过2000字。"), "measures")
    return Callback(when, contact, summary, measures)


# --- figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRecord:
    level: Level
    service_code: str
    unit_id: int
    flagged: bool = False


@dataclass(frozen=True)
class Figures:
    """Ratings that count (flagged ones are only counted in `excluded`).

    满意率 (satisfaction rate) = ratings at 基本满意 or better / counted ratings;
    差评 = 不满意 + 非常不满意. Rates are exact fractions; None when nothing counts."""

    counts: dict[Level, int]
    excluded: int

    @property
    def counted(self) -> int:
        return sum(self.counts.values())

    @property
    def bad(self) -> int:
        return sum(self.counts[level] for level in BAD_LEVELS)

    @property
    def satisfied(self) -> int:
        return self.counted - self.bad

    @property
    def satisfaction_rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.counted) if self.counted else None

    @property
    def bad_rate(self) -> Fraction | None:
        return Fraction(self.bad, self.counted) if self.counted else None

    def as_dict(self) -> dict:
        def percent(value: Fraction | None) -> float | None:
            return None if value is None else round(float(value) * 100, 1)

        return {
            "counts": {level.value: self.counts[level] for level in LEVELS},
            "counted": self.counted, "excluded": self.excluded, "bad": self.bad,
            "satisfaction_rate": percent(self.satisfaction_rate), "bad_rate": percent(self.bad_rate),
        }


def figures(records: Iterable[RatingRecord]) -> Figures:
    counts: Counter[Level] = Counter()
    excluded = 0
    for record in records:
        if record.flagged:
            excluded += 1
        else:
            counts[Level(record.level)] += 1
    return Figures(counts={level: counts[level] for level in LEVELS}, excluded=excluded)


def figures_by(records: Iterable[RatingRecord], key: Callable[[RatingRecord], Hashable]) -> dict:
    """Figures per group (e.g. per service: key=lambda r: r.service_code)."""
    groups: dict = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return {group: figures(items) for group, items in groups.items()}
