"""APScheduler wiring: a table of jobs, each `(id, every N seconds, async run(now))`.

The core jobs (outbox delivery, release of stale outbox claims) are always there; the proactive ones
(reminders, risk scan, digests, morning lists, daily-report drafts) come from `scheduler.proactive`, one
line each. A job that raises is logged with its traceback and simply runs again at its next tick.
Daily jobs ("at 08:30 local time per team") are interval jobs too: each tick asks whether the local time
has passed and whether today's push exists yet (scheduler.daily), so a clock jump, a restart or a second
process never fires a day twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.ports import UnitOfWork
from scheduler.housekeeping import Housekeeper, add_housekeeping_job
from scheduler.jobs import Copy, deliver_due_reminders
from scheduler.outbox import OutboxDispatcher
from scheduler.reminder_push import BUTTON_CHANNELS
from storage.sqlite_inline import off_loop

log = logging.getLogger(__name__)

Run = Callable[[datetime], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Job:
    """`run(now)` every `every` seconds; at most one run of a job at a time in a process."""

    id: str
    every: float
    run: Run


async def run_job(job: Job, now: datetime) -> bool:
    """Run `job` once. A failure is logged (with its traceback) and swallowed: the next tick runs it again.
    Returns whether it succeeded."""
    try:
        with off_loop():  # SQLite: the job's statements run in a worker thread, not on the event loop
            await job.run(now)
    except Exception:
        log.exception("scheduled job %r failed at %s; it runs again at its next tick", job.id, now.isoformat())
        return False
    return True


def core_jobs(dispatcher: OutboxDispatcher, outbox_interval: float = 2.0, sweep_interval: float = 5.0) -> list[Job]:
    """Delivery of the outbox and the sweep that takes over claims of a dead process."""
    async def drain(_: datetime) -> int:
        return await dispatcher.drain()

    async def sweep(_: datetime) -> int:
        return await dispatcher.release_stale()

    return [Job("outbox", outbox_interval, drain), Job("outbox-sweep", sweep_interval, sweep)]


def reminder_job(uow_factory: Callable[[], UnitOfWork], every: float = 30.0,
                 button_channels: Sequence[str] = BUTTON_CHANNELS, copy: Copy | None = None) -> Job:
    async def reminders(now: datetime) -> int:
        return await deliver_due_reminders(uow_factory, now, button_channels=button_channels, copy=copy)

    return Job("reminders", every, reminders)


class ClockWatchingScheduler(AsyncIOScheduler):  # type: ignore[misc]  # APScheduler 3 is untyped
    """APScheduler times its jobs by the wall clock: set back an hour (NTP, a VM restored), interval jobs
    would wait an hour for it to catch up, the outbox included. While running, a watcher compares the
    wall clock with the monotonic one every `watch_every` seconds; after a jump back it brings forward
    every job whose next run lies further ahead than its interval."""

    def __init__(self, wall: Callable[[], datetime] | None = None, watch_every: float = 1.0,
                 jump: float = 5.0, **options: Any) -> None:
        super().__init__(**options)
        self._wall = wall or (lambda: datetime.now(UTC))
        self._watch_every = watch_every
        self._jump = timedelta(seconds=jump)
        self._watcher: asyncio.Task[None] | None = None

    def start(self, paused: bool = False) -> None:
        super().start(paused)
        self._watcher = asyncio.get_running_loop().create_task(self._watch_clock(), name="scheduler-clock")

    def shutdown(self, wait: bool = True) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        super().shutdown(wait)

    async def _watch_clock(self) -> None:
        loop = asyncio.get_running_loop()
        wall, mono = self._wall(), loop.time()
        while True:
            await asyncio.sleep(self._watch_every)
            expected = wall + timedelta(seconds=loop.time() - mono)
            wall, mono = self._wall(), loop.time()
            if expected - wall > self._jump:
                log.warning("the clock went back %s; scheduled jobs brought forward", expected - wall)
                self.catch_up()

    def catch_up(self) -> int:
        """Run now every job that waits longer than its interval (the clock went back); how many."""
        now = datetime.now(UTC)  # APScheduler's own clock, which decides when a job runs
        moved = 0
        for job in self.get_jobs():
            interval = getattr(job.trigger, "interval", timedelta(0))
            if job.next_run_time is not None and job.next_run_time > now + interval:
                job.modify(next_run_time=now)
                moved += 1
        return moved


def add_job(scheduler: AsyncIOScheduler, job: Job, clock: Callable[[], datetime]) -> None:
    async def tick() -> None:
        await run_job(job, clock())

    scheduler.add_job(tick, "interval", seconds=job.every, id=job.id, max_instances=1, coalesce=True,
                      misfire_grace_time=max(60, int(job.every)))


def build_scheduler(uow_factory: Callable[[], UnitOfWork], dispatcher: OutboxDispatcher,
                    outbox_interval: float = 2.0, reminder_interval: float = 30.0,
                    clock: Callable[[], datetime] | None = None, sweep_interval: float = 5.0,
                    housekeeper: Housekeeper | None = None,
                    jobs: Sequence[Job] | None = None, watch_every: float = 1.0) -> ClockWatchingScheduler:
    """`jobs`: the proactive jobs (scheduler.proactive.proactive_jobs); None: the reminder job alone."""
    now = clock or (lambda: datetime.now(UTC))
    table = [*core_jobs(dispatcher, outbox_interval, sweep_interval),
             *(jobs if jobs is not None else [reminder_job(uow_factory, reminder_interval)])]
    ids = [job.id for job in table]
    if len(ids) != len(set(ids)):
        raise ValueError(f"two scheduled jobs share an id: {sorted(ids)}")
    scheduler = ClockWatchingScheduler(wall=clock, watch_every=watch_every, timezone=UTC)
    for job in table:
        add_job(scheduler, job, now)
    if housekeeper is not None:
        add_housekeeping_job(scheduler, housekeeper)
    return scheduler
