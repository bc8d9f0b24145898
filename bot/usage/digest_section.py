"""The admins' "usage" section of the daily digest (issue #16): the day's and the month's most used features,
the month's undo rate of free-text capture, and its median reply latency per channel — the same SQL aggregates
as `dealbot usage` (bot.usage.report), over the digest's day and its month so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Any

from bot.i18n import Text
from bot.usage.report import TIMES, bounds, rate
from bot.usage.words import channel_name, feature_name
from domain.usage import UsageMonth, UsageRepository

TOP = 3
HEADER = Text("使用情况", "Usage")
DAY = Text("当日最常用", "Most used today")
MONTH = Text("本月最常用", "Most used this month")
UNDO = Text("本月自由文本撤销/更正率 {rate}（{undone}/{captures}）",
            "Undo rate of free-text capture this month: {rate} ({undone}/{captures})")
LATENCY = Text("本月回复延迟中位数", "Median reply latency this month")
NONE = Text("无", "none")


@dataclass(frozen=True, slots=True)
class UsageDigest:
    day: UsageMonth
    month: UsageMonth  # from the 1st to the end of the digest's day


async def read_usage_digest(src: Any, day: date, zone: tzinfo | None) -> UsageDigest | None:
    """None where the digest's sources keep no usage (a unit of work without `usage`)."""
    usage: UsageRepository | None = getattr(src, "usage", None)
    if usage is None or zone is None:
        return None
    first, after = day.replace(day=1), day + timedelta(days=1)
    return UsageDigest(await usage.month(*bounds(day, after, zone), first),
                       await usage.month(*bounds(first, after, zone), first))


def usage_section(found: UsageDigest | None, locale: str) -> str:
    """The section's markdown; empty when nothing was used this month."""
    if found is None or not (found.month.features or found.month.latency):
        return ""
    month = found.month
    latency = "; ".join(f"{channel_name(c.channel, locale)} {c.median_ms} ms" for c in month.latency)
    colon = ": " if locale == "en" else "："
    lines = [DAY.get(locale) + colon + _top(found.day, locale), MONTH.get(locale) + colon + _top(month, locale),
             UNDO.format(locale, rate=rate(month.undo_rate), undone=month.captures_undone, captures=month.captures),
             LATENCY.get(locale) + colon + (latency or NONE.get(locale))]
    return f"**{HEADER.get(locale)}**\n" + "\n".join(f"- {line}" for line in lines)


def _top(m: UsageMonth, locale: str) -> str:
    found = [TIMES.format(locale, name=feature_name(name, locale), n=n) for name, n in m.most_used(TOP)]
    return ("、" if locale != "en" else ", ").join(found) or NONE.get(locale)
