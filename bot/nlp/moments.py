"""Pieces of a date/time expression found in text, before they are combined and resolved."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.nlp.text import Scanned


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class DatePart:
    start: int
    end: int
    day: date | None  # None when the written date does not exist (see problem)
    period: str = ""  # "am" / "pm" hint carried by 明早, 今晚, tomorrow morning
    anchor: bool = False  # bare 今天 / today: when the report was written, not a next step
    problem: str = ""  # "date_invalid"
    at: datetime | None = None  # 2小时后 / in 30 minutes: already a point in time
    back: date | None = None  # bare 周一 / 8号 in a report ("周一见了王总"): the last such day, not the next


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class TimePart:
    start: int
    end: int
    hour: int  # as written (3 in 下午3点); `clock` makes it a 24-hour value
    minute: int
    period: str = ""  # "am" / "pm" / "noon" written with the time
    weak: bool = False  # 两点 without 下午/半/a date nearby may mean "two points": only kept next to a date
    problem: str = ""  # "time_invalid"


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class Context:
    """The message's own clock, in the user's time zone, and its (folded) text as written."""

    now: datetime
    text: str = ""

    @property
    def today(self) -> date:
        return self.now.date()


Part = DatePart | TimePart
# (what must be in the text for the rule to run at all: any of these characters (str) or any of
# these words (tuple), the rule's pattern, its handler)
Rule = tuple[str | tuple[str, ...], re.Pattern[str] | Scanned, Callable[[re.Match[str], Context], Part | None]]


_MASKS_KEPT = 4096


class RuleBook:
    """Rules plus one scan for all their trigger words, so a rule runs only on text that may hold it."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        self._by_word: dict[str, int] = {}  # trigger -> bit mask of the rules it starts
        self._by_char: dict[str, int] = {}
        for index, (triggers, _, _) in enumerate(self.rules):
            index_by = self._by_char if isinstance(triggers, str) else self._by_word
            for trigger in triggers:
                index_by[trigger] = index_by.get(trigger, 0) | 1 << index
        chars = "".join(re.escape(char) for char in sorted(self._by_char))
        self._char_scanner = re.compile(f"[{chars}]") if chars else None  # finds them without a set of the text
        words = sorted(self._by_word, key=len, reverse=True)
        self._scanner = re.compile("|".join(map(re.escape, words))) if words else None
        self._bits = [(1 << index, rule) for index, rule in enumerate(self.rules)]
        self._by_mask: dict[int, tuple[Rule, ...]] = {}  # which rules a set of triggers starts, as met

    def active(self, text: str) -> tuple[Rule, ...]:
        hit = 0
        if self._char_scanner is not None:
            by_char = self._by_char
            for char in self._char_scanner.findall(text):
                hit |= by_char[char]
        if self._scanner is not None:
            by_word = self._by_word
            for word in self._scanner.findall(text):
                hit |= by_word[word]
        if not hit:
            return ()
        rules = self._by_mask.get(hit)
        if rules is None:
            rules = tuple(rule for bit, rule in self._bits if hit & bit)
            if len(self._by_mask) < _MASKS_KEPT:
                self._by_mask[hit] = rules
        return rules


def run_rules(book: RuleBook, text: str, ctx: Context, *, word_start: bool = False) -> list[Part]:
    """Every triggered rule over the text; with word_start, matches must begin a word (English rules
    run on lower-cased text without a leading \\b)."""
    found: list[Part] = []
    for _, pattern, handler in book.active(text):
        for m in pattern.finditer(text):
            start = m.start()
            if word_start and start and text[start - 1].isascii() and text[start - 1].isalnum():
                continue
            try:
                part = handler(m, ctx)
            except (OverflowError, ValueError):  # in 99999999 days, 10000年后
                part = DatePart(start, m.end(), None, problem="date_invalid")
            if part is not None:
                found.append(part)
    return found


def clock(hour: int, minute: int, period: str) -> tuple[int, int] | None:
    """24-hour clock from a written hour and its period; bare 1-6 o'clock means afternoon at work."""
    if not (0 <= hour <= 24 and 0 <= minute <= 59) or (hour == 24 and minute):
        return None
    if hour == 24:
        return 0, 0
    if period == "night" and hour == 12:
        return 23, 59  # 晚上12点: midnight, kept on the same day
    if period in ("pm", "night") and hour < 12:
        hour += 12
    elif period == "am" and hour == 12 and minute == 0:
        hour = 12
    elif period == "noon" and hour <= 3:
        hour = hour + 12 if hour < 12 else hour
    elif period == "" and 1 <= hour <= 6:
        hour += 12
    return hour, minute


def keep_longest(parts: list[Part]) -> list[Part]:
    """Drop parts that overlap an earlier-starting or longer part."""
    kept: list[Part] = []
    for part in sorted(parts, key=lambda p: (p.start, -(p.end - p.start))):
        if kept and part.start < kept[-1].end:
            continue
        kept.append(part)
    return kept
