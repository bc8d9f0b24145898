"""APScheduler wiring: a table of jobs, each `(id, every N seconds, async run(now))`.

The core jobs (outbox delivery, release of stale outbox claims) are always there; the proactive ones
(reminders, risk scan, digests, morning lists, daily-report drafts) come from `scheduler.proactive`, one
line each. A job that raises is logged with its traceback and simply runs again at its next tick.
Daily jobs ("at 08:30 local time per team") are interval jobs too: each tick asks whether the local time
has passed and whether today's push exists yet (scheduler.daily), so a clock jump, a restart or a second
process never fires a day twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.ports import UnitOfWork
from scheduler.housekeeping import Housekeeper, add_housekeeping_job
from scheduler.jobs import deliver_due_reminders
from scheduler.outbox import OutboxDispatcher

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


def reminder_job(uow_factory: Callable[[], UnitOfWork], every: float = 30.0) -> Job:
    async def reminders(now: datetime) -> int:
        return await deliver_due_reminders(uow_factory, now)

    return Job("reminders", every, reminders)


def add_job(scheduler: AsyncIOScheduler, job: Job, clock: Callable[[], datetime]) -> None:
    async def tick() -> None:
        await run_job(job, clock())

    scheduler.add_job(tick, "interval", seconds=job.every, id=job.id, max_instances=1, coalesce=True,
                      misfire_grace_time=max(60, int(job.every)))


def build_scheduler(uow_factory: Callable[[], UnitOfWork], dispatcher: OutboxDispatcher,
                    outbox_interval: float = 2.0, reminder_interval: float = 30.0,
                    clock: Callable[[], datetime] | None = None, sweep_interval: float = 5.0,
                    housekeeper: Housekeeper | None = None, jobs: Sequence[Job] | None = None) -> AsyncIOScheduler:
    """`jobs`: the proactive jobs (scheduler.proactive.proactive_jobs); None: the reminder job alone."""
    now = clock or (lambda: datetime.now(UTC))
    table = [*core_jobs(dispatcher, outbox_interval, sweep_interval),
             *(jobs if jobs is not None else [reminder_job(uow_factory, reminder_interval)])]
    ids = [job.id for job in table]
    if len(ids) != len(set(ids)):
        raise ValueError(f"two scheduled jobs share an id: {sorted(ids)}")
    scheduler = AsyncIOScheduler(timezone=UTC)
    for job in table:
        add_job(scheduler, job, now)
    if housekeeper is not None:
        add_housekeeping_job(scheduler, housekeeper)
    return scheduler
