"""Dates and numbers as the health reasons say them, zh and en (no locale-dependent strftime)."""

from __future__ import annotations

from datetime import date, datetime

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: date) -> tuple[str, str]:
    """("10月12日", "Oct 12")."""
    return f"{day.month}月{day.day}日", f"{MONTHS_EN[day.month - 1]} {day.day}"


def num(value: float) -> str:
    """Whole numbers plainly, others with one decimal: 3, 2.5."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _year(moment: datetime, now: datetime) -> tuple[str, str]:
    year = moment.astimezone(now.tzinfo).year
    if year == now.year:
        return "今年", "this year"
    if year == now.year - 1:
        return "去年", "last year"
    return f"{year}年", f"in {year}"


def years_words(first: datetime, second: datetime, now: datetime) -> tuple[tuple[str, str], tuple[str, str]]:
    """Each moment's year said relative to `now`: (("去年", "last year"), ("今年", "this year"))."""
    return _year(first, now), _year(second, now)
