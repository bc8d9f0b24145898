"""The numbers commands: 业绩 / results, 漏斗 / funnel, 预测 / forecast, 排行 / leaderboard. Read-only; the
scope is what the asker may see (bot.analytics_scope), the period words are read by bot.analytics_periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.analytics_answers import forecast_answer, leaderboard_answer, results_answer
from bot.analytics_deal_answers import funnel_answer
from bot.analytics_periods import one_period
from bot.analytics_scope import Asked, resolve_scope
from bot.args import Args
from bot.context import Context
from bot.nlp.period_words import period_mentions
from bot.nlp.questions import subject_words
from bot.registry import command
from bot.reply import Reply
from domain.analytics import Period

_SCOPE_HELP_ZH = "[团队/区域/同事] [期间：这个月、上个月、本季度、Q4、2026Q4、今年、上半年、近30天]"
_SCOPE_HELP_EN = "[team/region/rep] [period: this month, last month, this quarter, Q4, 2026Q4, this year, last 30 days]"


def split_period(text: str) -> tuple[str, str]:
    """(the period words, who: the rest without question words) of a command's arguments."""
    found = period_mentions(text)
    return (found[0] if found else ""), subject_words(text)


def asked_for(ctx: Context, words: str, default: Callable[[date], Period] | None) -> tuple[Asked, Period | None]:
    """Scope and period named by `words` (the asker's own scope, and `default` period, when not named);
    two different periods are refused (业绩 2026Q4 2026Q3)."""
    period = one_period(period_mentions(words), ctx.now.date())
    asked = resolve_scope(ctx, subject_words(words))
    if period is None and default is not None:
        period = default(ctx.now.date())
    return asked, period


def asked_by_month(ctx: Context, words: str) -> tuple[Asked, Period]:
    """`asked_for` with this month when no period is named."""
    asked, period = asked_for(ctx, words, Period.month)
    assert period is not None
    return asked, period


@command("业绩", "results", section="queries", writes=False,
         help_zh="业绩：赢单金额和数量、输单、新商机、新线索，对比目标和时间进度",
         help_en="Results: won amount and count, lost, new deals and leads, against target and time elapsed",
         usage_zh=f"业绩 {_SCOPE_HELP_ZH}", usage_en=f"results {_SCOPE_HELP_EN}")
async def show_results(ctx: Context, args: Args) -> Reply:
    return await results_answer(ctx, *asked_by_month(ctx, args.raw))


@command("漏斗", "funnel", section="queries", writes=False,
         help_zh="销售漏斗：各阶段商机数和金额、阶段转化率、平均成交周期",
         help_en="Sales funnel: deals and amounts per stage, stage-to-stage conversion, average cycle time",
         usage_zh=f"漏斗 {_SCOPE_HELP_ZH}", usage_en=f"funnel {_SCOPE_HELP_EN}")
async def show_funnel(ctx: Context, args: Args) -> Reply:
    asked, period = asked_for(ctx, args.raw, None)
    return await funnel_answer(ctx, asked, period)


@command("预测", "forecast", section="queries", writes=False,
         help_zh="加权预测：预计本期成交的商机 × 赢单概率，加上已赢单，对比目标",
         help_en="Weighted forecast: deals expected to close × win probability, plus won, against target",
         usage_zh=f"预测 {_SCOPE_HELP_ZH}", usage_en=f"forecast {_SCOPE_HELP_EN}")
async def show_forecast(ctx: Context, args: Args) -> Reply:
    return await forecast_answer(ctx, *asked_by_month(ctx, args.raw))


@command("排行", "leaderboard", "排行榜", section="queries", writes=False,
         help_zh="赢单排行：按赢单金额排列同事", help_en="Leaderboard: reps by amount won",
         usage_zh=f"排行 {_SCOPE_HELP_ZH}", usage_en=f"leaderboard {_SCOPE_HELP_EN}")
async def show_leaderboard(ctx: Context, args: Args) -> Reply:
    return await leaderboard_answer(ctx, *asked_by_month(ctx, args.raw))
