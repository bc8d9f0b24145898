"""Jobs that run once a day at a local time, on an interval tick.

A daily job runs every `tick` seconds and, for each team or person, asks `local_day_due`: has the local
time passed HH:MM today, and for which local day? The push for that day carries the day as its period, so
its outbox dedupe key ("digest:<rep>:2026-12-07") makes it idempotent: a tick after the push, a clock
jumping back or forward, a restart, or two processes running the same job never send a day twice.
`scheduler.push.not_pushed` lets a job skip the (costly) building of what was sent already.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Self
from zoneinfo import ZoneInfo

from domain.ports import UnitOfWork


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



LEASE = timedelta(hours=2)  # a claimed day not finished this long after its claim was left by a dead process


def _abandoned(held: Any, now: datetime, lease: timedelta) -> bool:
    if not isinstance(held, dict) or held.get("done"):
        return False
    return now - datetime.fromisoformat(str(held.get("at"))) > lease


async def claim_day(uow_factory: Callable[[], UnitOfWork], prefix: str, day: date, now: datetime,
                    lease: timedelta = LEASE) -> bool:
    """Claim the once-a-day run of `prefix` for `day` (settings `<prefix><day>`); the previous day's claim is
    dropped. False: another process has it (running, or done). A claim neither finished (`finish_day`) nor
    renewed within `lease` belonged to a process that died mid-run: the next caller takes it over (the
    delete of the old claim decides between two callers: the second deletes nothing)."""
    key = f"{prefix}{day.isoformat()}"
    async with uow_factory() as uow:
        if not await uow.settings.claim(key, {"at": now.isoformat()}):
            held = await uow.settings.get(key)
            if not _abandoned(held, now, lease) or await uow.settings.take(key) != held:
                return False
            await uow.settings.put(key, {"at": now.isoformat(), "after": held})
        await uow.settings.take(f"{prefix}{(day - timedelta(days=1)).isoformat()}")
        await uow.commit()
    return True


async def finish_day(uow_factory: Callable[[], UnitOfWork], prefix: str, day: date, now: datetime) -> None:
    """Mark the day's run done: never taken over."""
    async with uow_factory() as uow:
        await uow.settings.put(f"{prefix}{day.isoformat()}", {"at": now.isoformat(), "done": True})
        await uow.commit()


@dataclass(frozen=True, slots=True)
class DailyRun:
    """A once-a-day job's settings: `enabled`, the local time `at` it runs after, its `timezone` (default the
    [bot] timezone) and `interval` (seconds between looks)."""

    enabled: bool = True
    at: time = time(6, 0)
    timezone: str = "Asia/Shanghai"
    interval: float = 300.0

    @classmethod
    def read(cls, section: Mapping[str, Any], bot: Mapping[str, Any], key: str, default: str) -> Self:
        """From the job's config section, whose time of day is under `key` (default `default`)."""
        return cls(bool(section.get("enabled", True)), parse_local_time(str(section.get(key, default))),
                   str(section.get("timezone", bot.get("timezone", "Asia/Shanghai"))),
                   float(section.get("interval", 300.0)))
