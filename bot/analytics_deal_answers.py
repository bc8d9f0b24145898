"""Answers about deals rather than sums: the funnel, stalled deals, overdue next steps and payments, one
rep's deals, a customer's history. Counts are true totals; lists are bounded ([analytics] list_size)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from bot.analytics_answers import amounts_text, footer, percent, plural
from bot.analytics_periods import period_label
from bot.analytics_scope import Asked
from bot.capture.customers import find_customers
from bot.context import Context
from bot.handlers.common import money, view_scope, when
from bot.handlers.customers import customer_card
from bot.reply import Reply
from domain.analytics import DealLine, Period
from domain.customer import Customer
from domain.insights import DEFAULT_STALL_DAYS
from domain.listing import ViewScope
from domain.opportunity import OPEN_STAGES, Opportunity

HISTORY_DEALS = 10  # deals of a customer's history
HISTORY_NOTES = 8  # follow-ups shown, newest first


async def funnel_answer(ctx: Context, asked: Asked, period: Period | None) -> Reply:
    """Open deals per stage now; conversion and cycle time over the period (a past one up to its end, the
    current one up to now; default: the last [analytics] funnel_days days)."""
    until: datetime | None = None
    if period is not None:
        since = datetime.combine(period.start, time(), tzinfo=ctx.now.tzinfo)
        end = datetime.combine(period.end, time(), tzinfo=ctx.now.tzinfo)
        until = end if end <= ctx.now else None
    else:
        since = ctx.now - timedelta(days=ctx.settings.analytics.funnel_days)
    funnel = await ctx.uow.analytics.funnel(asked.scope, since, until)
    lines = [ctx.t(f"{s.stage.label('zh')} {s.count} 个 · {amounts_text(s.amounts, 'zh')}",
                   f"{s.stage.label('en')} {s.count} · {amounts_text(s.amounts, 'en')}") for s in funnel.stages]
    for c in funnel.conversions:
        arrow = f"{c.source.label(ctx.locale)} → {c.target.label(ctx.locale)}"
        lines.append(f"{arrow} {c.reached_target}/{c.reached_source} ({percent(c.rate)})")
    if funnel.avg_cycle_days is None:
        lines.append(ctx.t("平均成交周期：无（期间内没有赢单）",
                           "Average cycle time: none (no deals won in the window)"))
    else:
        days = f"{funnel.avg_cycle_days:.1f}"
        lines.append(ctx.t(f"平均成交周期 {days} 天", f"Average cycle time {days} days"))
    return Reply.card(_funnel_title(ctx, asked, period), lines=lines, footer=_funnel_footer(ctx, asked, since, until))


def _funnel_title(ctx: Context, asked: Asked, period: Period | None) -> str:
    if period is None:
        return ctx.t(f"{asked.scope.label} · 销售漏斗", f"{asked.scope.label_en} · sales funnel")
    return ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 销售漏斗",
                 f"{asked.scope.label_en} · sales funnel for {period_label(period, 'en')}")


def _funnel_footer(ctx: Context, asked: Asked, since: datetime, until: datetime | None) -> str:
    """Which window the conversion and cycle time cover; the stages are open deals now."""
    start = since.date().isoformat()
    if until is None:
        window = ctx.t(f"转化统计：{start} 至今", f"Conversion: {start} to today")
    else:
        last = (until - timedelta(days=1)).date().isoformat()
        window = ctx.t(f"转化统计：{start} 至 {last}", f"Conversion: {start} – {last}")
    return footer(ctx, asked, None, window + ctx.t(" · 各阶段为当前进行中的商机", " · stages: open deals now"))


async def stalled_answer(ctx: Context, asked: Asked) -> Reply:
    count, deals = await ctx.uow.analytics.stalled(asked.scope, ctx.now, DEFAULT_STALL_DAYS,
                                                   limit=ctx.settings.analytics.list_size)
    title = ctx.t(f"{asked.scope.label} · 卡住的商机 {count} 个",
                  f"{asked.scope.label_en} · {plural(count, 'stalled deal')}")
    rule = ctx.t("在同一阶段停留超过：初步接触 14 天、方案提案 10 天、谈判 7 天",
                 "In the same stage for at least 14 days (initial contact), 10 (proposal), 7 (negotiation)")
    return listed(ctx, asked, title, count, deals, ctx.t("在此阶段自", "in this stage since"), rule)


async def overdue_answer(ctx: Context, asked: Asked, payments: bool) -> Reply:
    size = ctx.settings.analytics.list_size
    if payments:
        count, deals = await ctx.uow.analytics.overdue_payments(asked.scope, ctx.now.date(), limit=size)
        title = ctx.t(f"{asked.scope.label} · 逾期回款 {count} 个商机",
                      f"{asked.scope.label_en} · {plural(count, 'deal')} with overdue payments")
        return listed(ctx, asked, title, count, deals, ctx.t("最早到期", "due since"), "")
    count, deals = await ctx.uow.analytics.overdue_next_steps(asked.scope, ctx.now, limit=size)
    title = ctx.t(f"{asked.scope.label} · 逾期的跟进 {count} 个",
                  f"{asked.scope.label_en} · {plural(count, 'overdue follow-up')}")
    return listed(ctx, asked, title, count, deals, ctx.t("应于", "due"), "")


def listed(ctx: Context, asked: Asked, title: str, count: int, deals: Sequence[DealLine], since_word: str,
            rule: str, period: Period | None = None) -> Reply:
    if not count:
        return Reply.card(title, lines=[ctx.t("没有。", "None.")], footer=footer(ctx, asked, period, rule))
    lines = []
    for deal in deals:
        owner = ctx.directory.rep(deal.owner_id)
        lines.append(f"#{deal.opportunity_id} {deal.name} · {deal.stage.label(ctx.locale)} · "
                     f"{amounts_text(deal.amounts, ctx.locale)} · {since_word} {when(deal.since, ctx, date_only=True)}"
                     f"{f' · @{owner.name}' if owner else ''}")
    more = ctx.t(f"另有 {count - len(deals)} 个未列出", f"{count - len(deals)} more not listed") \
        if count > len(deals) else ""
    return Reply.card(title, lines=lines + ([more] if more else []), footer=footer(ctx, asked, period, rule))


async def rep_deals_answer(ctx: Context, asked: Asked) -> Reply:
    """张伟的商机 / 华北一组的商机: the rep's or the teams' open deals (the asker may see them: asked comes
    from resolve_scope)."""
    if asked.kind == "rep" and asked.rep_id is not None:
        scope = ViewScope(owner_ids=frozenset({asked.rep_id}))
    else:
        scope = ViewScope(team_ids=frozenset(asked.team_ids))
    shown = await ctx.uow.opportunities.visible(scope, stages=OPEN_STAGES, limit=ctx.settings.analytics.list_size)
    totals = await ctx.uow.opportunities.totals(scope, stages=OPEN_STAGES)
    lines = [f"#{o.id} {o.name} · {o.stage.label(ctx.locale)} · {money(o.amount, ctx.locale) or '-'}"
             + (f" · @{owner.name}" if asked.kind != "rep" and (owner := ctx.directory.rep(o.owner_id)) else "")
             for o in shown]
    name, name_en = asked.scope.label, asked.scope.label_en
    title = ctx.t(f"{name}的进行中商机 {totals.count} 个 · {amounts_text(totals.amounts, 'zh')}",
                  f"{name_en}'s open deals: {totals.count} · {amounts_text(totals.amounts, 'en')}")
    if totals.count > len(shown):
        more = totals.count - len(shown)
        lines.append(ctx.t(f"另有 {more} 个未列出", f"{more} more not listed"))
    return Reply.card(title, lines=lines or [ctx.t("没有。", "None.")], footer=footer(ctx, asked, None))


async def history_answer(ctx: Context, name: str) -> Reply:
    """明途信息的历史: the customer, the deals the asker may see (all stages, oldest first) and their latest
    follow-ups, newest first."""
    found = await find_customers(ctx, name)
    if not found:
        return Reply.text(ctx.t(f"没有找到「{name}」相关的客户。", f"No customer matches '{name}'."), error=True)
    if len(found) > 1:
        lines = [f"C{c.id} {c.name}" for c in found]
        return Reply.card(ctx.t(f"「{name}」匹配到 {len(found)} 个客户，请写全称",
                                f"'{name}' matches {len(found)} customers; write the full name"), lines=lines)
    return customer_card(ctx, found[0], ctx.t("客户", "Customer")) + await _history(ctx, found[0])


async def _history(ctx: Context, customer: Customer) -> Reply:
    assert customer.id is not None
    scope = view_scope(ctx)
    deals = await ctx.uow.opportunities.visible(scope, customer_id=customer.id, limit=HISTORY_DEALS)
    deals = sorted(deals, key=lambda o: (o.created_at or ctx.now, o.id or 0))
    lines = [_history_line(ctx, o) for o in deals]
    notes = []
    for deal in deals:
        assert deal.id is not None
        notes += [(f.at, f"· {when(f.at, ctx, date_only=True)} #{deal.id} {f.note}")
                  for f in list(await ctx.uow.followups.for_opportunity(deal.id))[-3:]]
    lines += [line for _, line in sorted(notes, key=lambda n: n[0], reverse=True)[:HISTORY_NOTES]]
    seen = (await ctx.uow.opportunities.totals(scope, customer_id=customer.id)).count
    every = (await ctx.uow.opportunities.totals(ViewScope(everything=True), customer_id=customer.id)).count
    if seen > len(deals):
        lines.append(ctx.t(f"另有 {seen - len(deals)} 个未列出", f"{seen - len(deals)} more not listed"))
    if every > seen:
        others = every - seen
        lines.append(ctx.t(f"另有 {others} 个商机由同事负责", f"{others} more deals are handled by colleagues"))
    title = ctx.t(f"{customer.name} 的历史", f"History of {customer.name}")
    return Reply.card(title, lines=lines or [ctx.t("没有你能查看的商机记录。", "No deals you may see.")],
                      footer=ctx.t("范围：你能查看的商机", "Scope: the deals you may see"))


def _history_line(ctx: Context, deal: Opportunity) -> str:
    opened = when(deal.created_at, ctx, date_only=True)
    line = f"#{deal.id} {deal.name} · {deal.stage.label(ctx.locale)} · {money(deal.amount, ctx.locale) or '-'} · "
    line += ctx.t(f"创建于 {opened}", f"opened {opened}")
    if deal.closed_at is not None:
        closed = when(deal.closed_at, ctx, date_only=True)
        line += ctx.t(f"，结束于 {closed}", f", closed {closed}")
    return line
