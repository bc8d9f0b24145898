"""Dates and times in a message, resolved against the message's own timestamp in the user's zone.

The one resolver for free text (find_when / pick_next), command arguments (read_typed / parse_when)
and corrections (moved); every path reads the same words the same way.

Rules:
- Weeks start on Monday. "next <weekday>" / 下周X / 下礼拜X / 下星期X (下週X, 下禮拜X) is that weekday
  in the next calendar week; 下下周X / 下下礼拜X two weeks ahead; 本周X / this <weekday> the one in
  the current week; a bare weekday (周五, Friday) the coming one, today included. Said on Tuesday
  24 Nov 2026: 下周三 = next Wednesday = 2 Dec, 周三 = Wednesday = 25 Nov, 下下周三 = 9 Dec.
- A time of day is always kept: 下午3点, 上午10点半, 10:00, 3pm. A bare 1-6 o'clock (3点) is the
  afternoon. A time written next to a date joins it (下周三 15:00, 3pm next Friday); a time later
  in the same sentence joins the one date before it (下礼拜三去拜访王总 3点); alone it is today's,
  or tomorrow's once passed.
- A part of the day without a clock time (下周二下午, tomorrow morning) keeps the date as the
  value and the part as `period`; reminders are then due at PERIOD_TIMES (下午 14:00), otherwise
  at 09:00 (due_at).
- The user's zone is the named zone of the message time (each rep's own, see user_zone): 明天 for a
  rep in London is London's tomorrow, and 下午3点 is 15:00 there.
- A correction naming only a weekday (改成周四, change to Thursday) moves the date within its own
  week and keeps the time of day; one naming only a time keeps the day (moved).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.nlp import dates_en, dates_zh
from bot.nlp.cues import Probe
from bot.nlp.moments import Context, DatePart, Part, TimePart, clock, keep_longest, run_rules
from bot.nlp.problems import DateNotUnderstood, Problem, problem
from bot.nlp.text import clause_of, fold, rx

DEFAULT_TZ = "Asia/Shanghai"
_GAP = rx(r"[\s,、的]*(?:(?i:at|on|by|around|about)\b)?[\s,]*")
_REPORT = rx(
    r"了|过|已|刚|(?i:\b(?:met|visited|had|called|spoke|talked|sent|signed|received|was|were|did|went|"
    r"discussed|emailed|closed|won|lost|got|delivered|presented|demoed|showed|agreed|said|told|asked|"
    r"mentioned|ago)\b)")
_HAPPENED = rx(
    r"(?:见|拜访|走访|拜会|去|开|聊|谈|通|打|发|签|来|吃|参观|考察|演示|交流|沟通|汇报|讲|面谈|碰)了|已经|刚才|刚刚|"
    r"(?i:\b(?:met|visited|had|called|spoke|talked|sent|signed|went|discussed|emailed|presented|demoed)\b)")
_DOTTED_I = "\u0130"  # the one character whose str.lower() is longer (i + a combining dot)
_WHEN_CHARS = frozenset(
    string.digits + string.ascii_letters + "今明后昨前天周星礼拜月号日年底初中旬过点點时半早晚午内" + "週禮後時號")
_BARE_SLASH = rx(r"\d{1,2}/\d{1,2}(?:/\d{2}|/\d{4})?(?!\S)")
_DIGIT_SEP = rx(r"\d[-/.:]\d")


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class WhenMention:
    start: int
    end: int
    value: date | datetime | None  # None: the written date/time does not exist (see problem)
    anchor: bool = False
    problem: str = ""
    period: str = ""  # "am" / "noon" / "pm" / "night" written without a clock time (下周二下午)


PERIOD_TIMES = {"am": time(9, 0), "noon": time(12, 0), "pm": time(14, 0), "night": time(19, 0)}
DEFAULT_TIME = time(9, 0)
_SENTENCE_END = rx(r"[。！？!?;；\n]")


@lru_cache(maxsize=32)
def zone(name: str = DEFAULT_TZ) -> tzinfo:
    return ZoneInfo(name)


def user_zone(now: datetime, fallback: tzinfo | None = None) -> tzinfo:
    """The user's zone: the named zone `now` is written in (the bot passes each message's time in its
    writer's zone), else `fallback` (a naive time, or a bare offset such as --now ...+08:00)."""
    return now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else fallback or zone()


def local_now(now: datetime, tz: tzinfo | None = None) -> datetime:
    """`now` in the user's zone (`tz`, else user_zone); a naive `now` is taken to be in that zone already."""
    target = tz or user_zone(now)
    return now.replace(tzinfo=target) if now.tzinfo is None else now.astimezone(target)


def find_when(text: str, now: datetime, probe: Probe | None = None) -> list[WhenMention]:
    """Every date/time expression in (folded) text, resolved; `now` must be local (see local_now);
    `probe`: `Probe.of(text)` if already made (its script tests and lower-cased text are reused)."""
    ctx = Context(now, text)
    parts: list[Part] = []
    if _WHEN_CHARS.isdisjoint(text):
        return []  # no digit, no date word character, no Latin letter: nothing to find
    if probe is None or probe.text != text:
        probe = Probe.of(text)
    if probe.cjk:
        parts += run_rules(dates_zh.RULES, text, ctx)
    elif _DIGIT_SEP.search(text):
        parts += run_rules(dates_zh.NUMERIC_RULES, text, ctx)
    if probe.lower is not None:  # Latin letters; the probe's lower-casing is str.lower() unless İ grows it
        parts += run_rules(dates_en.RULES, text if _DOTTED_I in text else probe.lower, ctx, word_start=True)
    return _combine(keep_longest(parts), text, ctx)


def _combine(parts: list[Part], text: str, ctx: Context) -> list[WhenMention]:
    if not parts:
        return []
    dates = [p for p in parts if isinstance(p, DatePart)]
    times = [p for p in parts if isinstance(p, TimePart)]
    used: set[int] = set()
    paired: dict[int, int] = {}  # date index -> time index
    reported: set[int] = set()  # dates moved back (周一见了王总): they take no time from afar
    far: set[int] = set()  # dates given a time from later in the sentence: their span stays their own
    for at, day in enumerate(dates):
        if day.back is not None and _HAPPENED.search(clause_of(text, day.start, day.end)):
            dates[at] = replace(day, day=day.back)
            reported.add(at)
        index = _partner(dates[at], times, used, text)
        if index is not None:
            paired[at] = index
    for index, moment in enumerate(times):
        if index not in used and not moment.weak:
            chosen = _sentence_date(moment, dates, paired | dict.fromkeys(reported, -1), text)
            if chosen is not None:
                paired[chosen] = index
                used.add(index)
                far.add(chosen)
    found = [_resolve(day, times[paired[at]] if at in paired else None, ctx, at in far)
             for at, day in enumerate(dates)]
    for index, moment in enumerate(times):
        if index not in used and not moment.weak:
            found.append(_time_only(moment, text, ctx))
    return sorted(found, key=lambda w: w.start)


def _sentence_date(moment: TimePart, dates: list[DatePart], paired: dict[int, int], text: str) -> int | None:
    """The date a later time in the same sentence belongs to (下礼拜三去拜访王总 3点): the sentence's
    only date before the time, if it has no time of its own."""
    before = [at for at, day in enumerate(dates) if day.end <= moment.start]
    free = [at for at in before if at not in paired and not dates[at].anchor and dates[at].at is None
            and dates[at].day is not None and not _SENTENCE_END.search(text, dates[at].end, moment.start)]
    return free[0] if len(free) == 1 and len(before) == 1 else None


def _partner(day: DatePart, times: list[TimePart], used: set[int], text: str) -> int | None:
    """The time written right after (or else right before) a date: 周五下午2点, at 2pm on Friday."""
    after = [i for i, t in enumerate(times) if t.start >= day.end and _close(text[day.end : t.start])]
    before = [i for i, t in enumerate(times) if t.end <= day.start and _close(text[t.end : day.start])]
    for index in after + before:
        if index not in used:
            used.add(index)
            return index
    return None


def _reported(text: str, start: int, end: int) -> bool:
    """The clause tells what happened (见了, met), so its dates point back."""
    return _REPORT.search(clause_of(text, start, end)) is not None


def _close(gap: str) -> bool:
    return len(gap) <= 8 and _GAP.fullmatch(gap) is not None


def _at(day: date, moment: TimePart, period: str, ctx: Context) -> datetime | None:
    resolved = clock(moment.hour, moment.minute, moment.period or period)
    if resolved is None:
        return None
    return datetime.combine(day, time(*resolved), tzinfo=ctx.now.tzinfo)


def _resolve(day: DatePart, moment: TimePart | None, ctx: Context, far: bool = False) -> WhenMention:
    end = max(day.end, moment.end) if moment and not far else day.end
    start = min(day.start, moment.start) if moment and not far else day.start
    if day.problem or day.day is None:
        return WhenMention(start, end, None, problem=day.problem or "date_invalid")
    if day.at is not None:
        return WhenMention(start, end, day.at)
    if moment is None:
        return WhenMention(start, end, day.day, anchor=day.anchor, period=day.period)
    at = None if moment.problem else _at(day.day, moment, day.period, ctx)
    if at is None:
        return WhenMention(start, end, None, problem="time_invalid")
    return WhenMention(start, end, at)


def _time_only(moment: TimePart, text: str, ctx: Context) -> WhenMention:
    """A time without a date: today's if still ahead (or reported as done), else tomorrow's."""
    at = None if moment.problem else _at(ctx.today, moment, "", ctx)
    if at is None:
        return WhenMention(moment.start, moment.end, None, problem="time_invalid")
    if at <= ctx.now and not _reported(text, moment.start, moment.end):
        at += timedelta(days=1)
    return WhenMention(moment.start, moment.end, at)


def is_past(value: date | datetime, now: datetime) -> bool:
    if isinstance(value, datetime):
        return value < now
    return value < now.date()


def _sort_key(value: date | datetime) -> tuple[date, int, time]:
    if isinstance(value, datetime):
        return value.date(), 0, value.timetz().replace(tzinfo=None)
    return value, 1, time()


def pick_next(mentions: list[WhenMention], text: str, now: datetime) -> tuple[WhenMention | None, list[Problem]]:
    """The next action's moment, and problems for impossible or past-but-not-reported moments."""
    found: list[Problem] = []
    ahead, behind = [], []
    for mention in mentions:
        written = text[mention.start : mention.end]
        if mention.value is None:
            found.append(problem(mention.problem, (mention.start, mention.end), text=written))
            continue
        if mention.anchor:
            continue
        reported = _reported(text, mention.start, mention.end)
        value = mention.value
        if is_past(value, now) or (not isinstance(value, datetime) and value == now.date() and reported):
            if not reported:
                behind.append(mention)
            continue
        ahead.append(mention)
    if ahead:
        return min(ahead, key=lambda w: _sort_key(w.value or now)), found
    for mention in behind[:1]:
        shown = mention.value.isoformat() if mention.value else ""
        written = text[mention.start : mention.end]
        found.append(problem("date_in_past", (mention.start, mention.end), text=written, value=shown))
    return None, found


def first_typed(text: str, now: datetime, tz: tzinfo | None = None) -> WhenMention | None:
    """The first date/time in text typed as a command argument, positions as in text.strip()."""
    raw = text.strip()
    if not raw:
        return None
    folded = fold(raw)
    shift = 0
    if _BARE_SLASH.match(folded):
        folded, shift = "on " + folded, 3  # a typed "12/8" is a date; in free text it needs a cue ("by 12/8")
    mentions = find_when(folded, local_now(now, tz))
    if not mentions:
        return None
    first = mentions[0]
    return replace(first, start=max(0, first.start - shift), end=first.end - shift)


def parse_when(
    text: str, now: datetime, tz: tzinfo | None = None, *, future_only: bool = False
) -> date | datetime | None:
    """One date/time typed as a command argument ("明天下午3点", "12月8日", "next Tuesday").

    Returns a date, or an aware datetime when a time of day is given; None when the text holds no
    date at all. Raises DateNotUnderstood (a DomainError with zh/en text and `.code`) for
    impossible dates ("2月30日", "25点") and, with future_only, for moments already past.
    """
    first = first_typed(text, now, tz)
    if first is None:
        return None
    raw = text.strip()
    if first.value is None:
        raise DateNotUnderstood(problem(first.problem, text=raw))
    if future_only and is_past(first.value, local_now(now, tz)):
        raise DateNotUnderstood(problem("date_in_past", text=raw, value=first.value.isoformat()))
    return first.value
