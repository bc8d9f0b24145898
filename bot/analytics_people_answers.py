"""Answers to the narrower questions: win rate, new deals, one rep's place on the leaderboard, who is behind
on follow-ups, the follow-ups due on a day. Read only; every answer names its scope and period."""

from __future__ import annotations

from datetime import datetime, time

from bot.analytics_answers import amounts_text, footer, percent
from bot.analytics_deal_answers import listed
from bot.analytics_periods import period_label
from bot.analytics_scope import Asked
from bot.context import Context
from bot.reply import Reply
from domain.analytics import Period
from domain.people import Rep


async def win_rate_answer(ctx: Context, asked: Asked, period: Period) -> Reply:
    """这个季度赢率多少: won / (won + lost) of the deals closed in the period."""
    numbers = await ctx.uow.analytics.results(asked.scope, period)
    rate = percent(numbers.win_rate)
    title = ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 赢率 {rate}",
                  f"{asked.scope.label_en} · win rate for {period_label(period, 'en')}: {rate}")
    lines = [ctx.t(f"赢单 {numbers.won} 个 · 输单 {numbers.lost} 个（赢率 = 赢单 ÷ 已结束的商机）",
                   f"Won {numbers.won} · lost {numbers.lost} (win rate = won ÷ deals closed)")]
    if numbers.win_rate is None:
        lines.append(ctx.t("本期还没有结束的商机。", "No deal was closed in this period."))
    return Reply.card(title, lines=lines, footer=footer(ctx, asked, period))


async def new_deals_answer(ctx: Context, asked: Asked, period: Period) -> Reply:
    """本月新增多少商机: deals (and leads) created in the period."""
    numbers = await ctx.uow.analytics.results(asked.scope, period)
    title = ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 新增商机 {numbers.new_deals} 个",
                  f"{asked.scope.label_en} · new deals in {period_label(period, 'en')}: {numbers.new_deals}")
    lines = [ctx.t(f"新商机 {numbers.new_deals} 个 · 新线索 {numbers.new_leads} 条",
                   f"New deals {numbers.new_deals} · new leads {numbers.new_leads}")]
    return Reply.card(title, lines=lines, footer=footer(ctx, asked, period))


async def rank_answer(ctx: Context, within: Asked, rep: Rep, period: Period) -> Reply:
    """梁宇这个季度排第几: the rep's place among the reps of the asker's scope, by amount won."""
    assert rep.id is not None
    place, ranked = await ctx.uow.analytics.rank_of(within.scope, period, rep.id)
    when = period_label(period, ctx.locale)
    if place is None:
        title = ctx.t(f"{rep.name} {when} 还没有赢单，未上榜（{ranked} 位同事有赢单）",
                      f"{rep.name} has won nothing in {when}: not ranked ({ranked} reps won deals)")
        return Reply.card(title, footer=footer(ctx, within, period))
    mine = await ctx.uow.analytics.leaderboard(within.scope, period, limit=place)
    won = mine[-1] if mine and mine[-1].rep_id == rep.id else None
    title = ctx.t(f"{rep.name} {when} 排第 {place} 名（共 {ranked} 位有赢单的同事）",
                  f"{rep.name} is number {place} of {ranked} reps with wins in {when}")
    lines = [ctx.t(f"赢单 {won.won} 个 · {amounts_text(won.won_amounts, 'zh')}",
                   f"Won {won.won} · {amounts_text(won.won_amounts, 'en')}")] if won else []
    return Reply.card(title, lines=lines, footer=footer(ctx, within, period, ctx.t("按赢单金额排名", "by amount won")))


async def behind_answer(ctx: Context, asked: Asked) -> Reply:
    """谁的跟进逾期了 / who is behind on follow-ups: overdue next steps per rep, most first."""
    size = ctx.settings.analytics.list_size
    total, _ = await ctx.uow.analytics.overdue_next_steps(asked.scope, ctx.now, limit=0)
    owners, rows = await ctx.uow.analytics.overdue_by_owner(asked.scope, ctx.now, limit=size)
    title = ctx.t(f"{asked.scope.label} · 跟进逾期的同事 {owners} 位，共 {total} 个商机",
                  f"{asked.scope.label_en} · {owners} reps behind on follow-ups, {total} deals in all")
    lines = []
    for owner_id, count in rows:
        owner = ctx.directory.rep(owner_id)
        name = owner.name if owner else ctx.t("（无负责人）", "(no owner)")
        lines.append(ctx.t(f"{name} · 逾期 {count} 个", f"{name} · {count} overdue"))
    if owners > len(rows):
        lines.append(ctx.t(f"另有 {owners - len(rows)} 位未列出", f"{owners - len(rows)} more not listed"))
    rule = ctx.t("下一步时间已过的进行中商机", "open deals whose next step is past due")
    return Reply.card(title, lines=lines or [ctx.t("没有。", "None.")], footer=footer(ctx, asked, None, rule))


async def due_answer(ctx: Context, asked: Asked, period: Period) -> Reply:
    """明天要跟进哪些: open deals whose next step falls in the period (default today), soonest first."""
    since = datetime.combine(period.start, time(), tzinfo=ctx.now.tzinfo)
    until = datetime.combine(period.end, time(), tzinfo=ctx.now.tzinfo)
    count, deals = await ctx.uow.analytics.next_steps_between(asked.scope, since, until,
                                                              limit=ctx.settings.analytics.list_size)
    title = ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 要跟进的商机 {count} 个",
                  f"{asked.scope.label_en} · {count} follow-ups due {period_label(period, 'en')}")
    return listed(ctx, asked, title, count, deals, ctx.t("时间", "at"), "", period)
