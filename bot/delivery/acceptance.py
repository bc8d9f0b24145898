"""验收: a milestone accepted (issue #15). It is marked done with the day; the payment milestone it releases
(of the deal's plan in force: a replaced plan's link is followed by seq) falls due on that day plus `[delivery]
payment_terms_days`, unless the plan already had it due earlier; the deal's owner is told in chat. Audited:
`撤销` restores both. The last acceptance completes the project (bot.delivery.lifecycle)."""

from __future__ import annotations

from bot.context import Context
from bot.delivery import events, lifecycle
from bot.delivery.access import Access
from bot.delivery.cards import short_day
from bot.handlers.common import money
from bot.i18n import Text
from domain.billing import MilestoneStatus, PaymentMilestone
from domain.delivery import Milestone, WorkStatus
from domain.delivery_rules import milestone_accepted, payment_due_on


async def released_payment(ctx: Context, stone: Milestone, access: Access) -> PaymentMilestone | None:
    """The payment milestone the milestone releases, in the plan in force; None when none (or already paid)."""
    if stone.payment_milestone_id is None:
        return None
    linked = await ctx.uow.milestones.find(stone.payment_milestone_id)
    if linked is not None and linked.replaced_at is not None:  # the plan was replaced: the same seq in force
        current = await ctx.uow.milestones.for_opportunity(access.deal.id or 0)
        linked = next((p for p in current if p.seq == linked.seq and p.replaced_at is None), None)
    if linked is None or linked.status is MilestoneStatus.PAID:
        return None
    return linked


async def accept(ctx: Context, stone: Milestone, access: Access) -> list[str]:
    """Accept the milestone; the reply's lines ("already accepted" changes nothing)."""
    if milestone_accepted(stone):
        day = short_day(stone.accepted_on, ctx)
        return [ctx.t(f"M{stone.id} {stone.name} 已于 {day} 验收，没有更改。",
                      f"M{stone.id} {stone.name} was accepted on {day}; nothing changed.")]
    ctx.remember("project_milestone", stone)
    before = stone.status.value
    stone.status, stone.accepted_on, stone.accepted_by = WorkStatus.DONE, ctx.now.date(), ctx.rep.id
    await ctx.update("project_milestone", stone, status=[before, stone.status.value], accepted_on=stone.accepted_on)
    await events.record(ctx, access.project.id, "milestone", f"里程碑 M{stone.id} {stone.name} 已验收",
                        f"Milestone M{stone.id} {stone.name} accepted", public=True)
    day = short_day(stone.accepted_on, ctx)  # "(Mon 7 Dec 2026 (today))" nested brackets
    lines = [ctx.t(f"已验收 M{stone.id} {stone.name}（{day}）", f"M{stone.id} {stone.name} accepted ({day})")]
    payment = await released_payment(ctx, stone, access)
    if payment is not None:
        lines.append(await _payment_due(ctx, stone, payment, access))
    return lines + await lifecycle.completed_by_acceptance(ctx, access)


async def _payment_due(ctx: Context, stone: Milestone, payment: PaymentMilestone, access: Access) -> str:
    assert stone.accepted_on is not None
    due = payment_due_on(stone.accepted_on, ctx.settings.delivery.payment_terms_days, payment.due_on)
    if due != payment.due_on:
        ctx.remember("milestone", payment)
        before, payment.due_on = payment.due_on, due
        await ctx.update("milestone", payment, due_on=[before, due])
    if access.deal.owner_id is not None:
        await ctx.notify(access.deal.owner_id, Text(_due_text(stone, payment, "zh"), _due_text(stone, payment, "en")))
    return _due_text(stone, payment, ctx.locale)


def _due_text(stone: Milestone, payment: PaymentMilestone, locale: str) -> str:
    amount = money(payment.amount, locale)
    day = f"{payment.due_on.year}年{payment.due_on.month}月{payment.due_on.day}日" if locale != "en" \
        else payment.due_on.isoformat()
    if locale == "en":
        return (f"M{stone.id} {stone.name} accepted: payment #{payment.seq} {amount} of deal "
                f"#{payment.opportunity_id} is now due (due {day})")
    return (f"M{stone.id} {stone.name} 已验收，商机 #{payment.opportunity_id} 回款 #{payment.seq} {amount} "
            f"现已到期（到期日 {day}）")
