"""Held mail from strangers: `归档 k7m2qa` files it onto its deal or lead, `忽略 k7m2qa` drops it."""

from __future__ import annotations

import re

from bot.args import Args
from bot.context import Context
from bot.handlers.email import MailNotConfigured, find_target
from bot.mail.identity import stored_identity
from bot.mail.trust import HELD_CODE_LENGTH
from bot.registry import command
from bot.reply import Reply
from domain.mail import MailThread

_CODE = re.compile(rf"^\s*([A-Za-z2-9]{{{HELD_CODE_LENGTH}}})\s*$")


def held_code_of(args: Args) -> str:
    match = _CODE.match(args.raw)
    if match is None:
        raise args.fail(f"要写邮件通知里的 {HELD_CODE_LENGTH} 位代码", f"give the {HELD_CODE_LENGTH}-letter code "
                        "from the notice")
    return match.group(1).lower()


def _where(thread: MailThread) -> str:
    if thread.opportunity_id is not None:
        return f"#{thread.opportunity_id}"
    return f"L{thread.lead_id}" if thread.lead_id is not None else ""


@command("归档", "file", "归档邮件", "file mail", section="deals", name_en="file mail",
         help_zh="把陌生发件人的邮件归档到商机/线索（可能添加联系人）",
         help_en="File a held mail from an unknown sender onto its deal or lead (may add the contact)",
         usage_zh="归档 代码（邮件通知里的代码）", usage_en="file <code> (the code in the notice)")
async def file_mail(ctx: Context, args: Args) -> Reply:
    code = held_code_of(args)
    identity = await stored_identity(ctx.uow)
    if identity is None:
        raise MailNotConfigured()
    from bot.mail.held import file_held  # bot.mail's batch imports the handlers package

    thread = await file_held(ctx, identity, code)
    where = _where(thread)
    return Reply.text(ctx.t(f"已归档：{thread.sender} 的邮件" + (f"记到 {where}" if where else "已建线索"),
                            f"Filed: the mail from {thread.sender}" + (f" is on {where}" if where else
                                                                        " became a lead")))


@command("忽略", "ignore", "忽略邮件", "ignore mail", section="deals", name_en="ignore mail",
         help_zh="忽略陌生发件人的邮件（不建联系人、不记跟进）",
         help_en="Ignore a held mail from an unknown sender (no contact, nothing recorded)",
         usage_zh="忽略 代码（邮件通知里的代码）", usage_en="ignore <code> (the code in the notice)")
async def ignore_mail(ctx: Context, args: Args) -> Reply:
    from bot.mail.held import ignore_held  # bot.mail's batch imports the handlers package

    thread = await ignore_held(ctx, held_code_of(args))
    return Reply.text(ctx.t(f"已忽略 {thread.sender} 的邮件，未做任何记录。",
                            f"Ignored the mail from {thread.sender}; nothing was recorded."))


@command("核实邮箱", "verify email", section="deals",
         help_zh="确认联系人邮箱（来自未经验证邮件的地址，核实后才能发信）",
         help_en="Confirm a contact's address (one learned from an unverified mail) so mail may be sent to it",
         usage_zh="核实邮箱 #12 he@mingtu.com（或 L5）", usage_en="verify email #12 he@mingtu.com (or L5)")
async def verify_address(ctx: Context, args: Args) -> Reply:
    target = await find_target(ctx, args)
    address = args.required_rest("缺少邮箱地址", "missing the address").strip().lower()
    contact = await ctx.uow.contacts.by_email(address)
    if contact is None or contact.customer_id != target.customer.id:
        raise args.fail(f"{target.ref} 的客户没有邮箱为 {address} 的联系人",
                        f"the customer of {target.ref} has no contact with address {address}")
    if contact.email_unverified:
        ctx.remember("contact", contact)
        contact.email_unverified = False
        await ctx.update("contact", contact, email_unverified=[True, False])
    return Reply.text(ctx.t(f"已核实 {contact.name} 的邮箱 {contact.email}，可以发信了。",
                            f"{contact.name}'s address {contact.email} is confirmed; mail may be sent to it."))
