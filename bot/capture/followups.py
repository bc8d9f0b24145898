"""Record a follow-up: the one writer of follow-up rows for commands, free text, the dedupe offer and mail
sent from chat (inbound mail is written in bulk by bot.mail.batch)."""

from __future__ import annotations

from datetime import datetime

from bot import reminders
from bot.context import Context
from domain.activity import FollowUp, FollowUpKind, Reminder
from domain.mail import MailLink
from domain.opportunity import Opportunity

KIND_WORDS = {"电话": FollowUpKind.CALL, "call": FollowUpKind.CALL, "拜访": FollowUpKind.VISIT,
              "visit": FollowUpKind.VISIT, "会议": FollowUpKind.MEETING, "meeting": FollowUpKind.MEETING,
              "微信": FollowUpKind.WECHAT, "邮件": FollowUpKind.EMAIL}


def kind_of(note: str) -> FollowUpKind:
    return next((k for w, k in KIND_WORDS.items() if w in note.casefold()), FollowUpKind.NOTE)


async def add_followup(ctx: Context, opp: Opportunity, note: str, next_at: datetime | None, next_step: str,
                       contact_id: int | None = None) -> FollowUp:
    """The follow-up row, audited, and the deal's last contact (the caller has checked the right)."""
    followup = await ctx.uow.followups.add(FollowUp(
        rep_id=ctx.rep.id, note=note, at=ctx.now, opportunity_id=opp.id, customer_id=opp.customer_id,
        contact_id=contact_id, kind=kind_of(note), next_step=next_step, next_at=next_at))
    await ctx.audit("followup", followup.id, "create")
    opp.last_contact_at = ctx.now
    return followup


async def record_mail_sent(ctx: Context, link: MailLink, note: str, deal: Opportunity | None) -> FollowUp:
    """A mail a rep sent from chat, on what it belongs to (a deal, a lead or only a customer)."""
    followup = await ctx.uow.followups.add(FollowUp(
        rep_id=ctx.rep.id, note=note, at=ctx.now, opportunity_id=link.opportunity_id,
        customer_id=link.customer_id, lead_id=link.lead_id, contact_id=link.contact_id, kind=FollowUpKind.EMAIL))
    await ctx.audit("followup", followup.id, "create")
    if deal is not None:
        deal.last_contact_at = ctx.now
        await ctx.update("opportunity", deal)
    return followup


async def record_followup(ctx: Context, opp: Opportunity, note: str, next_at: datetime | None,
                          next_step: str) -> FollowUp:
    """A follow-up by someone who works on the deal: the next step becomes the deal's, with its reminder."""
    if next_at is not None:
        reminders.check_time(next_at, ctx.now)  # before anything is written
    followup = await add_followup(ctx, opp, note, next_at, next_step)
    if next_at is not None:
        opp.next_at, opp.next_step = next_at, next_step or note
        await reminders.schedule_next_step(ctx, opp, next_at, followup.id)
    await ctx.update("opportunity", opp)
    return followup


async def record_note(ctx: Context, opp: Opportunity, note: str, next_at: datetime | None,
                      contact_id: int | None) -> FollowUp:
    """A note on a colleague's deal (permissions.can_add_note): the deal's own next step stays the owner's;
    the writer's next step is a personal reminder."""
    if next_at is not None:
        reminders.check_time(next_at, ctx.now)
    ctx.remember("opportunity", opp)
    followup = await add_followup(ctx, opp, note, next_at, "", contact_id)
    await ctx.update("opportunity", opp, last_contact_at=ctx.now.isoformat())
    if next_at is not None:
        reminder = await ctx.uow.reminders.add(Reminder(
            rep_id=ctx.rep_id, due_at=next_at, text=await reminders.deal_text(ctx, opp, note), opportunity_id=opp.id))
        await ctx.audit("reminder", reminder.id, "create")
    return followup
