"""Jobs that run once a day at a local time, on an interval tick.

A daily job runs every `tick` seconds and, for each team or person, asks `local_day_due`: has the local
time passed HH:MM today, and for which local day? The push for that day carries the day as its period, so
its outbox dedupe key ("digest:<rep>:2026-12-07") makes it idempotent: a tick after the push, a clock
jumping back or forward, a restart, or two processes running the same job never send a day twice.
`scheduler.push.not_pushed` lets a job skip the (costly) building of what was sent already.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


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

