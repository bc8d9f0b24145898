"""Mail held from a stranger (bot.mail.holding): its owner files it onto the thread, or ignores it."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.common import load_deal
from bot.handlers.leads import can_see_lead
from bot.mail.batch import MailBatch
from bot.mail.handler import MailHandler
from bot.mail.identity import MailIdentity
from bot.mail.lookups import MailLookups
from connectors.base import InboundMessage
from domain.errors import DomainError
from domain.mail import HeldStatus, MailKey, MailThread
from domain.people import Role


class HeldMailNotFound(DomainError):
    zh = "没有待处理的邮件 {code}（代码不对，或已归档/忽略）。用法：归档 代码 / 忽略 代码"
    en = "No held mail {code} (wrong code, or already filed/ignored). Usage: file <code> / ignore <code>"


async def load_held(ctx: Context, code: str) -> MailThread:
    """The held mail, if it is still held and this person may work on its deal or lead."""
    found = [t for t in await ctx.uow.mail_threads.find([code]) if t.kind is MailKey.HELD]
    if not found or found[0].status != HeldStatus.HELD.value or not await _may_settle(ctx, found[0]):
        raise HeldMailNotFound(code=code)  # one answer for missing and not yours
    return found[0]


async def _may_settle(ctx: Context, thread: MailThread) -> bool:
    if thread.opportunity_id is not None:
        try:
            await load_deal(ctx, thread.opportunity_id)
        except DomainError:
            return False
        return True
    if thread.lead_id is not None:
        lead = await ctx.uow.leads.find(thread.lead_id)
        return lead is not None and can_see_lead(ctx, lead)
    return ctx.rep.role is Role.ADMIN


async def ignore_held(ctx: Context, code: str) -> MailThread:
    thread = await load_held(ctx, code)
    if not await ctx.uow.mail_threads.settle_held(code, HeldStatus.IGNORED.value):
        raise HeldMailNotFound(code=code)
    await ctx.audit("mail_thread", thread.id, "update", status=[HeldStatus.HELD.value, HeldStatus.IGNORED.value])
    return thread


async def file_held(ctx: Context, identity: MailIdentity, code: str) -> MailThread:
    """Attach the mail as if its sender were a participant: follow-up, contact (vouched for), thread."""
    thread = await load_held(ctx, code)
    if not await ctx.uow.mail_threads.settle_held(code, HeldStatus.FILED.value):
        raise HeldMailNotFound(code=code)
    msg = InboundMessage(channel="email", external_id=f"held:{code}", conversation_id=identity.address,
                         sender_id=thread.sender, sender_name=thread.sender_name, text=thread.note,
                         received_at=thread.at, subject=thread.subject, extra={"kind": "human"})
    mail = MailHandler(identity, ctx.settings).classify(msg, ctx.directory)
    mail.kind = "human"
    lookups = await MailLookups.load(ctx.uow, [mail], thread.at)
    link = thread.link
    if link.customer_id is not None:
        lookups.customers.update(await ctx.uow.customers.many({link.customer_id}))
    lookups.leads.update(await ctx.uow.leads.many({link.lead_id} - {None}))  # type: ignore[arg-type]
    lookups.deals.update(await ctx.uow.opportunities.many({link.opportunity_id} - {None}))  # type: ignore[arg-type]
    batch = MailBatch(ctx.uow, ctx.directory, lookups, identity, ctx.settings, ctx.now)
    await batch.take_filed(mail, link)
    ctx.outbox += await batch.finish()
    await ctx.audit("mail_thread", thread.id, "update", status=[HeldStatus.HELD.value, HeldStatus.FILED.value])
    return thread
