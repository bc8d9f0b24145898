"""The date resolver's entry points for commands and corrections (the rules are in bot.nlp.when).

- command_when: the date/time at the start of some command words, over as many words as it takes
  ("明天 下午3点", "2026-12-10 10:00", "next Friday", "下周二 下午"), read exactly as in free text.
- due_at: the moment a reminder is due for a resolved date: its own time of day, else the part of
  the day written (下午 -> 14:00), else 09:00.
- moved: a correction's new date/time applied to the old one (改成周四, change to Thursday, 改为下午3点).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from bot.nlp.problems import DateNotUnderstood, problem
from bot.nlp.text import rx
from bot.nlp.when import DEFAULT_TIME, PERIOD_TIMES, first_typed

MAX_WORDS = 4  # 2026-12-10 10:00 / 下周二 下午 3点 / next Friday 3pm
_ZH_WEEKDAY = rx(r"(?<![下本这這上])(?:周|週|星期|礼拜|禮拜)([一二三四五六日天七])")
_EN_WEEKDAY = rx(r"(?<!next )(?<!this )(?<!last )(?<!following )\b(mon|tue|wed|thu|fri|sat|sun)"
                 r"(?:day|s|sday|nesday|rsday|rs?|urday)?\b")
_ZH_DAYS = "一二三四五六日"
_DAY_WORDS = rx(r"[今明后後昨日号號月周週天]|星期|礼拜|禮拜|\d+[/-]\d+|today|tomorrow|day|mon|tue|wed|thu|fri|sat|sun|"
                r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|week")


class Typed(NamedTuple):
    words: int  # how many of the given words the date/time takes
    value: date | datetime  # a datetime when a time of day or a part of the day is written
    rest: str = ""  # what follows it inside its last word (明天发报价 -> 发报价)


def due_at(value: date | datetime, now: datetime, period: str = "") -> datetime:
    """When a reminder for `value` is due, in the zone of `now`."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, PERIOD_TIMES.get(period, DEFAULT_TIME), tzinfo=now.tzinfo)


def command_when(words: list[str], now: datetime) -> Typed | None:
    """The date/time that the first words form, longest first; None when they start with no date.

    Raises DateNotUnderstood when they start with a date that does not exist (2月30日, 25点).
    """
    for count in range(min(len(words), MAX_WORDS), 0, -1):
        text = " ".join(words[:count])
        found = first_typed(text, now)
        if found is None or found.start != 0 or found.end <= len(text) - len(words[count - 1]):
            continue  # not at the start, or does not reach into the last word
        if found.value is None:
            raise DateNotUnderstood(problem(found.problem, text=text[: found.end]))
        value = found.value
        if found.period and not isinstance(value, datetime):
            value = due_at(value, now, found.period)
        return Typed(count, value, text[found.end :].strip())
    return None


def named_weekday(text: str) -> int | None:
    """The weekday (0 = Monday) a correction names on its own ("改成周四", "change to Thursday")."""
    if (zh := _ZH_WEEKDAY.search(text)) is not None:
        return _ZH_DAYS.index(zh.group(1)) if zh.group(1) in _ZH_DAYS else 6
    if (en := _EN_WEEKDAY.search(text.lower())) is not None:
        return ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(en.group(1))
    return None


def moved(old: date | datetime, new: date | datetime, text: str) -> date | datetime:
    """A correction applied to the date it corrects: a weekday alone moves within the old date's
    week (after 下周三 / next Wednesday, 改成周四 / change to Thursday is that week's Thursday); a time
    alone keeps the day (改为下午3点); a date alone keeps the time of day."""
    old_day = old.date() if isinstance(old, datetime) else old
    if isinstance(new, datetime) and not _DAY_WORDS.search(text.lower()):
        return new.replace(year=old_day.year, month=old_day.month, day=old_day.day)
    if (weekday := named_weekday(text)) is not None:
        day = old_day + timedelta(days=weekday - old_day.weekday())
        new = new.replace(year=day.year, month=day.month, day=day.day)
    if isinstance(old, datetime) and not isinstance(new, datetime):
        return old.replace(year=new.year, month=new.month, day=new.day)
    return new
