"""A month's usage (domain.usage.UsageMonth) read from storage and shown as text (zh / en) or JSON: most- and
least-used features, the undo rate of free-text capture, the NLP fallback rate, median reply latency per
channel, page views. Shared by `dealbot usage` and the admins' digest section."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, tzinfo
from typing import Any, cast

from bot.i18n import Text
from bot.usage.words import channel_name, feature_name
from domain.ports import UnitOfWork
from domain.usage import UsageMonth, UsageUnitOfWork

TOP = 5
TITLE = Text("{month} 使用情况", "Usage in {month}")
MOST = Text("最常用功能", "Most used features")
LEAST = Text("最少用功能", "Least used features")
TIMES = Text("{name} {n} 次", "{name} ×{n}")
UNDO = Text("自由文本记录的撤销/更正率：{rate}（{undone}/{captures}）",
            "Undo rate of free-text capture: {rate} ({undone}/{captures})")
FALLBACK = Text("无法理解的自由文本比例：{rate}（{fallbacks}/{free_text}）",
                "NLP fallback rate: {rate} ({fallbacks}/{free_text})")
LATENCY = Text("回复延迟中位数", "Median reply latency")
LATENCY_LINE = Text("{channel} {ms} ms（{n} 条）", "{channel} {ms} ms ({n} replies)")
PAGES = Text("页面浏览", "Page views")
API_CALLS = Text("开放 API 调用：{n} 次", "Open API calls: {n}")
NONE = Text("无", "none")
NO_RATE = "-"


def next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start of `first`, start of `last`) in the company's time zone."""
    return datetime.combine(first, time(), zone), datetime.combine(last, time(), zone)


async def read_usage(uow: UnitOfWork, first: date, last: date, zone: tzinfo, registered: tuple[str, ...]) -> UsageMonth:
    """The usage of the local days [first, last), every number an SQL aggregate."""
    start, end = bounds(first, last, zone)
    found = await cast(UsageUnitOfWork, uow).usage.month(start, end, first)
    return replace(found, registered=registered)


def rate(value: float | None) -> str:
    return NO_RATE if value is None else f"{value * 100:.1f}%"


def usage_lines(m: UsageMonth, locale: str, top: int = TOP) -> list[str]:
    """The report's lines (without its title), in `locale`."""
    def times(pairs: list[tuple[str, int]]) -> str:
        return ("、" if locale != "en" else ", ").join(
            TIMES.format(locale, name=feature_name(k, locale), n=n) for k, n in pairs)

    latency = [LATENCY_LINE.format(locale, channel=channel_name(c.channel, locale), ms=c.median_ms, n=c.replies)
               for c in m.latency]
    colon = ": " if locale == "en" else "："
    lines = [MOST.get(locale) + colon + (times(m.most_used(top)) or NONE.get(locale)),
             LEAST.get(locale) + colon + (times(m.least_used(top)) or NONE.get(locale)),
             UNDO.format(locale, rate=rate(m.undo_rate), undone=m.captures_undone, captures=m.captures),
             FALLBACK.format(locale, rate=rate(m.fallback_rate), fallbacks=m.fallbacks, free_text=m.free_text),
             LATENCY.get(locale) + colon + ("; ".join(latency) or NONE.get(locale))]
    pages = [TIMES.format(locale, name=page, n=n) for page, n in m.pages]
    return [*lines, PAGES.get(locale) + colon + ("; ".join(pages) or NONE.get(locale)),
            API_CALLS.format(locale, n=m.api_calls)]


def usage_text(m: UsageMonth, locale: str, top: int = TOP) -> str:
    return "\n".join([TITLE.format(locale, month=m.month.strftime("%Y-%m")), *usage_lines(m, locale, top)])


def usage_json(m: UsageMonth, top: int = TOP) -> dict[str, Any]:
    """The same for machines, whatever --lang: `feature` is the stable key (the command's Chinese name, as the
    usage events keep it), `feature_en` its English name."""
    def features(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [{"feature": k, "feature_en": feature_name(k, "en"), "uses": n} for k, n in pairs]

    return {
        "month": m.month.strftime("%Y-%m"),
        "most_used": features(m.most_used(top)), "least_used": features(m.least_used(top)),
        "captures": m.captures, "captures_undone": m.captures_undone,
        "undo_rate": None if m.undo_rate is None else round(m.undo_rate, 4),
        "free_text": m.free_text, "fallbacks": m.fallbacks,
        "fallback_rate": None if m.fallback_rate is None else round(m.fallback_rate, 4),
        "latency": [{"channel": c.channel, "replies": c.replies, "median_ms": c.median_ms} for c in m.latency],
        "page_views": [{"page": p, "views": n} for p, n in m.pages],
        "outcomes": dict(m.outcomes), "api_calls": m.api_calls,
    }
