"""How far back and ahead a date may plausibly lie: one rule for money dates, signing dates and reminders.

Commands, free text and corrections all reach the same use cases, and those call `check` before writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class Horizon:
    """Dates from `years_back` years before today to `years_ahead` years after today are plausible."""

    years_back: int
    years_ahead: int
    zh: str
    en: str


# Payments, milestones; contract signing dates; reminders and next steps.
MONEY = Horizon(10, 5, "过去十年到未来五年之间", "from ten years ago to five years ahead")
SIGNING = Horizon(10, 1, "过去十年到未来一年之间", "from ten years ago to one year ahead")
REMINDER = Horizon(0, 2, "今后两年之内", "within the next two years")


class DateOutOfRange(DomainError):
    zh = "{what}日期 {day} 不合理：应在{window}（{start} 至 {end}）。请写成 2026-12-15 这样的日期。"
    en = ("The {what_en} date {day} is implausible: it must lie {window_en} ({start} to {end}). "
          "Write it like 2026-12-15.")


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def window(horizon: Horizon, today: date) -> tuple[date, date]:
    """The first and last plausible day, both inclusive."""
    return _shift(today, -horizon.years_back), _shift(today, horizon.years_ahead)


def check(value: date | datetime, today: date, horizon: Horizon, what: str, what_en: str) -> None:
    """Raise DateOutOfRange (zh/en, naming the window) when `value` lies outside `horizon` around `today`."""
    day = value.date() if isinstance(value, datetime) else value
    start, end = window(horizon, today)
    if not start <= day <= end:
        raise DateOutOfRange(what=what, what_en=what_en, day=day.isoformat(), window=horizon.zh,
                             window_en=horizon.en, start=start.isoformat(), end=end.isoformat())
