"""`反馈 <text>` / `feedback <text>`: anyone tells the team what works and what does not; admins read it back
with `反馈 列表 [本月]` / `feedback list [this month]` (and get a monthly summary by theme: scheduler.feedback)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from bot.args import Args
from bot.context import Context
from bot.registry import command
from bot.reply import Reply
from bot.usage import words
from domain.errors import DomainError
from domain.people import Role
from domain.usage import Feedback, UsageUnitOfWork

SHOWN = 20
RECENT_DAYS = 30
LIST_WORDS = ("列表", "list")
MONTH_WORDS = ("本月", "this month")


class AdminsOnly(DomainError):
    zh = "只有管理员可以查看反馈列表。你的意见请这样写：反馈 希望提醒可以提前一天"
    en = "Only admins may read the feedback list. To give yours: feedback please remind me a day earlier"


@command("反馈", "feedback", section="general",
         help_zh="给我们提意见或建议（管理员：反馈 列表 [本月]）",
         help_en="Tell us what works and what does not (admins: feedback list [this month])",
         usage_zh="反馈 你的意见，例如：反馈 希望提醒可以提前一天",
         usage_en="feedback <your comment>, e.g. feedback please remind me a day earlier")
async def give_feedback(ctx: Context, args: Args) -> Reply:
    text = args.raw
    first, _, rest = text.partition(" ")
    if first.casefold() in LIST_WORDS:
        return await list_feedback(ctx, rest.strip())
    if not text:
        return Reply.text(words.HOW_TO.get(ctx.locale), error=True)
    stored = await cast(UsageUnitOfWork, ctx.uow).usage.add_feedback(Feedback(
        person_id=ctx.rep_id, channel=ctx.channel, conversation_id=ctx.conversation_id, group=ctx.in_group,
        locale=ctx.locale, text=text, at=ctx.now))
    return Reply.text(words.THANKS.format(ctx.locale, id=stored.id))


async def list_feedback(ctx: Context, period: str) -> Reply:
    if ctx.rep.role is not Role.ADMIN:
        raise AdminsOnly()
    if period and period.casefold() not in MONTH_WORDS:
        return Reply.text(words.BAD_LIST.get(ctx.locale), error=True)
    if period:
        start = ctx.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        label = words.THIS_MONTH.get(ctx.locale)
    else:
        start = ctx.now - timedelta(days=RECENT_DAYS)
        label = words.RECENT.format(ctx.locale, days=RECENT_DAYS)
    found = await cast(UsageUnitOfWork, ctx.uow).usage.feedback_between(start, ctx.now + timedelta(seconds=1), SHOWN)
    if not found:
        return Reply.text(words.NO_FEEDBACK.format(ctx.locale, period=label))
    return Reply.card(words.LIST_TITLE.format(ctx.locale, n=len(found), period=label),
                      lines=[_line(ctx, item) for item in found])


def _line(ctx: Context, item: Feedback) -> str:
    at = _local(item.at, ctx.now).strftime("%m-%d %H:%M")
    who = person.name if (person := ctx.directory.rep(item.person_id)) is not None else "?"
    where = (words.GROUP if item.group else words.PRIVATE).get(ctx.locale)
    return f"F{item.id} {at} · {who} · {words.channel_name(item.channel, ctx.locale)} · {where}：{item.text[:300]}"


def _local(at: datetime, now: datetime) -> datetime:
    return at.astimezone(now.tzinfo)
