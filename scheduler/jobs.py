"""Scheduled jobs. Each takes a unit-of-work factory and the current time; none sleeps."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from domain import permissions
from domain.activity import Reminder, ReminderStatus
from domain.opportunity import Opportunity
from domain.people import CHANNEL_ORDER, Rep, Team
from domain.ports import UnitOfWork
from domain.reminder_card import card_key, card_of, remember_card
from scheduler.push import push
from scheduler.reminder_push import BUTTON_CHANNELS, reminder_push

log = logging.getLogger(__name__)
# Called once with every reminder pushed (recipient, reminder, its deal), in the same transaction
# (scheduler.sms_jobs.ReminderSms: the SMS copies).
Pushed = tuple[Rep, Reminder, Opportunity | None]
Copy = Callable[[UnitOfWork, Sequence[Pushed], datetime], Awaitable[Any]]


async def deliver_due_reminders(uow_factory: Callable[[], UnitOfWork], now: datetime,
                                order: Sequence[str] = CHANNEL_ORDER,
                                button_channels: Sequence[str] = BUTTON_CHANNELS, copy: Copy | None = None) -> int:
    """Push due reminders (urgent: at the time asked, quiet hours or not) and mark them sent, in one
    transaction. Each push is a card with 完成 / 延后一天 / 改时间 / 查看: buttons on `button_channels`,
    numbered replies elsewhere; it is also remembered as the person's latest card (what "1".."4" answer).

    A reminder about a deal is checked at delivery: if the deal is gone or no longer visible to the
    recipient (handed over, unshared), it is cancelled and logged instead of sent. (Closing a deal cancels
    its reminders when it happens; a reminder set on a won deal afterwards, say to collect a payment, is sent.)
    `copy`: called with the reminders pushed (the SMS copies for people who opted in, issue #16).
    """
    async with uow_factory() as uow:
        due = list(await uow.reminders.due(now))
        if not due:
            return 0
        # one query each, whatever the number of reminders: their deals, then their recipients and deal owners
        deals = await uow.opportunities.many(r.opportunity_id for r in due if r.opportunity_id is not None)
        by_id = await uow.reps.many({r.rep_id for r in due} | {d.owner_id for d in deals.values() if d.owner_id})
        teams = tuple(await uow.teams.list()) if deals else ()
        team_of = {rep_id: rep.team_id for rep_id, rep in by_id.items()}
        pushed: list[Pushed] = []
        for reminder in due:
            rep = by_id.get(reminder.rep_id)
            target = rep.preferred_channel(order) if rep else None
            if rep is None or target is None:  # nobody to tell: say so in the log rather than pretend it was sent
                log.warning("reminder %s: rep %s has no channel to deliver to; cancelled",
                            reminder.id, reminder.rep_id)
                reminder.status = ReminderStatus.CANCELLED
            elif (why := _stale(reminder, rep, deals, team_of, teams)) is not None:
                log.info("reminder %s for rep %s cancelled at delivery: %s", reminder.id, reminder.rep_id, why)
                reminder.status = ReminderStatus.CANCELLED
            else:
                await push(uow, rep, reminder_push(reminder, rep.locale, target[0] in button_channels), now,
                           order=order)
                pushed.append((rep, reminder, deals.get(reminder.opportunity_id or 0)))
                key = card_key(reminder.rep_id)  # the latest card, and the recent ones: what "1".."4" answer
                await uow.settings.put(key, remember_card(await uow.settings.get(key), card_of(reminder), now))
                reminder.status, reminder.sent_at = ReminderStatus.SENT, now
            await uow.reminders.save(reminder)
        if copy is not None and pushed:
            await copy(uow, pushed, now)
        await uow.commit()
    return len(due)


def _stale(reminder: Reminder, rep: Rep, deals: Mapping[int, Opportunity], team_of: Mapping[int, int | None],
           teams: Sequence[Team]) -> str | None:
    """Why a reminder about a deal must not be sent to `rep` any more, or None when it may be."""
    if reminder.opportunity_id is None:
        return None
    deal = deals.get(reminder.opportunity_id)
    if deal is None:
        return f"deal {reminder.opportunity_id} no longer exists"
    if not permissions.can_view(rep, deal, team_of, teams):
        return f"rep {rep.id} may no longer see deal {deal.id}"
    return None
