"""Reminders follow their deal: one open next-step reminder per deal, cancelled when the deal closes,
moved when it changes hands. "Open" is pending or sent and not acted on yet (a pushed card whose owner has
not answered would otherwise stay open, and escalate to the manager, about a closed or handed-over deal).
Every change goes through `ctx.update`, so undo restores it.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.context import Context
from domain import horizon
from domain.activity import Reminder, ReminderStatus
from domain.opportunity import Opportunity


def check_time(due: date | datetime, now: datetime) -> None:
    """Refuse a reminder beyond the reminder horizon (DateOutOfRange, zh/en)."""
    horizon.check(due, now.date(), horizon.REMINDER, "提醒", "reminder")


async def schedule_next_step(ctx: Context, opp: Opportunity, due: datetime, followup_id: int | None) -> Reminder:
    """The deal's next-step reminder for the person recording it; earlier pending next-step reminders of
    the deal are cancelled (replaced), so a deal never stacks several."""
    assert opp.id is not None
    check_time(due, ctx.now)
    for old in await ctx.uow.reminders.open_for_deal(opp.id):
        if old.followup_id is not None:
            await _set(ctx, old, status=ReminderStatus.CANCELLED)
    reminder = await ctx.uow.reminders.add(Reminder(
        rep_id=ctx.rep_id, due_at=due, text=f"#{opp.id} {opp.next_step}", opportunity_id=opp.id,
        followup_id=followup_id))
    await ctx.audit("reminder", reminder.id, "create")
    return reminder


async def cancel_for_closed_deal(ctx: Context, opp: Opportunity) -> int:
    """Won or lost: every pending reminder about the deal is cancelled. Returns how many."""
    assert opp.id is not None
    pending = list(await ctx.uow.reminders.open_for_deal(opp.id))
    for reminder in pending:
        await _set(ctx, reminder, status=ReminderStatus.CANCELLED)
    return len(pending)


async def follow_owner(ctx: Context, opp: Opportunity, previous_owner: int | None) -> int:
    """After a handover: the previous owner's pending reminders about the deal go to the new owner."""
    assert opp.id is not None
    if opp.owner_id is None or previous_owner == opp.owner_id:
        return 0
    moved = [r for r in await ctx.uow.reminders.open_for_deal(opp.id) if r.rep_id == previous_owner]
    for reminder in moved:
        await _set(ctx, reminder, rep_id=opp.owner_id)
    return len(moved)


async def _set(ctx: Context, reminder: Reminder, *, status: ReminderStatus | None = None,
               rep_id: int | None = None) -> None:
    ctx.remember("reminder", reminder)
    before = (reminder.status.value, reminder.rep_id)
    if status is not None:
        reminder.status = status
    if rep_id is not None:
        reminder.rep_id = rep_id
    await ctx.update("reminder", reminder, status=[before[0], reminder.status.value],
                     rep_id=[before[1], reminder.rep_id])
