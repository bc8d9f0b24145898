"""APScheduler wiring: periodic outbox delivery, release of stale outbox claims, reminders, housekeeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.ports import UnitOfWork
from scheduler.housekeeping import Housekeeper, add_housekeeping_job
from scheduler.jobs import deliver_due_reminders
from scheduler.outbox import OutboxDispatcher


def build_scheduler(uow_factory: Callable[[], UnitOfWork], dispatcher: OutboxDispatcher,
                    outbox_interval: float = 2.0, reminder_interval: float = 30.0,
                    clock: Callable[[], datetime] | None = None, sweep_interval: float = 5.0,
                    housekeeper: Housekeeper | None = None) -> AsyncIOScheduler:
    now = clock or (lambda: datetime.now(UTC))

    async def reminders() -> None:
        await deliver_due_reminders(uow_factory, now())

    scheduler = AsyncIOScheduler(timezone=UTC)
    options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scheduler.add_job(dispatcher.drain, "interval", seconds=outbox_interval, id="outbox", **options)
    scheduler.add_job(dispatcher.release_stale, "interval", seconds=sweep_interval, id="outbox-sweep", **options)
    scheduler.add_job(reminders, "interval", seconds=reminder_interval, id="reminders", **options)
    if housekeeper is not None:
        add_housekeeping_job(scheduler, housekeeper)
    return scheduler
