"""Email from chat: `邮件 #12 内容` mails the deal's contact; `转给 #12 李娜` hands a deal or lead over."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import approval_transfer, reminders
from bot.args import Args
from bot.capture.followups import record_mail_sent
from bot.context import Context
from bot.handlers.common import colleague, load_deal
from bot.handlers.handover import hand_over_leaver, has_arrow
from bot.handlers.leads import require_lead_access
from bot.handlers.sharing import announce
from bot.i18n import Text
from bot.mail.identity import stored_identity
from bot.mail.outgoing import Letter, compose
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain.customer import Contact, Customer
from domain.errors import DomainError, NotFound
from domain.lead import Lead, LeadStatus
from domain.mail import MailLink
from domain.opportunity import Opportunity
from domain.people import Rep
from domain.permissions import Right

_REF = re.compile(r"^\s*(?:#\d+|[Ll]\d+)(?:\s|$)")


class MailNotConfigured(DomainError):
    zh = "邮件通道还没有配置（[email] from_address / smtp_host），无法发邮件。"
    en = "The email channel is not configured ([email] from_address / smtp_host); cannot send mail."


class NoMailAddress(DomainError):
    zh = "{ref} 没有可用的联系人邮箱。先补充联系人邮箱（新客户 … 邮箱 …）再发。"
    en = "{ref} has no contact with a usable email address. Add one first."


class AddressBouncing(DomainError):
    zh = "{name} 的邮箱 {email} 之前退信了，请先核实地址。"
    en = "Mail to {name} <{email}> bounced before; please check the address first."


class AddressUnverified(DomainError):
    zh = ("不会给 {email} 发信：这个地址来自一封未经验证的邮件（发信域验证未通过或缺失）。"
          "请先与 {name} 核实地址，再发：核实邮箱 {ref} {email}")
    en = ("Not sending to {email}: the address came from a mail that could not be verified (no passing "
          "DMARC/SPF/DKIM). Check it with {name} first, then: verify email {ref} {email}")


@dataclass(slots=True)
class Target:
    customer: Customer
    deal: Opportunity | None
    lead: Lead | None
    note: str = ""  # said back to the rep, e.g. that a converted lead's mail goes to its deal

    @property
    def ref(self) -> str:
        return f"#{self.deal.id}" if self.deal is not None else f"L{self.lead.id}" if self.lead else ""

    @property
    def link(self) -> MailLink:
        lead_id = self.lead.id if self.lead is not None else self.deal.lead_id if self.deal is not None else None
        return MailLink(self.customer.id, None, lead_id, self.deal.id if self.deal is not None else None)


async def find_target(ctx: Context, args: Args, need: Right = Right.WORK, action: str = "") -> Target:
    """`#12` (a deal one holds `need` on) or `L5` (a lead one may work on; a converted lead means its deal)."""
    deal_ref = args.optional_opportunity()
    if deal_ref is not None:
        deal = await load_deal(ctx, deal_ref, need=need, action=action)
        return Target(await ctx.uow.customers.get(deal.customer_id), deal, None)
    lead_ref = args.lead()
    lead = await ctx.uow.leads.find(lead_ref)
    if lead is None:
        raise NotFound("线索", f"L{lead_ref}", "lead")
    await require_lead_access(ctx, lead)
    customer = await ctx.uow.customers.get(lead.customer_id)
    if lead.status is LeadStatus.CONVERTED and lead.opportunity_id is not None:
        deal = await load_deal(ctx, lead.opportunity_id, need=need, action=action)
        note = ctx.t(f"线索 L{lead.id} 已转为商机 #{deal.id}，邮件记在商机上。",
                     f"Lead L{lead.id} became deal #{deal.id}; the mail is recorded on the deal.")
        return Target(customer, deal, lead, note)
    return Target(customer, None, lead)


async def mail_contact(ctx: Context, target: Target) -> Contact:
    """The deal's (else the lead's) contact; else the customer's first contact with an address."""
    chosen = target.deal.contact_id if target.deal is not None else None
    chosen = chosen or (target.lead.contact_id if target.lead is not None else None)
    contact = await ctx.uow.contacts.find(chosen) if chosen else None
    if contact is None or not contact.email:
        assert target.customer.id is not None
        usable = [c for c in await ctx.uow.contacts.for_customer(target.customer.id) if c.email]
        trusted = [c for c in usable if not c.email_unverified]
        contact = next((c for c in trusted if not c.bouncing), trusted[0] if trusted else usable[0] if usable else None)
    if contact is None or not contact.email:
        raise NoMailAddress(ref=target.ref)
    if contact.email_unverified:
        raise AddressUnverified(name=contact.name, email=contact.email, ref=target.ref)
    if contact.bouncing:
        raise AddressBouncing(name=contact.name, email=contact.email)
    return contact


@command("邮件", "email", "发邮件", "send email", section="deals",
         help_zh="给商机或线索的联系人发邮件，客户回复自动归档到这里",
         help_en="Email the contact of a deal or lead; the customer's answer threads back here",
         usage_zh="邮件 #12 内容（或 邮件 L5 内容）", usage_en="email #12 <text> (or email L5 <text>)")
async def send_email(ctx: Context, args: Args) -> Reply:
    if not _REF.match(args.raw):  # "邮件跟何总确认了报价 #1": a sentence about mail, never sent to anyone
        from bot.understanding.route import understand  # the free-text route imports the handlers

        sentence = f"email {args.raw}" if args.raw.isascii() else f"邮件{args.raw}"
        if (understood := await understand(ctx, sentence.strip())) is not None:
            return understood
        raise args.fail("邮件要以商机号或线索号开头", "start with the deal or lead number")
    identity = await stored_identity(ctx.uow)
    if identity is None:
        raise MailNotConfigured()
    target = await find_target(ctx, args)
    text = _REF.sub("", args.raw, count=1).strip()  # the raw text keeps the rep's line breaks
    if not text:
        raise args.fail("缺少邮件内容", "missing the text of the mail")
    if target.deal is not None:
        from bot.handlers.quote_mail import refuse_if_held  # quote_mail builds on this module

        await refuse_if_held(ctx, target.deal, text)
    contact = await mail_contact(ctx, target)
    name = target.deal.name if target.deal is not None else target.lead.title if target.lead else ""
    subject = " · ".join(part for part in (target.customer.short_name or target.customer.name, name) if part)
    letter = Letter(contact, subject, text, signature=ctx.rep.name)
    link = MailLink(target.link.customer_id, contact.id, target.link.lead_id, target.link.opportunity_id)
    item = await compose(ctx.uow, identity, link, letter, ctx.now)
    ctx.outbox.append(item)
    await record_mail_sent(ctx, link, f"去信：{item.subject}\n{text}", target.deal)
    card = CardBuilder(ctx.t(f"邮件已排队发送 · {target.ref}", f"Mail queued · {target.ref}"), ctx.locale)
    card.add("收件人", "To", item.recipient).add("主题", "Subject", item.subject)
    if target.note:
        card.line(target.note)
    return card.build(ctx.t(f"客户回复会自动归到 {target.ref}。", f"The customer's answer will land on {target.ref}."))


async def hand_deal_over(ctx: Context, deal: Opportunity, rep: Rep) -> None:
    """The deal (read and remembered) goes to `rep` and their team; their reminders about it follow."""
    before = deal.owner_id
    deal.owner_id, deal.team_id = rep.id, rep.team_id
    deal.shared_with = [p for p in deal.shared_with if p != rep.id]
    await ctx.update("opportunity", deal, owner_id=[before, rep.id])
    await reminders.follow_owner(ctx, deal, before)


@command("转给", "handover", "hand over", section="deals",
         help_zh="把商机或线索转给另一位同事负责（负责人、其经理或管理员；双方都会收到通知）",
         help_en="Hand a deal or lead over to a colleague (owner, their manager or an admin; both are told)",
         usage_zh="转给 #12 李娜（或 转给 L5 李娜）", usage_en="handover #12 <name> (or handover L5 <name>)")
async def hand_over(ctx: Context, args: Args) -> Reply:
    if not _REF.match(args.raw) and has_arrow(args.raw):  # handover 张伟 to 李娜: a leaver's whole book
        return await hand_over_leaver(ctx, args)
    target = await find_target(ctx, args, need=Right.CONTROL, action="handover")
    name = args.required_rest("缺少同事姓名", "missing the colleague's name")
    rep_id, rep = colleague(ctx, name)
    before: int | None = None
    label = target.customer.short_name or target.customer.name
    if target.deal is not None:
        before = target.deal.owner_id
        if before == rep_id:
            return Reply.text(ctx.t(f"{target.ref} 已经由 {rep.name} 负责", f"{rep.name} already owns {target.ref}"))
        if (held := await approval_transfer.hold(ctx, target.deal, rep)) is not None:
            return held  # another team: handed over once approved
        await hand_deal_over(ctx, target.deal, rep)
    elif target.lead is not None:
        ctx.remember("lead", target.lead)
        before = target.lead.owner_id
        target.lead.assign(rep.id, rep.team_id)
        await ctx.update("lead", target.lead, owner_id=[before, rep.id])
    await announce(ctx, [rep_id], Text(f"{ctx.rep.name} 把 {target.ref} {label} 转给了你",
                                       f"{ctx.rep.name} handed {target.ref} {label} over to you"))
    if before != rep_id:
        await announce(ctx, [before], Text(f"{ctx.rep.name} 把你负责的 {target.ref} {label} 转给了 {rep.name}",
                                           f"{ctx.rep.name} handed your {target.ref} {label} over to {rep.name}"))
    return Reply.text(ctx.t(f"{target.ref} {label} 已转给 {rep.name}",
                            f"{target.ref} {label} handed over to {rep.name}"))
