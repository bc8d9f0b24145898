"""Resolved dates read back to the rep so a wrong guess is caught: 下周三(12月2日) 10:00 / Wed 2 Dec 10:00."""

from __future__ import annotations

from datetime import date, datetime

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NEAR_DAYS = {-1: "昨天", 0: "今天", 1: "明天", 2: "后天"}


def relative_zh(day: date, today: date) -> str:
    """明天 / 下周三 / 下下周三 as a rep would say it, or "" when no short word fits."""
    offset = (day - today).days
    if offset in _NEAR_DAYS:
        return _NEAR_DAYS[offset]
    weeks = ((day.toordinal() - day.weekday()) - (today.toordinal() - today.weekday())) // 7
    prefix = {-1: "上周", 0: "本周", 1: "下周", 2: "下下周"}.get(weeks)
    return prefix + _WEEKDAYS_ZH[day.weekday()] if prefix else ""


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
        return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]}{year}{clock}"
    year = f"{day.year}年" if day.year != today.year else ""
    written = f"{year}{day.month}月{day.day}日"
    label = relative_zh(day, today)
    return f"{label}({written}){clock}" if label else f"{written}{clock}"
