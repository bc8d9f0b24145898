"""The monthly feedback summary to admins (issue #16): on the 1st of each month, after `[usage] summary_at` in
the company's time zone, every active admin gets last month's feedback grouped by theme (domain.feedback_themes)
in their own language: how many per theme, with two or three quotes each.

Once per month across processes: the month's run is claimed like a daily job's day (scheduler.daily.claim_day,
keyed by the month's first day, taken over when its process died), and every message carries a dedupe key of
the admin and the month (scheduler.push), so even two runs never send an admin the same month twice. A month
without feedback sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from bot.usage.report import bounds, next_month
from bot.usage.settings import UsageSettings
from bot.usage.words import SUMMARY_THEME, SUMMARY_TITLE
from domain.feedback_themes import ThemeGroup, group_by_theme
from domain.people import Role
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET
from domain.usage import UsageUnitOfWork
from scheduler.daily import claim_day, finish_day
from scheduler.people import cached_reps
from scheduler.push import Push, push

PREFIX, KIND = "feedback-summary:", "feedback-summary"
MAX_READ = 5000  # newest pieces of feedback grouped per month (the count is SQL's, whatever the volume)


def due_month(now: datetime, settings: UsageSettings) -> date | None:
    """The month to summarize (its first day) once the 1st's `summary_at` has passed, else None."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    if not settings.summary or (local.day == 1 and local.time().replace(tzinfo=None) < settings.summary_at):
        return None
    first = local.date().replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


async def send_feedback_summaries(uow_factory: Callable[[], UnitOfWork], now: datetime, settings: UsageSettings,
                                  *, default_quiet: str = DEFAULT_QUIET) -> int:
    """Last month's summary to every active admin, once; how many were queued."""
    month = due_month(now, settings)
    if month is None or not await claim_day(uow_factory, PREFIX, month, now):
        return 0
    zone = ZoneInfo(settings.timezone)
    start, end = bounds(month, next_month(month), zone)
    queued = 0
    async with uow_factory() as uow:
        usage = cast(UsageUnitOfWork, uow).usage
        total, items = await usage.feedback_count(start, end), await usage.feedback_between(start, end, MAX_READ)
        groups = group_by_theme(items)
        for admin in [r for r in await cached_reps(uow) if r.role is Role.ADMIN and r.active]:
            text = summary_text(month, total, groups, admin.locale)
            if total and await push(uow, admin, Push(KIND, month.strftime("%Y-%m"), text), now,
                                    default_quiet=default_quiet) is not None:
                queued += 1
        await uow.commit()
    await finish_day(uow_factory, PREFIX, month, now)
    return queued


def summary_text(month: date, total: int, groups: Sequence[ThemeGroup], locale: str) -> str:
    lines = [SUMMARY_TITLE.format(locale, month=month.strftime("%Y-%m"), n=total)]
    for group in groups:
        lines.append(SUMMARY_THEME.format(locale, theme=group.theme.label(locale), n=group.count))
        lines += [f"  「{quote}」" if locale != "en" else f"  “{quote}”" for quote in group.examples]
    return "\n".join(lines)
