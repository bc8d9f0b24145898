"""`建议 #12` / `suggest #12`: how likely the deal is to be won, and within 30 days, why (the model's strongest
factors, in words), and the next best action chosen from what the deal lacks (issue #13). A won deal gets
its overdue payments chased; a lost one is said to be lost.
"""

from __future__ import annotations

from typing import cast

from bot.args import Args
from bot.context import Context
from bot.handlers.common import load_deal
from bot.handlers.deals import LOST_LABELS
from bot.registry import command
from bot.reply import Reply
from bot.win_scoring import DealScore, current_model
from bot.win_text import arrow, fitted_line, percent
from domain.next_action import Action, DealGaps, next_actions, won_deal_actions
from domain.opportunity import Opportunity, Stage
from domain.payments import overdue
from domain.win_ports import WinUnitOfWork


@command("建议", "suggest", "下一步建议", "赢单概率", "赢单率", "成交概率", "next best action", "win probability",
         "win chance", "chance of winning", section="queries", writes=False,
         help_zh="商机的赢单概率、原因和下一步建议",
         help_en="A deal's win probability, the reasons, and what to do next",
         usage_zh="建议 #12", usage_en="suggest #12")
async def suggest(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity(), edit=False)
    if extra := args.rest():
        raise args.fail(f"多余的内容「{extra}」（只需要商机号，例如：建议 #{opp.id}）",
                        f"unexpected '{extra}' (only the deal number, e.g. suggest #{opp.id})")
    assert opp.id is not None
    title = f"#{opp.id} {opp.name} · {opp.stage.label(ctx.locale)}"
    if opp.stage is Stage.LOST:
        reason = LOST_LABELS[opp.lost_reason][ctx.locale == "en"] if opp.lost_reason else "-"
        return Reply.card(title, lines=[ctx.t(f"这个商机已输单（{reason}），不再预测。如果客户回来了，请新建一个商机。",
                                              f"This deal is lost ({reason}); nothing to predict. If the customer "
                                              "came back, open a new deal.")])
    gaps = await _gaps(ctx, opp)
    if opp.stage is Stage.WON:
        actions = won_deal_actions(gaps, opp.id)
        lines = [ctx.t("这个商机已赢单。", "This deal is won."), *_action_lines(ctx, actions)]
        return Reply.card(title, lines=lines)
    uow = cast(WinUnitOfWork, ctx.uow)
    fitted = await current_model(uow, ctx.now)
    [record] = await uow.wins.records([opp.id])
    scored = fitted.score(record, ctx.now)
    if scored is None:  # created in the future by a clock skew: nothing known yet
        return Reply.text(ctx.t("这个商机还没有可用的数据。", "Nothing is known about this deal yet."), error=True)
    lines = [_chance(ctx, scored), *_reasons(ctx, scored, fitted.model.speaks),
             *_action_lines(ctx, next_actions(scored.facts, gaps, opp.id))]
    return Reply.card(title, lines=lines, footer=fitted_line(fitted, ctx.locale))


async def _gaps(ctx: Context, opp: Opportunity) -> DealGaps:
    assert opp.id is not None
    milestones = await ctx.uow.milestones.for_opportunity(opp.id) if opp.stage is Stage.WON else []
    return DealGaps(has_contact=opp.contact_id is not None, has_next_step=opp.next_at is not None,
                    close_date_passed=opp.expected_close is not None and opp.expected_close < ctx.now,
                    overdue_payments=len(overdue(milestones, ctx.now.date())))


def _chance(ctx: Context, scored: DealScore) -> str:
    p, soon = percent(scored.score.p_win), percent(scored.score.p_win_horizon)
    return ctx.t(f"赢单概率 {p}，30天内签约的概率 {soon}", f"Chance of winning {p}; of signing within 30 days {soon}")


def _reasons(ctx: Context, scored: DealScore, enough_history: bool) -> list[str]:
    factors = scored.factors()
    if not factors and enough_history:  # the model was not trusted (see the model line)
        return [ctx.t("（按这个阶段的历史赢单率估算）", "(This stage's historical win rate)")]
    if not factors:
        return [ctx.t("（历史数据还不够，按阶段的基准赢单率估算）", "(Too little history yet: the stage's base rate)")]
    key = "en" if ctx.locale == "en" else "zh"
    return [ctx.t("原因：", "Why:"), *(f"{arrow(f['weight'])} {f[key]}" for f in factors)]


def _action_lines(ctx: Context, actions: list[Action]) -> list[str]:
    if not actions:
        return []
    return [ctx.t("建议下一步：", "Next best action:"),
            *(f"{n}. {a.text(ctx.locale)}" for n, a in enumerate(actions, start=1))]
