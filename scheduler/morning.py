"""The morning list: each rep's follow-ups, next steps and reminders due today, most urgent first, then risks.

Runs on every tick (every minute is enough): a person past `morning_at` in their time zone whose list of
that local date was not pushed gets it. Risk lines come from a hook (`RiskLines`), so the risk scan
(domain/risks.py, slice "risks") plugs in without this module knowing its rules.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta

from domain.daily_report import DailyReportSettings, day_bounds, is_past, local_day
from domain.daily_text import morning_text, t
from domain.people import Rep, Role
from domain.ports import UnitOfWork
from scheduler.daily_records import agenda, lines_of
from scheduler.daily_reports import reachable
from scheduler.people import cached_reps
from scheduler.push import Push, not_pushed, push

log = logging.getLogger(__name__)
MORNING_KIND = "morning"

# (unit of work, the rep, now) -> at most a few lines in the rep's language, most important first.
RiskLines = Callable[[UnitOfWork, Rep, datetime], Awaitable[Sequence[str]]]


async def no_risk_lines(uow: UnitOfWork, rep: Rep, now: datetime) -> Sequence[str]:
    """The default hook until the risk scan is joined: no risk lines."""
    return ()


async def morning_list(uow: UnitOfWork, rep: Rep, day: date, now: datetime, settings: DailyReportSettings,
                       risk_lines: RiskLines = no_risk_lines) -> str:
    """The text of `rep`'s morning list for `day`: overdue items (up to `overdue_days` back) first, then
    today's by time; `morning_limit` shown and the rest counted."""
    start, end = day_bounds(day, rep.timezone)
    found = await agenda(uow, rep, start - timedelta(days=settings.overdue_days), end, start)
    shown, more = lines_of(found, rep, settings.morning_limit)
    return morning_text(rep.name, day, shown, more, list(await risk_lines(uow, rep, now)), rep.locale)


MORNING_WINDOW = timedelta(hours=4)  # a morning list not sent by then (serve was down) is skipped that day


async def send_morning_lists(uow_factory: Callable[[], UnitOfWork], now: datetime, settings: DailyReportSettings,
                             risk_lines: RiskLines = no_risk_lines) -> int:
    """Push each due person's morning list once per local date; how many were pushed."""
    async with uow_factory() as uow:
        people = reachable(await cached_reps(uow), settings, (Role.REP, Role.MANAGER))
        late = (datetime.combine(date.min, settings.morning_at) + MORNING_WINDOW).time()
        due = [(r, local_day(now, r.timezone).isoformat()) for r in people
               if is_past(now, r.timezone, settings.morning_at) and not is_past(now, r.timezone, late)]
        todo = await not_pushed(uow, MORNING_KIND, due)
    sent = 0
    for rep, period in todo:
        try:
            async with uow_factory() as uow:
                text = await morning_list(uow, rep, date.fromisoformat(period), now, settings, risk_lines)
                queued = await push(uow, rep, Push(MORNING_KIND, period, text,
                                                   subject=t(rep.locale, "今日待办", "Today's list")),
                                    now, default_quiet=settings.default_quiet, order=settings.channel_order)
                await uow.commit()
            sent += queued is not None
        except Exception:  # one person's failure must not stop the others; the next tick tries again
            log.exception("morning list for rep %s failed", rep.id)
    return sent
