"""`门户 P3` / `portal P3`: the customer portal link of a project (issue #15).

- `门户 P3 [en]`: a fresh signed link, to the asker (valid `[web] link_days`; `en` makes an English page);
- `门户 P3 发送 [en]` / `portal P3 send`: mails it to the customer's contacts with an email address, through
  the email outbox, threaded on the deal (a reply `变更：…` / `评分 4 …` lands on the project);
- `门户 P3 撤销` / `portal P3 revoke`: bumps the project's link_version, so every link given so far is refused.
Giving, mailing and revoking links need the right to work on the project (its manager has it).
"""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery.access import Access, open_project
from bot.delivery.events import record
from bot.delivery.words import take_flag
from bot.handlers.email import MailNotConfigured
from bot.mail.identity import stored_identity
from bot.mail.outgoing import Letter, compose
from bot.portal.links import portal_url
from bot.registry import command
from bot.reply import Reply
from domain.customer import Contact
from domain.errors import DomainError
from domain.mail import MailLink
from domain.permissions import Right

SEND_WORDS = ("发送", "发给客户", "send", "mail")
REVOKE_WORDS = ("撤销", "作废", "revoke")
MAX_CONTACTS = 10


class NoPortalAddress(DomainError):
    zh = "{customer} 没有可用的联系人邮箱（未退信、已核实）。先补充联系人邮箱，或用「门户 {ref}」取链接自己转发。"
    en = ("{customer} has no usable contact email (not bouncing, verified). Add one, or get the link with "
          "'portal {ref}' and forward it yourself.")


@command("门户", "portal", "客户门户", section="delivery", writes=True, prefix=False,
         help_zh="客户门户链接：门户 P3 取链接；门户 P3 发送 邮件发给客户联系人；门户 P3 撤销 让旧链接全部失效",
         help_en="Customer portal link: portal P3 gets one; portal P3 send mails it to the customer's contacts; "
                 "portal P3 revoke voids every link given so far",
         usage_zh="门户 P3 [en] | 门户 P3 发送 [en] | 门户 P3 撤销",
         usage_en="portal P3 [en] | portal P3 send [en] | portal P3 revoke")
async def portal_link(ctx: Context, args: Args) -> Reply:
    if not args.tokens:
        raise args.fail("缺少项目号（如 P3）", "missing the project number (like P3)")
    ref = args.tokens.pop(0)
    revoke, send = take_flag(args, REVOKE_WORDS), take_flag(args, SEND_WORDS)
    locale = "en" if take_flag(args, ("en", "英文", "english")) else "zh" if take_flag(args, ("zh", "中文")) else ""
    if args.tokens:
        raise args.fail(f"看不懂「{' '.join(args.tokens)}」", f"cannot read '{' '.join(args.tokens)}'")
    if revoke:
        return await _revoke(ctx, await open_project(ctx, ref, Right.WORK))
    access = await open_project(ctx, ref, Right.WORK)
    if send:
        return await _send(ctx, access, locale or "zh")
    url = portal_url(ctx.settings.web, access.project, ctx.now, locale or ctx.locale)
    days, ref, name = ctx.settings.web.link_days, f"P{access.project.id}", access.project.name
    return Reply.text(ctx.t(f"{ref}「{name}」的客户门户链接（{days} 天内有效，只能看到这个项目）：",
                            f"Customer portal link of {ref} '{name}' (valid {days} days, shows this project only):"),
                      url, ctx.t(f"发给客户联系人：门户 {ref} 发送；让链接失效：门户 {ref} 撤销",
                                 f"Mail it to the customer: portal {ref} send; void links: portal {ref} revoke"))


async def _revoke(ctx: Context, access: Access) -> Reply:
    project = access.project
    ctx.remember("project", project)
    before = project.link_version
    project.link_version = before + 1
    await ctx.update("project", project, link_version=[before, project.link_version])
    await record(ctx, project.id, "project", f"{ctx.rep.name} 收回了客户门户链接",
                 f"{ctx.rep.name} revoked the customer portal links")
    return Reply.text(ctx.t(f"P{project.id} 之前发出的门户链接已全部失效。新链接：门户 P{project.id}",
                            f"Every portal link of P{project.id} given so far is now refused. A new one: "
                            f"portal P{project.id}"))


def _usable(contacts: list[Contact]) -> list[Contact]:
    return [c for c in contacts if c.email and not c.bouncing and not c.email_unverified][:MAX_CONTACTS]


def mail_text(locale: str, name: str, project: str, url: str, days: int) -> tuple[str, str]:
    """(subject, body) of the portal mail."""
    if locale == "en":
        return (f"Project progress: {project}",
                f"Dear {name},\n\nYou can follow the project \"{project}\" here:\n{url}\n\n"
                "The page shows progress, milestones and the Gantt chart; you can ask for a change and rate each "
                "finished milestone there. You may also simply reply to this mail:\n"
                "  change: <what should change>\n  rating 4 <your comment>\n\n"
                f"The link is valid for {days} days and shows this project only.")
    return (f"项目进度：{project}",
            f"{name}，您好：\n\n「{project}」的项目进度页面：\n{url}\n\n"
            "页面上可以查看进度、里程碑和甘特图，提交变更请求，并为已完成的里程碑评分。也可以直接回复本邮件：\n"
            "  变更：<要变更的内容>\n  评分 4 <您的意见>\n\n"
            f"链接 {days} 天内有效，只显示这个项目。")


async def _send(ctx: Context, access: Access, locale: str) -> Reply:
    project, deal = access.project, access.deal
    identity = await stored_identity(ctx.uow)
    if identity is None:
        raise MailNotConfigured()
    customer = await ctx.uow.customers.get(deal.customer_id)
    contacts = _usable(list(await ctx.uow.contacts.for_customer(deal.customer_id)))
    if not contacts:
        raise NoPortalAddress(customer=customer.short_name or customer.name, ref=f"P{project.id}")
    url = portal_url(ctx.settings.web, project, ctx.now, locale)
    for contact in contacts:
        subject, body = mail_text(locale, contact.name, project.name, url, ctx.settings.web.link_days)
        link = MailLink(deal.customer_id, contact.id, deal.lead_id, deal.id)
        ctx.outbox.append(await compose(ctx.uow, identity, link, Letter(contact, subject, body, ctx.rep.name),
                                        ctx.now))
    await record(ctx, project.id, "project", f"{ctx.rep.name} 把客户门户链接发给了 {len(contacts)} 位客户联系人",
                 f"{ctx.rep.name} mailed the customer portal link to {len(contacts)} customer contacts")
    names = "、".join(c.name for c in contacts) if ctx.locale == "zh" else ", ".join(c.name for c in contacts)
    return Reply.text(ctx.t(f"P{project.id} 的门户链接已排队发给：{names}。"
                            "客户回复「变更：…」或「评分 4 …」会记到项目上。",
                            f"The portal link of P{project.id} is queued for: {names}. A reply 'change: …' or "
                            "'rating 4 …' is recorded on the project."))
