"""Resolved dates read back to the rep so a wrong guess is caught: 下周三(12月2日) 10:00 / next Wed (2 Dec) 10:00."""

from __future__ import annotations

from datetime import date, datetime

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NEAR_DAYS = {-1: "昨天", 0: "今天", 1: "明天", 2: "后天"}
_NEAR_DAYS_EN = {-1: "yesterday", 0: "today", 1: "tomorrow"}


def relative_zh(day: date, today: date) -> str:
    """明天 / 下周三 / 下下周三 as a rep would say it, or "" when no short word fits."""
    offset = (day - today).days
    if offset in _NEAR_DAYS:
        return _NEAR_DAYS[offset]
    prefix = {-1: "上周", 0: "本周", 1: "下周", 2: "下下周"}.get(_weeks_apart(day, today))
    return prefix + _WEEKDAYS_ZH[day.weekday()] if prefix else ""


def relative_en(day: date, today: date) -> str:
    """tomorrow / next Wed / Wed after next as a rep would say it, or "" when no short phrase fits."""
    offset = (day - today).days
    if offset in _NEAR_DAYS_EN:
        return _NEAR_DAYS_EN[offset]
    weekday = _WEEKDAYS_EN[day.weekday()]
    return {-1: f"last {weekday}", 0: f"this {weekday}", 1: f"next {weekday}", 2: f"{weekday} after next"}.get(
        _weeks_apart(day, today), "")


def _weeks_apart(day: date, today: date) -> int:
    """Calendar weeks (Monday to Sunday) from today's week to day's: 0 this week, 1 next week, -1 last."""
    return ((day.toordinal() - day.weekday()) - (today.toordinal() - today.weekday())) // 7


def describe_when(value: date | datetime, now: datetime, locale: str = "zh") -> str:
    """A resolved date or time, relative to `now` where that helps (zh), with the calendar date."""
    moment = value
    if isinstance(value, datetime) and value.tzinfo is not None and now.tzinfo is not None:
        moment = value.astimezone(now.tzinfo)
    day = moment.date() if isinstance(moment, datetime) else moment
    clock = f" {moment:%H:%M}" if isinstance(moment, datetime) else ""
    today = now.date()
    if locale == "en":
        year = f" {day.year}" if day.year != today.year else ""
        written = f"{day.day} {_MONTHS_EN[day.month - 1]}{year}"
        label = relative_en(day, today)
        if label in _NEAR_DAYS_EN.values():
            return f"{label} ({_WEEKDAYS_EN[day.weekday()]} {written}){clock}"
        return f"{label} ({written}){clock}" if label else f"{_WEEKDAYS_EN[day.weekday()]} {written}{clock}"
    year = f"{day.year}年" if day.year != today.year else ""
    written = f"{year}{day.month}月{day.day}日"
    label = relative_zh(day, today)
    return f"{label}({written}){clock}" if label else f"{written}{clock}"
