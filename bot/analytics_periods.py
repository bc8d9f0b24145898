"""Period words of questions and commands (这个月, 上个月, 本季度, Q4, 2026Q4, 2027-01, this quarter, ...)
resolved against today's date into domain.analytics.Period, and periods written back for an answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from domain.analytics import Period
from domain.errors import DomainError

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
              "十二": 12}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
_MONTH_OF = {name.lower(): number for number, name in enumerate(_MONTHS_EN, start=1)}
MAX_DAYS = 366  # 近N天 / last N days


class UnknownPeriod(DomainError):
    zh = "看不懂时间段「{text}」。可以写：今天、本周、这个月、上个月、本季度、Q4、2026Q4、2027-01、今年。"
    en = ("Could not read the period '{text}'. Write e.g. today, this week, this month, last month, "
          "this quarter, Q4, 2026Q4, 2027-01, this year.")


class TwoPeriods(DomainError):
    zh = "写了两个时间段「{first}」和「{second}」，一次只能问一个。请只写其中一个，例如「{first}」。"
    en = "Two periods were given, '{first}' and '{second}'; ask about one at a time, e.g. '{first}'."


def one_period(words: Sequence[str], today: date) -> Period | None:
    """The one period `words` name (None when none); TwoPeriods when they name different ones."""
    periods = [(w, resolve_period(w, today)) for w in words]
    for word, period in periods[1:]:
        if period != periods[0][1]:
            raise TwoPeriods(first=periods[0][0], second=word)
    return periods[0][1] if periods else None


def _shift_month(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


_NAMED: dict[str, Callable[[date], Period]] = {
    "今天": Period.day, "today": Period.day,
    "昨天": lambda d: Period.day(d - timedelta(days=1)), "yesterday": lambda d: Period.day(d - timedelta(days=1)),
    "明天": lambda d: Period.day(d + timedelta(days=1)), "tomorrow": lambda d: Period.day(d + timedelta(days=1)),
    "后天": lambda d: Period.day(d + timedelta(days=2)),
    "下周": lambda d: Period.week(d + timedelta(days=7)), "nextweek": lambda d: Period.week(d + timedelta(days=7)),
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
_DAY = re.compile(r"^(?:(\d{4})(?:-|年))?(\d{1,2})(?:-|月)(\d{1,2})[日号]?$")
_HALF = re.compile(r"^(?:(\d{4})年?|(今年|去年|明年))?([上下])半年$|"
                   r"^(?:the)?(h1|h2|firsthalf|secondhalf)(?:of)?(\d{4})?$")
_LAST_DAYS = re.compile(r"^(?:近|最近|过去|last|past)(\d{1,3})(?:天|days)$")
_NAMED_MONTH = re.compile(r"^(?:(十二|十一|十|[一二三四五六七八九])月份?|(" + "|".join(_MONTH_OF) + r"))(\d{4})?$")
_YEAR_WORD = {"今年": 0, "去年": -1, "明年": 1}


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
    if (period := _other(key, today, future)) is not None:
        return period
    if (found := _MONTH.match(key)) is not None and (key.endswith(("月", "份")) or found.group(1)):
        return _month(int(found.group(1) or 0), int(found.group(2)), today, future, text)
    raise UnknownPeriod(text=text)


def _other(key: str, today: date, future: bool) -> Period | None:
    """A day (2026-11-15, 11月15日), a half year (上半年, H2 2026: custom), the last N days (custom, to
    today included) or a month by name (十二月, December)."""
    if (found := _DAY.match(key)) is not None and (found.group(1) or "月" in key):
        try:
            return Period.day(date(int(found.group(1) or today.year), int(found.group(2)), int(found.group(3))))
        except ValueError:
            raise UnknownPeriod(text=key) from None
    if (found := _HALF.match(key)) is not None:
        year = int(found.group(1) or found.group(5) or today.year + _YEAR_WORD.get(found.group(2) or "", 0))
        start = date(year, 1, 1) if (found.group(3) or "") == "上" or found.group(4) in ("h1", "firsthalf") \
            else date(year, 7, 1)
        return Period(start, _shift_month(start, 6), "custom")
    if (found := _LAST_DAYS.match(key)) is not None:
        days = int(found.group(1))
        if not 1 <= days <= MAX_DAYS:
            raise UnknownPeriod(text=key)
        return Period(today - timedelta(days=days - 1), today + timedelta(days=1), "custom")
    if (found := _NAMED_MONTH.match(key)) is not None:
        month = _CN_MONTHS[found.group(1)] if found.group(1) else _MONTH_OF[found.group(2)]
        return _month(int(found.group(3) or 0), month, today, future, key)
    return None


def _month(year: int, month: int, today: date, future: bool, text: str) -> Period:
    if not 1 <= month <= 12:
        raise UnknownPeriod(text=text)
    return Period.month(date(year or _year_of(date(today.year, month, 1), today, 1, future), month, 1))


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
    if start.day == 1 and start.month in (1, 7) and period.end == _shift_month(start, 6):
        half = 1 if start.month == 1 else 2
        return f"H{half} {start.year}" if en else f"{start.year}年{'上' if half == 1 else '下'}半年"
    if start == last:
        return f"{start.day} {_MONTHS_EN[start.month - 1][:3]} {start.year}" if en else \
            f"{start.year}年{start.month}月{start.day}日"
    return period_range(period, locale)


def period_range(period: Period, locale: str) -> str:
    """The first and last day: 2026-12-01 至 2026-12-31 / 2026-12-01 – 2026-12-31."""
    last = period.end - timedelta(days=1)
    if last == period.start:
        return period.start.isoformat()
    return f"{period.start.isoformat()} – {last.isoformat()}" if locale == "en" else \
        f"{period.start.isoformat()} 至 {last.isoformat()}"
