"""English date and time expressions: next Tuesday, in 2 weeks, Jan 15, at 2pm on Friday, tomorrow
morning, end of the month, by 12/8.

"next <weekday>" is that day in the next calendar week (as 下周三), "<weekday> after next" the one in
the week after (as 下下周三), "this <weekday>" the one in the current week, a bare weekday the coming
one (see bot.nlp.when for the whole rule).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.nlp.days import (
    add_months,
    first_of_month,
    month_end,
    next_weekday,
    safe_date,
    upcoming_day_of_month,
    upcoming_month_day,
    weekday_in_week,
)
from bot.nlp.moments import Context, DatePart, Part, RuleBook, TimePart, clock
from bot.nlp.text import rx

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
}
_PERIOD_WORDS = {"morning": "am", "afternoon": "pm", "evening": "pm", "night": "pm", "tonight": "pm"}
_DAY = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun"
_MONTH = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_COUNT = r"\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a\s)?couple\sof"


def _rel_day(m: re.Match[str], ctx: Context) -> Part:
    word = m.group("w")
    offset = 1 if word.startswith(("tom", "tmr")) else -1 if word == "yesterday" else 0
    if "after" in word:
        offset = 2
    period = _PERIOD_WORDS.get(m.group("p") or word, "")
    anchor = word == "today" and not m.group("p")
    return DatePart(m.start(), m.end(), ctx.today + timedelta(days=offset), period, anchor)


_WEEKDAY_PREFIX = rx(r"(?:this|next|coming|last|the\sfollowing)\s$")
_AFTER_NEXT = rx(r"\safter\snext\b")
_SHORT_DAYS = {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}


def _weekday(m: re.Match[str], ctx: Context) -> Part | None:
    """Friday / next Tuesday / this Thu (short forms only when capitalised: "sat", "wed" are words)."""
    written = m.group("d")
    if written in _SHORT_DAYS and not ctx.text[m.start("d")].isupper():
        return None
    if _MONTH_DAY_AFTER.match(m.string, m.end()) is not None:
        return None  # Sat Dec 12, Friday, Dec 11: the written date says it
    if written in _SHORT_DAYS and _is_name(ctx.text, m.start("d"), m.end("d")):
        return None  # Dr. Sun Wei, Mr Sun: a surname, not Sunday
    weekday = _WEEKDAYS[written[:3]]
    found = _WEEKDAY_PREFIX.search(m.string, max(0, m.start() - 14), m.start())
    pfx = found.group(0).strip() if found else ""
    start = found.start() if found else m.start()
    period = _PERIOD_WORDS.get(m.group("p") or "", "")
    if not m.group("p") and (later := _AFTER_NEXT.match(m.string, m.end())) is not None:
        return DatePart(start, later.end(), weekday_in_week(ctx.today, weekday, 2))  # Wednesday after next
    if pfx in ("next", "the following", "last", "this"):
        weeks = {"next": 1, "the following": 1, "last": -1}.get(pfx, 0)
        return DatePart(start, m.end(), weekday_in_week(ctx.today, weekday, weeks), period)
    day = next_weekday(ctx.today, weekday)
    back = day - timedelta(days=7) if day != ctx.today else None
    return DatePart(start, m.end(), day, period, back=back)


_MONTH_DAY_AFTER = rx(rf",?\s(?:{_MONTH})\.?\s\d")
_TITLE_BEFORE = rx(r"(?:\b(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.?|[A-Z][a-z]+)\s$")
_NAME_AFTER = rx(r"\s[A-Z][a-z]+")
_NOT_NAME_AFTER = rx(rf"\s(?i:{_MONTH}|morning|afternoon|evening|night|at|or|and|the|to|on|by)\b")


def _is_name(text: str, start: int, end: int) -> bool:
    """A capitalised short weekday written as a name: after a title or a capitalised word, or before a
    capitalised word that is no month (Sun Wei; not "Fri Dec 8")."""
    if _TITLE_BEFORE.search(text, max(0, start - 8), start) is not None and not text[:start].rstrip().endswith(
            ("on", "On", "next", "Next", "this", "This")):
        return True
    return _NAME_AFTER.match(text, end) is not None and _NOT_NAME_AFTER.match(text, end) is None


def _span(m: re.Match[str], ctx: Context, end: bool) -> Part:
    """next week / next month / this week / end of the month / EOM."""
    groups = m.groupdict()
    abbr = (groups.get("abbr") or "").lower()
    unit = {"eow": "week", "eom": "month", "eoy": "year", "eod": "day", "cob": "day"}.get(abbr) or m.group("unit")
    unit = unit.lower()
    ahead = 1 if (groups.get("pfx") or "").lower() in ("next", "the following") else 0
    closing = end or not ahead
    today = ctx.today
    if unit == "day":
        return DatePart(m.start(), m.end(), today)
    if unit == "week":
        day = weekday_in_week(today, 4 if closing else 0, ahead)
    elif unit == "month":
        first = first_of_month(today, ahead)
        day = month_end(first.year, first.month) if closing else first
    elif unit == "quarter":
        first = first_of_month(today.replace(day=1, month=(today.month - 1) // 3 * 3 + 1), 3 * ahead)
        last = add_months(first, 2)
        day = month_end(last.year, last.month) if closing else first
    else:
        day = date(today.year + ahead, 12, 31) if closing else date(today.year + ahead, 1, 1)
    return DatePart(m.start(), m.end(), max(day, today))


def _relative(m: re.Match[str], ctx: Context) -> Part | None:
    raw = re.sub(r"\s+", " ", m.group("n").lower())
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
    if count is None:
        return None
    unit = m.group("unit").lower()
    sign = -1 if m.group("dir").lower() == "ago" else 1
    if unit.startswith(("hour", "min")):
        at = ctx.now + sign * (timedelta(hours=count) if unit.startswith("hour") else timedelta(minutes=count))
        return DatePart(m.start(), m.end(), at.date(), at=at)
    if unit.startswith("business"):
        return DatePart(m.start(), m.end(), _business_days(ctx.today, count))
    if unit.startswith("month"):
        return DatePart(m.start(), m.end(), add_months(ctx.today, sign * count))
    days = count * (7 if unit.startswith("week") else 1)
    return DatePart(m.start(), m.end(), ctx.today + timedelta(days=sign * days))


def _business_days(today: date, count: int) -> date:
    day = today
    while count > 0:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _month_day(m: re.Match[str], ctx: Context) -> Part | None:
    name = m.group("mon") or m.group("mon2")
    if name == "may" and not ctx.text[m.start("mon") if m.group("mon") else m.start("mon2")].isupper():
        return None  # the verb
    month = _MONTHS[(m.group("mon") or m.group("mon2")).lower()[:3]]
    day = int(m.group("d") or m.group("d2"))
    year = m.group("y") or m.group("y2")
    found = safe_date(int(year), month, day) if year else upcoming_month_day(ctx.today, month, day)
    return DatePart(m.start(), m.end(), found, problem="" if found else "date_invalid")


def _slash(m: re.Match[str], ctx: Context) -> Part:
    month, day, year = int(m.group("m")), int(m.group("d")), m.group("y")
    if year:
        full = int(year) + (2000 if len(year) == 2 else 0)
        found = safe_date(full, month, day)
    else:
        found = upcoming_month_day(ctx.today, month, day)
    return DatePart(m.start(), m.end(), found, problem="" if found else "date_invalid")


# "the 2nd draft", "the 3rd installment": an ordinal before a noun is no date ("the 2nd at 3pm" is)
_ORDINAL_NOUN = rx(r"\s(?!(?:at|in|of|on|or|and|to|for|by|before|after|morning|afternoon|evening|night|"
                   r"then|we|i|is|works?|please|if|as|next|this)\b)[a-z]")


def _ordinal(m: re.Match[str], ctx: Context) -> Part | None:
    if _ORDINAL_NOUN.match(m.string, m.end()) is not None:
        return None
    found = upcoming_day_of_month(ctx.today, int(m.group("d")))
    return DatePart(m.start(), m.end(), found, problem="" if found else "date_invalid")


def _clock(m: re.Match[str], ctx: Context) -> Part:
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    period = "pm" if (m.group("ap") or "").lower().startswith("p") else "am" if m.group("ap") else ""
    if clock(hour, minute, period) is None or (period and hour > 12):
        return TimePart(m.start(), m.end(), 0, 0, period, problem="time_invalid")
    return TimePart(m.start(), m.end(), hour, minute, period)


def _noon(m: re.Match[str], ctx: Context) -> Part:
    return TimePart(m.start(), m.end(), 12, 0, "noon")


# Matched on lower-cased text (no IGNORECASE, no leading \\b: both slow `re` down a lot); the word
# boundary on the left is checked by run_rules, capitalisation where it matters against ctx.text.
RULES = RuleBook([
    (("today", "tonight", "tomorrow", "tmr", "yesterday",),
     rx(r"(?P<w>(?:the\s)?day\safter\stomorrow|today|tonight|tomorrow|tmrw|tmr|yesterday)"
        r"(?:\s(?P<p>morning|afternoon|evening|night))?\b"), _rel_day),
    (("this ",),
     rx(r"this\s(?P<w>)(?P<p>morning|afternoon|evening)\b"),
     lambda m, c: DatePart(m.start(), m.end(), c.today, _PERIOD_WORDS[m.group("p")])),
    (("mon", "tue", "wed", "thu", "fri", "sat", "sun",),
     rx(rf"(?P<d>{_DAY})\b\.?(?:\s(?P<p>morning|afternoon|evening|night)\b)?"), _weekday),
    (("end of",),
     rx(r"end\sof\s(?:the\s)?(?:(?P<pfx>this|next)\s)?(?P<unit>week|month|year|quarter|day)\b"),
     lambda m, c: _span(m, c, True)),
    (("next ", "this ", "following ",),
     rx(r"(?P<pfx>next|this|the\sfollowing)\s(?P<unit>week|month|year|quarter)\b"),
     lambda m, c: _span(m, c, False)),
    (("after next",),
     rx(r"(?:the\s)?week\safter\snext\b"),
     lambda m, c: DatePart(m.start(), m.end(), weekday_in_week(c.today, 0, 2))),
    (("eow", "eom", "eoy", "eod", "cob",),
     rx(r"(?P<abbr>eow|eom|eoy|eod|cob)\b"), lambda m, c: _span(m, c, True)),
    (("in ", "within ",),
     rx(rf"(?:in|within)\s(?P<n>{_COUNT})\s(?P<unit>business\sdays?|days?|weeks?|months?|hours?|"
        r"minutes?|mins?)\b(?P<dir>)"), _relative),
    (("from now", "later", "ago",),
     rx(rf"(?P<n>{_COUNT})\s(?P<unit>days?|weeks?|months?)\s(?P<dir>from\snow|later|ago)\b"),
     _relative),
    (("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",),
     rx(rf"(?P<mon>{_MONTH})\.?\s(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s(?P<y>\d{{4}}))?"
        rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<mon2>{_MONTH})\b\.?(?:,?\s(?P<y2>\d{{4}}))?"),
     _month_day),
    (("/",),
     rx(r"(?:on|by|before|due|until|till)\s(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?\b"),
     _slash),
    (("/",),
     rx(r"(?<![\d./])(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])(?P<y>)(?=\s(?:at\s)?\d{1,2}(?::\d{2}|\s?[ap]m\b))"),
     _slash),
    (("the ",),
     rx(r"the\s(?P<d>\d{1,2})(?:st|nd|rd|th)\b"), _ordinal),
    (("am", "pm", "a.m", "p.m",),
     rx(r"(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?\s?(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"), _clock),
    (("at ", "@", "around ",),
     rx(r"(?:at|around|@)\s?(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?(?P<ap>)"
        r"(?![\d.,:]|\s?(?:%|k\b|m\b|am\b|pm\b|a\.m|p\.m|days?\b|weeks?\b|people\b|units?\b|[$¥]))"), _clock),
    (("noon", "midday",),
     rx(r"noon|midday"), _noon),
])
