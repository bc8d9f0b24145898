"""Sharing a deal with a colleague: they see it and may work on it; the owner stays the owner."""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.handlers.common import colleague, load_deal
from bot.i18n import Text
from bot.registry import command
from bot.reply import Reply


@command("共享", "share", section="deals",
         help_zh="把商机共享给同事（对方可查看和跟进，负责人不变）",
         help_en="Share a deal with a colleague (they can see and work on it; the owner stays)",
         usage_zh="共享 #12 李娜", usage_en="share #12 <name>")
async def share_deal(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    rep_id, rep = colleague(ctx, args.required_rest("缺少同事姓名", "missing the colleague's name"))
    if rep_id == opp.owner_id or rep_id in opp.shared_with:
        return Reply.text(ctx.t(f"{rep.name} 已经能看到 #{opp.id}", f"{rep.name} can already see #{opp.id}"))
    opp.shared_with.append(rep_id)
    await ctx.update("opportunity", opp, shared_with=list(opp.shared_with))
    await ctx.notify(rep_id, Text(f"{ctx.rep.name} 把商机 #{opp.id} {opp.name} 共享给了你",
                                  f"{ctx.rep.name} shared deal #{opp.id} {opp.name} with you"))
    return Reply.text(ctx.t(f"#{opp.id} 已共享给 {rep.name}", f"#{opp.id} shared with {rep.name}"))


@command("取消共享", "unshare", section="deals",
         help_zh="取消商机对某位同事的共享", help_en="Stop sharing a deal with a colleague",
         usage_zh="取消共享 #12 李娜", usage_en="unshare #12 <name>")
async def unshare_deal(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    rep_id, rep = colleague(ctx, args.required_rest("缺少同事姓名", "missing the colleague's name"))
    if rep_id not in opp.shared_with:
        return Reply.text(ctx.t(f"#{opp.id} 没有共享给 {rep.name}", f"#{opp.id} is not shared with {rep.name}"))
    opp.shared_with.remove(rep_id)
    await ctx.update("opportunity", opp, shared_with=list(opp.shared_with))
    return Reply.text(ctx.t(f"#{opp.id} 已取消对 {rep.name} 的共享", f"#{opp.id} is no longer shared with {rep.name}"))
