"""Reminders follow their deal: one open next-step reminder per deal, cancelled when the deal closes,
moved when it changes hands. "Open" is pending or sent and not acted on yet (a pushed card whose owner has
not answered would otherwise stay open, and escalate to the manager, about a closed or handed-over deal).
Every change goes through `ctx.update`, so undo restores it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.context import Context
from domain import horizon, permissions
from domain.activity import Reminder, ReminderKind, ReminderStatus
from domain.daily_text import deal_item
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
        rep_id=ctx.rep_id, due_at=due, text=await deal_text(ctx, opp, opp.next_step), opportunity_id=opp.id,
        followup_id=followup_id))
    await ctx.audit("reminder", reminder.id, "create")
    return reminder


async def deal_text(ctx: Context, opp: Opportunity, step: str) -> str:
    """"#259 苏州卫健委 · 约客户开会": how a reminder about a deal reads (the morning list reads the same)."""
    assert opp.id is not None
    customer = await ctx.uow.customers.find(opp.customer_id) if opp.customer_id is not None else None
    return deal_item(opp.id, (customer.short_name or customer.name) if customer else "", step)


async def step_of(ctx: Context, reminder: Reminder) -> Opportunity | None:
    """The open deal whose current next step `reminder` is (a next-step reminder made with a follow-up;
    there is one open per deal), when the person acting may work on it; else None."""
    if reminder.kind is not ReminderKind.NEXT_STEP or reminder.followup_id is None \
            or reminder.opportunity_id is None:
        return None
    opp = await ctx.uow.opportunities.find(reminder.opportunity_id)
    if opp is None or opp.stage.is_closed or opp.next_at is None \
            or not permissions.can_work(ctx.rep, opp, ctx.directory.team_of, ctx.directory.teams):
        return None
    return opp


async def finish_step(ctx: Context, reminder: Reminder) -> Opportunity | None:
    """Its reminder done: the deal's next step is done too (cleared, as when a deal closes)."""
    opp = await step_of(ctx, reminder)
    if opp is not None:
        await _move_step(ctx, opp, None)
    return opp


async def move_step(ctx: Context, reminder: Reminder, delta: timedelta) -> Opportunity | None:
    """Its reminder snoozed or rescheduled by `delta`: the deal's next step moves by as much."""
    opp = await step_of(ctx, reminder)
    if opp is not None and opp.next_at is not None:
        await _move_step(ctx, opp, opp.next_at + delta)
    return opp


async def _move_step(ctx: Context, opp: Opportunity, next_at: datetime | None) -> None:
    ctx.remember("opportunity", opp)
    before = (opp.next_at, opp.next_step)
    opp.next_at = next_at
    if next_at is None:
        opp.next_step = ""
    await ctx.update("opportunity", opp, next_at=[before[0], opp.next_at], next_step=[before[1], opp.next_step])


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
