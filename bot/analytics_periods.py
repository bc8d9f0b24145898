"""Period words of questions and commands (这个月, 上个月, 本季度, Q4, 2026Q4, 2027-01, this quarter, ...)
resolved against today's date into domain.analytics.Period, and periods written back for an answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from domain.analytics import Period
from domain.errors import DomainError

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


class UnknownPeriod(DomainError):
    zh = "看不懂时间段「{text}」。可以写：今天、本周、这个月、上个月、本季度、Q4、2026Q4、2027-01、今年。"
    en = ("Could not read the period '{text}'. Write e.g. today, this week, this month, last month, "
          "this quarter, Q4, 2026Q4, 2027-01, this year.")


def _shift_month(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


_NAMED: dict[str, Callable[[date], Period]] = {
    "今天": Period.day, "today": Period.day,
    "本周": Period.week, "这周": Period.week, "这个星期": Period.week, "thisweek": Period.week,
    "上周": lambda d: Period.week(d - timedelta(days=7)), "lastweek": lambda d: Period.week(d - timedelta(days=7)),
    "这个月": Period.month, "本月": Period.month, "thismonth": Period.month,
    "上个月": lambda d: Period.month(_shift_month(d, -1)), "上月": lambda d: Period.month(_shift_month(d, -1)),
    "lastmonth": lambda d: Period.month(_shift_month(d, -1)),
    "下个月": lambda d: Period.month(_shift_month(d, 1)), "下月": lambda d: Period.month(_shift_month(d, 1)),
    "nextmonth": lambda d: Period.month(_shift_month(d, 1)),
    "这个季度": Period.quarter, "本季度": Period.quarter, "本季": Period.quarter, "thisquarter": Period.quarter,
    "上个季度": lambda d: Period.quarter(_shift_month(d, -3)), "上季度": lambda d: Period.quarter(_shift_month(d, -3)),
    "lastquarter": lambda d: Period.quarter(_shift_month(d, -3)),
    "下个季度": lambda d: Period.quarter(_shift_month(d, 3)), "下季度": lambda d: Period.quarter(_shift_month(d, 3)),
    "nextquarter": lambda d: Period.quarter(_shift_month(d, 3)),
    "今年": Period.year, "全年": Period.year, "thisyear": Period.year,
    "去年": lambda d: Period.year(date(d.year - 1, 1, 1)), "lastyear": lambda d: Period.year(date(d.year - 1, 1, 1)),
    "明年": lambda d: Period.year(date(d.year + 1, 1, 1)), "nextyear": lambda d: Period.year(date(d.year + 1, 1, 1)),
}
_QUARTER = re.compile(r"^(?:(\d{4})年?)?(?:q(\d)|第?([一二三四1-4])季度)$|^q(\d)(\d{4})$")
_MONTH = re.compile(r"^(?:(\d{4})(?:年|-|/|\.))?(\d{1,2})(?:月份?)?$")
_YEAR = re.compile(r"^(\d{4})年?$")


def resolve_period(text: str, today: date, *, future: bool = False) -> Period | None:
    """The period `text` names (None when it is empty). A quarter or month written without a year is the
    latest one that has begun (`future`: the next one not yet over, for targets). Raises UnknownPeriod."""
    key = re.sub(r"\s+", "", text).lower().removeprefix("in")
    if not key:
        return None
    if key in _NAMED:
        return _NAMED[key](today)
    if (found := _QUARTER.match(key)) is not None:
        return _quarter(found, today, future, text)
    if (found := _YEAR.match(key)) is not None and 2000 <= int(found.group(1)) <= 2100:
        return Period.year(date(int(found.group(1)), 1, 1))
    if (found := _MONTH.match(key)) is not None and (key.endswith(("月", "份")) or found.group(1)):
        month = int(found.group(2))
        if not 1 <= month <= 12:
            raise UnknownPeriod(text=text)
        year = int(found.group(1)) if found.group(1) else _year_of(date(today.year, month, 1), today, 1, future)
        return Period.month(date(year, month, 1))
    raise UnknownPeriod(text=text)


def _quarter(found: re.Match[str], today: date, future: bool, text: str) -> Period:
    year_text, number = found.group(1) or found.group(5), found.group(2) or found.group(3) or found.group(4)
    quarter = _CN_DIGITS.get(number) or int(number)
    if not 1 <= quarter <= 4:
        raise UnknownPeriod(text=text)
    start = date(int(year_text) if year_text else today.year, 3 * quarter - 2, 1)
    if not year_text:
        start = start.replace(year=_year_of(start, today, 3, future))
    return Period.quarter(start)


def _year_of(start: date, today: date, months: int, future: bool) -> int:
    """This year's month / quarter starting at `start`, or the year before (not begun yet) / after (over)."""
    if future:
        return start.year + 1 if _shift_month(start, months) <= today else start.year
    return start.year - 1 if start > today else start.year


def period_label(period: Period, locale: str) -> str:
    """2026年12月 / December 2026; 2026年第4季度 / Q4 2026; 2026年 / 2026; days and weeks as dates."""
    start, last = period.start, period.end - timedelta(days=1)
    en = locale == "en"
    if period.kind == "month":
        return f"{_MONTHS_EN[start.month - 1]} {start.year}" if en else f"{start.year}年{start.month}月"
    if period.kind == "quarter":
        quarter = (start.month - 1) // 3 + 1
        return f"Q{quarter} {start.year}" if en else f"{start.year}年第{quarter}季度"
    if period.kind == "year":
        return str(start.year) if en else f"{start.year}年"
    if start == last:
        return f"{start.day} {_MONTHS_EN[start.month - 1][:3]} {start.year}" if en else \
            f"{start.year}年{start.month}月{start.day}日"
    return period_range(period, locale)


def period_range(period: Period, locale: str) -> str:
    """The first and last day: 2026-12-01 至 2026-12-31 / 2026-12-01 – 2026-12-31."""
    last = period.end - timedelta(days=1)
    return f"{period.start.isoformat()} – {last.isoformat()}" if locale == "en" else \
        f"{period.start.isoformat()} 至 {last.isoformat()}"
