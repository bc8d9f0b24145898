"""Jobs that run once a day at a local time, on an interval tick.

A daily job runs every `tick` seconds and, for each team or person, asks `local_day_due`: has the local
time passed HH:MM today, and for which local day? The push for that day carries the day as its period, so
its outbox dedupe key ("digest:<rep>:2026-12-07") makes it idempotent: a tick after the push, a clock
jumping back or forward, a restart, or two processes running the same job never send a day twice.
`already_pushed` lets a job skip the (costly) building of what was sent already.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.ports import UnitOfWork
from scheduler.push import dedupe_key_of


def parse_local_time(text: str) -> time:
    """"08:30" -> time(8, 30); ValueError when it is not HH:MM."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time of day like 08:30")
    return time(int(hours), int(minutes))


def local_day_due(now: datetime, at: time, timezone: str) -> date | None:
    """The local day (in `timezone`) whose `at` has passed at `now`; None while it is still before `at`."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time().replace(tzinfo=None) >= at else None


async def already_pushed(uow: UnitOfWork, kind: str, period: str, rep_ids: Iterable[int]) -> set[int]:
    """Which of `rep_ids` were already sent (queued) the push `kind` for `period`."""
    keys = {dedupe_key_of(kind, rep_id, period): rep_id for rep_id in rep_ids}
    found = await uow.outbox.existing_keys(list(keys))
    return {keys[key] for key in found}
