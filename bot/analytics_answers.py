"""Answers with numbers: results, forecast and leaderboard for a scope and a period, with the targets set
for them against actual and time elapsed. Every answer names its scope and period in the footer.
Reads only (storage.repositories.analytics aggregates); nothing is written."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from bot.analytics_periods import period_label, period_range
from bot.analytics_scope import Asked
from bot.context import Context
from bot.reply import Reply
from domain.analytics import Period, Target
from domain.money import CNY, Money

TARGET_KINDS = ("month", "quarter")  # targets are set per month and per quarter
MAIN_CURRENCY = CNY  # the company's currency: targets are set in it, and compared with what is won in it
COMPANY = 0  # scope_id of the company-wide target (scope_kind "company")
COMPANY_WORDS = frozenset({"全公司", "公司", "company", "whole company", "the company"})


def amounts_text(amounts: Mapping[str, Decimal], locale: str) -> str:
    """50万 + US$6,000.00 (CNY first); 0 when empty."""
    codes = sorted((c for c, v in amounts.items() if v), key=lambda c: (c != CNY, c))
    if not codes:
        return Money(Decimal(0), CNY).format(locale)
    return " + ".join(Money(amounts[c], c).format(locale) for c in codes)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def footer(ctx: Context, asked: Asked, period: Period | None, extra: str = "") -> str:
    """范围：华东一组 · 期间：2026年12月（2026-12-01 至 2026-12-31）"""
    scope = ctx.t(f"范围：{asked.scope.label}", f"Scope: {asked.scope.label_en}")
    parts = [scope]
    if period is not None:
        parts.append(ctx.t(f"期间：{period_words(period, 'zh')}", f"Period: {period_words(period, 'en')}"))
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def period_words(period: Period, locale: str) -> str:
    """2026年12月（2026-12-01 至 2026-12-31）; a week or a range only once: 2026-11-30 至 2026-12-06."""
    label, days = period_label(period, locale), period_range(period, locale)
    if label == days:
        return days
    return f"{label} ({days})" if locale == "en" else f"{label}（{days}）"


async def targets_for(ctx: Context, asked: Asked, period: Period) -> dict[str, Decimal]:
    """The target amounts (per currency) set for the scope and period: a rep's own, the teams' summed,
    the whole company's own (目标 全公司 …), else every team's summed. Empty when none is set (or the period
    is not a month/quarter)."""
    if period.kind not in TARGET_KINDS:
        return {}
    found: list[Target]
    if asked.kind == "rep" and asked.rep_id is not None:
        target = await ctx.uow.targets.get("rep", asked.rep_id, period.code)
        found = [target] if target else []
    elif asked.kind == "all":
        every = list(await ctx.uow.targets.for_period(period.code))
        found = [t for t in every if t.scope_kind == "company"] or [t for t in every if t.scope_kind == "team"]
    else:
        found = list(await ctx.uow.targets.for_scopes("team", asked.team_ids, period.code))
    total: dict[str, Decimal] = {}
    for target in found:
        total[target.currency] = total.get(target.currency, Decimal(0)) + target.amount
    return total


def target_lines(ctx: Context, target: Mapping[str, Decimal], actual: Mapping[str, Decimal],
                 period: Period, forecast: bool = False) -> list[str]:
    """目标 150万 · 已完成 33% · 时间已过 48% (one line per currency with a target; only amounts in the same
    currency are compared). `forecast`: 预测可达成目标的 120% — 已完成 is said of actuals only."""
    elapsed = percent(period.elapsed(ctx.now.date()))
    if period.kind not in TARGET_KINDS:
        return []
    if not target:
        return [ctx.t(f"目标：未设置 · 时间已过 {elapsed}", f"Target: not set · {elapsed} of the period gone")]
    lines = []
    for code, amount in sorted(target.items(), key=lambda item: (item[0] != CNY, item[0])):
        written = Money(amount, code).format(ctx.locale)
        if code != MAIN_CURRENCY and any(v for c, v in actual.items() if c != code):
            lines.append(ctx.t(f"目标 {written} · 币种不同，无法对比 · 时间已过 {elapsed}",
                               f"Target {written} · no comparison: different currency · {elapsed} of the period gone"))
            continue
        done = percent(float(actual.get(code, Decimal(0)) / amount) if amount else None)
        if forecast:
            lines.append(ctx.t(f"目标 {written} · 预测可达成目标的 {done} · 时间已过 {elapsed}",
                               f"Target {written} · forecast is {done} of target · {elapsed} of the period gone"))
        else:
            lines.append(ctx.t(f"目标 {written} · 已完成 {done} · 时间已过 {elapsed}",
                               f"Target {written} · {done} reached · {elapsed} of the period gone"))
    return lines


async def results_answer(ctx: Context, asked: Asked, period: Period) -> Reply:
    numbers = await ctx.uow.analytics.results(asked.scope, period)
    won = amounts_text(numbers.won_amounts, ctx.locale)
    lines = [
        ctx.t(f"赢单 {numbers.won} 个 · {won}", f"Won {plural(numbers.won, 'deal')} · {won}"),
        ctx.t(f"输单 {numbers.lost} 个 · 赢率 {percent(numbers.win_rate)}",
              f"Lost {numbers.lost} · win rate {percent(numbers.win_rate)}"),
        ctx.t(f"新商机 {numbers.new_deals} 个 · 新线索 {numbers.new_leads} 条",
              f"New deals {numbers.new_deals} · new leads {numbers.new_leads}"),
    ]
    lines += target_lines(ctx, await targets_for(ctx, asked, period), numbers.won_amounts, period)
    title = ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 业绩",
                  f"{asked.scope.label_en} · results for {period_label(period, 'en')}")
    return Reply.card(title, lines=lines, footer=footer(ctx, asked, period))


async def forecast_answer(ctx: Context, asked: Asked, period: Period) -> Reply:
    numbers = await ctx.uow.analytics.forecast(asked.scope, period)
    total = dict(numbers.won_amounts)
    for code, value in numbers.weighted.items():
        total[code] = total.get(code, Decimal(0)) + value
    weighted, won = amounts_text(numbers.weighted, ctx.locale), amounts_text(numbers.won_amounts, ctx.locale)
    lines = [
        ctx.t(f"加权预测 {weighted}（{numbers.open_deals} 个进行中商机预计本期成交，按各商机的赢单概率加权）",
              f"Weighted forecast {weighted} ({numbers.open_deals} open deals expected to close, "
              "each weighted by its win probability)"),
        ctx.t(f"已赢单 {won}", f"Already won {won}"),
        ctx.t(f"合计（已赢单 + 加权预测）{amounts_text(total, 'zh')}",
              f"Total (won + weighted) {amounts_text(total, 'en')}"),
    ]
    lines += target_lines(ctx, await targets_for(ctx, asked, period), total, period, forecast=True)
    title = ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 预测",
                  f"{asked.scope.label_en} · forecast for {period_label(period, 'en')}")
    return Reply.card(title, lines=lines, footer=footer(ctx, asked, period))


async def leaderboard_answer(ctx: Context, asked: Asked, period: Period) -> Reply:
    size = ctx.settings.analytics.leaderboard_size
    ranked = await ctx.uow.analytics.leaderboard(asked.scope, period, limit=size)
    title = ctx.t(f"{asked.scope.label} · {period_label(period, 'zh')} 赢单排行",
                  f"{asked.scope.label_en} · leaderboard for {period_label(period, 'en')}")
    if not ranked:
        return Reply.card(title, lines=[ctx.t("本期还没有赢单。", "No deals won in this period yet.")],
                          footer=footer(ctx, asked, period))
    lines = []
    for place, row in enumerate(ranked, start=1):
        rep = ctx.directory.rep(row.rep_id)
        name = rep.name if rep else f"#{row.rep_id}"
        won = amounts_text(row.won_amounts, ctx.locale)
        lines.append(ctx.t(f"{place}. {name} · 赢单 {row.won} 个 · {won}", f"{place}. {name} · won {row.won} · {won}"))
    return Reply.card(title, lines=lines, footer=footer(ctx, asked, period))
