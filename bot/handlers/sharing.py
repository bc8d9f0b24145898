"""Sharing a deal with a colleague: they see it and may work on it; the owner stays the owner.

Sharing, unsharing and handing over are control actions (owner, manager of the owner's team, admin):
a sharee works on the deal but cannot pass it on. The owner is told of every change made by someone else.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.args import Args
from bot.context import Context
from bot.handlers.common import colleague, load_deal
from bot.i18n import Text
from bot.registry import command
from bot.reply import Reply
from domain.opportunity import Opportunity
from domain.permissions import Right


async def announce(ctx: Context, people: Iterable[int | None], text: Text) -> None:
    """One outbox message to each person named (once each; never to the person acting)."""
    told: set[int] = set()
    for rep_id in people:
        if rep_id is not None and rep_id not in told:
            told.add(rep_id)
            await ctx.notify(rep_id, text)


def label(opp: Opportunity) -> str:
    return f"#{opp.id} {opp.name}"


@command("共享", "share", section="deals",
         help_zh="把商机共享给同事（对方可查看和跟进，负责人不变；仅负责人、其经理或管理员可操作）",
         help_en="Share a deal with a colleague (they can see and work on it; the owner stays; "
                 "owner, their manager or an admin only)",
         usage_zh="共享 #12 李娜", usage_en="share #12 <name>")
async def share_deal(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity(), need=Right.CONTROL, action="share")
    rep_id, rep = colleague(ctx, args.required_rest("缺少同事姓名", "missing the colleague's name"))
    if rep_id == opp.owner_id or rep_id in opp.shared_with:
        return Reply.text(ctx.t(f"{rep.name} 已经能看到 #{opp.id}", f"{rep.name} can already see #{opp.id}"))
    opp.shared_with.append(rep_id)
    await ctx.update("opportunity", opp, shared_with=list(opp.shared_with))
    await announce(ctx, [rep_id], Text(f"{ctx.rep.name} 把商机 {label(opp)} 共享给了你",
                                       f"{ctx.rep.name} shared deal {label(opp)} with you"))
    await announce(ctx, [opp.owner_id], Text(f"{ctx.rep.name} 把你的商机 {label(opp)} 共享给了 {rep.name}",
                                             f"{ctx.rep.name} shared your deal {label(opp)} with {rep.name}"))
    return Reply.text(ctx.t(f"#{opp.id} 已共享给 {rep.name}", f"#{opp.id} shared with {rep.name}"))


@command("取消共享", "unshare", section="deals",
         help_zh="取消商机对某位同事的共享（仅负责人、其经理或管理员可操作）",
         help_en="Stop sharing a deal with a colleague (owner, their manager or an admin only)",
         usage_zh="取消共享 #12 李娜", usage_en="unshare #12 <name>")
async def unshare_deal(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity(), need=Right.CONTROL, action="unshare")
    rep_id, rep = colleague(ctx, args.required_rest("缺少同事姓名", "missing the colleague's name"))
    if rep_id not in opp.shared_with:
        return Reply.text(ctx.t(f"#{opp.id} 没有共享给 {rep.name}", f"#{opp.id} is not shared with {rep.name}"))
    opp.shared_with.remove(rep_id)
    await ctx.update("opportunity", opp, shared_with=list(opp.shared_with))
    await announce(ctx, [opp.owner_id], Text(f"{ctx.rep.name} 取消了你的商机 {label(opp)} 对 {rep.name} 的共享",
                                             f"{ctx.rep.name} stopped sharing your deal {label(opp)} with {rep.name}"))
    await announce(ctx, [rep_id], Text(f"{ctx.rep.name} 取消了商机 {label(opp)} 对你的共享",
                                       f"{ctx.rep.name} stopped sharing deal {label(opp)} with you"))
    return Reply.text(ctx.t(f"#{opp.id} 已取消对 {rep.name} 的共享", f"#{opp.id} is no longer shared with {rep.name}"))
