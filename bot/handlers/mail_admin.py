"""`隔离邮件`: the captured mails that could not be stored and were skipped (admins only)."""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.registry import command
from bot.reply import Reply
from domain.errors import PermissionDenied
from domain.mail import QuarantineEntry
from domain.people import Role

SHOWN = 20


@command("隔离邮件", "quarantined mail", "mail quarantine", section="general", writes=False,
         help_zh="查看无法保存而被跳过的邮件（管理员）",
         help_en="List captured mails that could not be stored (admins)",
         usage_zh="隔离邮件", usage_en="quarantined mail")
async def list_quarantined_mail(ctx: Context, args: Args) -> Reply:
    if ctx.rep.role is not Role.ADMIN:
        raise PermissionDenied("隔离邮件", "quarantined mail")
    total = await ctx.uow.mail_quarantine.count()
    if total == 0:
        return Reply.text(ctx.t("没有被隔离的邮件。", "No quarantined mail."))
    entries = await ctx.uow.mail_quarantine.latest(SHOWN)
    title = ctx.t(f"隔离邮件 {total} 封（最新 {len(entries)} 封；请在邮件客户端中按 UID 查看）",
                  f"{total} quarantined mails (newest {len(entries)}; find them in your mail client by UID)")
    return Reply.card(title, lines=[_line(ctx, entry) for entry in entries])


def _line(ctx: Context, entry: QuarantineEntry) -> str:
    at = entry.at.astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d %H:%M")
    sender = entry.sender or ctx.t("（无发件人）", "(no sender)")
    return (f"{at} · {entry.mailbox} UID {entry.uid} · {sender} · {entry.subject or '-'} · "
            f"{entry.message_id} · {ctx.t('原因', 'reason')}: {entry.reason[:200]}")
