"""Scheduled jobs. Each takes a unit-of-work factory and the current time; none sleeps."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from domain.activity import ReminderStatus
from domain.messaging import OutboxItem
from domain.people import CHANNEL_ORDER
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)


async def deliver_due_reminders(uow_factory: Callable[[], UnitOfWork], now: datetime,
                                order: Sequence[str] = CHANNEL_ORDER) -> int:
    """Turn due reminders into outbox rows, in one transaction with marking them sent."""
    async with uow_factory() as uow:
        due = list(await uow.reminders.due(now))
        for reminder in due:
            rep = await uow.reps.find(reminder.rep_id)
            target = rep.preferred_channel(order) if rep else None
            if target is not None and rep is not None:
                prefix = "⏰ 提醒：" if rep.locale != "en" else "⏰ Reminder: "
                await uow.outbox.add(OutboxItem(channel=target[0], recipient=target[1],
                                                text=prefix + reminder.text, created_at=now,
                                                dedupe_key=f"reminder:{reminder.id}"))
                reminder.status = ReminderStatus.SENT
            else:  # nobody to tell: say so in the log rather than pretend it was sent
                log.warning("reminder %s: rep %s has no channel to deliver to; cancelled", reminder.id, reminder.rep_id)
                reminder.status = ReminderStatus.CANCELLED
            await uow.reminders.save(reminder)
        await uow.commit()
    return len(due)
