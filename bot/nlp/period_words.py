"""Period words as written in questions and commands (这个月, 下季度, 上半年, 近30天, 十二月, 2026-11-15, Q4,
next month, last 30 days, December ...). Only found here, kept as written; bot.analytics_periods resolves
them against the clock. A longer form comes first in each alternation (2026-11-15 before 2026-11)."""

from __future__ import annotations

import re

_CN_MONTH = r"(?:十二|十一|十|[一二三四五六七八九])月份?"
PERIOD_ZH = re.compile(
    r"\d{4}\s?-\s?\d{1,2}\s?-\s?\d{1,2}|\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?[日号]|\d{1,2}\s?月\s?\d{1,2}\s?[日号]|"
    r"\d{4}\s?年?\s?[Qq]\d|[Qq]\d\s?\d{4}|\d{4}\s?年\s?第?[一二三四1-4]\s?季度|[Qq]\d|第?[一二三四]季度|"
    r"\d{4}\s?年\s?[上下]半年|(?:今年|去年|明年)?[上下]半年|(?:近|最近|过去)\s?\d{1,3}\s?天|"
    r"\d{4}\s?年\s?\d{1,2}\s?月(?:份)?|\d{4}-\d{1,2}(?!\d)|\d{1,2}月份?|" + _CN_MONTH + r"|\d{4}\s?年|"
    r"今天|昨天|明天|后天|本周|这周|这个星期|上周|下周|这个月|本月|上个?月|下个?月|这个季度|本季度?|上个?季度|"
    r"下个?季度|今年|去年|明年|全年")
_MONTH_NAMES = r"january|february|march|april|june|july|august|september|october|november|december"
PERIOD_EN = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{4}\s?q[0-9]\b|\bq[0-9]\s?\d{4}\b|\bq[0-9]\b|\b\d{4}-\d{1,2}\b|"
    r"\b(?:this|last|next) (?:month|quarter|year|week)\b|\b(?:today|yesterday|tomorrow)\b|"
    r"\b(?:last|past) \d{1,3} days\b|\b(?:h[12]|(?:the )?(?:first|second) half)(?: (?:of )?\d{4})?\b|"
    r"\b(?:in may|may \d{4}|(?:" + _MONTH_NAMES + r")(?: \d{4})?)\b|\b(?:in )?\d{4}\b")


def period_spans(text: str) -> list[tuple[int, int]]:
    """Where period words stand in `text` (Chinese forms, then English ones on the lower-cased text),
    left to right, overlaps dropped."""
    found = [m.span() for m in PERIOD_ZH.finditer(text)]
    found += [m.span() for m in PERIOD_EN.finditer(text.lower())] if len(text.lower()) == len(text) else []
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda s: (s[0], -s[1])):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def period_mentions(text: str) -> list[str]:
    """The period words of `text`, as written, left to right."""
    return [text[start:end] for start, end in period_spans(text)]


def without_periods(text: str) -> str:
    """`text` with its period words blanked out (same length)."""
    chars = list(text)
    for start, end in period_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)
