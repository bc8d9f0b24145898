"""`预计签约 #12 2027-01-15` / `close date #12 2027-01-15`: an open deal's expected close date. Moving it later
is a slip (domain.opportunity.CloseDateMove), which the win model counts (issue #13) and undo removes with the
change; the risk warning 预计成交日已过 reads the date.
"""

from __future__ import annotations

from datetime import datetime, time

from bot.args import Args
from bot.context import Context
from bot.handlers.common import load_deal, when
from bot.handlers.money import day_of
from bot.registry import command
from bot.reply import Reply
from domain.opportunity import CloseDateMove


@command("预计签约", "签约日期", "预计成交", "close date", "expected close", section="deals",
         help_zh="设置或调整商机的预计签约日期（推迟会计入赢单概率）",
         help_en="Set or change a deal's expected close date (moving it later counts in the win probability)",
         usage_zh="预计签约 #12 2027-01-15", usage_en="close date #12 2027-01-15")
async def set_close_date(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    assert opp.id is not None
    picked = args.when(required=True)
    if extra := args.rest():
        raise args.fail(f"多余的内容「{extra}」（只需要日期，例如：预计签约 #{opp.id} 2027-01-15）",
                        f"unexpected '{extra}' (only the date, e.g. close date #{opp.id} 2027-01-15)")
    if opp.stage.is_closed:
        raise args.fail(f"#{opp.id} 已经{opp.stage.label('zh')}，不再需要预计签约日期",
                        f"#{opp.id} is already {opp.stage.label('en').lower()}: it needs no expected close date")
    day = day_of(picked, ctx.now)
    if day < ctx.now.date():
        raise args.fail(f"预计签约日期 {day} 已经过去，请写今天或以后的日期",
                        f"the expected close date {day} has passed: write today or a later day")
    before, after = opp.expected_close, datetime.combine(day, time(), ctx.now.tzinfo)
    if before is not None and before.astimezone(ctx.now.tzinfo).date() == day:
        return Reply.text(ctx.t(f"#{opp.id} 的预计签约日期已经是 {when(day, ctx)}，没有更改。",
                                f"#{opp.id} is already expected to close on {when(day, ctx)}; nothing was changed."))
    opp.expected_close = after
    await ctx.update("opportunity", opp, expected_close=[before, after])
    slip = ""
    if before is not None and after > before:
        move = await ctx.uow.close_moves.add(CloseDateMove(opp.id, before, after, ctx.now, ctx.rep.id))
        await ctx.audit("close_move", move.id, "create")
        days = (after - before).days
        slip = ctx.t(f"（比原来推迟了 {days} 天）", f" ({days} days later than before)")
    return Reply.text(ctx.t(f"已更新 #{opp.id} {opp.name} 的预计签约日期：{when(day, ctx)}{slip}",
                            f"#{opp.id} {opp.name} is now expected to close on {when(day, ctx)}{slip}"))
