"""Calendar arithmetic for relative dates. Weeks start on Monday (下周三 = Wednesday of next week)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6, "末": 5}
WEEKDAY_CHARS.update({str(n): n - 1 for n in range(1, 8)})


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (1月31日 + 1个月 = 2月28日)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def first_of_month(day: date, months_ahead: int = 0) -> date:
    return add_months(day.replace(day=1), months_ahead)


def weekday_in_week(today: date, weekday: int, weeks_ahead: int) -> date:
    """`weekday` (0 = Monday) of the calendar week `weeks_ahead` weeks from today's week."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * weeks_ahead + weekday)


def next_weekday(today: date, weekday: int) -> date:
    """The coming `weekday`, today included (周五 said on a Friday is today)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def upcoming_month_day(today: date, month: int, day: int, past_grace_days: int = 30) -> date | None:
    """12月8日 without a year: this year's, or next year's when this year's is long gone.

    A date up to `past_grace_days` ago stays in the past (the caller reports it) rather than
    jumping a year ahead: "12月8日前" written on 12月20日 is a missed deadline, not next December;
    written in January it is the coming December.
    29 Feb without a year takes the next year that has one.
    """
    this_year = safe_date(today.year, month, day)
    if this_year is None and not (month == 2 and day == 29):
        return None
    if this_year is not None and (this_year >= today or (today - this_year).days <= past_grace_days):
        return this_year
    for year in range(today.year + 1, today.year + 9):
        found = safe_date(year, month, day)
        if found is not None:
            return found
    return None


def upcoming_day_of_month(today: date, day: int) -> date | None:
    """10号: this month's 10th, or next month's once it has passed (skipping months without it)."""
    if not 1 <= day <= 31:
        return None
    for months in range(0, 3):
        first = first_of_month(today, months)
        found = safe_date(first.year, first.month, day)
        if found is not None and found >= today:
            return found
    return None
