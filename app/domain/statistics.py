"""Figures a supervisor answers for: on-time rate, working days to decide, deemed
acceptances, overdue items — per service, over a period. Pure: rows in, figures out."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.calendar import WorkCalendar


@dataclass(frozen=True)
class DecidedRow:
    """One decision. `statutory_due_at`: the limit in force when it was taken, as the clocks derive
    it from the event log (an extension granted after the limit had passed never counts there)."""

    service_code: str
    accepted_as_of: datetime | None
    decided_at: datetime
    statutory_due_at: datetime | None
    deemed: bool


@dataclass
class ServiceFigures:
    service_code: str
    decided: int = 0
    on_time: int = 0
    deemed_acceptances: int = 0
    overdue_open: int = 0
    working_days: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """Share of decisions made within the statutory limit (None when nothing was decided)."""
        return self.on_time / self.decided if self.decided else None

    @property
    def average_working_days(self) -> float | None:
        return sum(self.working_days) / len(self.working_days) if self.working_days else None


def service_figures(
    decided: Iterable[DecidedRow], overdue_open: dict[str, int], *, calendar: WorkCalendar
) -> dict[str, ServiceFigures]:
    figures: dict[str, ServiceFigures] = {}
    for row in decided:
        entry = figures.setdefault(row.service_code, ServiceFigures(row.service_code))
        entry.decided += 1
        if row.statutory_due_at is None or row.decided_at <= row.statutory_due_at:
            entry.on_time += 1
        if row.deemed:
            entry.deemed_acceptances += 1
        if row.accepted_as_of is not None:
            entry.working_days.append(max(0, calendar.working_days_between(row.accepted_as_of, row.decided_at)))
    for code, count in overdue_open.items():
        figures.setdefault(code, ServiceFigures(code)).overdue_open = count
    return figures
