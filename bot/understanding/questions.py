"""Questions about the numbers in free text (bot.nlp.questions): answered, never recorded. Tried by the
free-text route before the parser runs; one cheap regex scan lets every other message through."""

from __future__ import annotations

from bot.analytics_answers import forecast_answer, leaderboard_answer, results_answer
from bot.analytics_deal_answers import (
    funnel_answer,
    history_answer,
    overdue_answer,
    rep_deals_answer,
    stalled_answer,
)
from bot.analytics_periods import resolve_period
from bot.analytics_scope import NotYours, may_see_rep, resolve_scope
from bot.context import Context
from bot.nlp.questions import Question, read_question
from bot.reply import Reply
from domain.analytics import Period


async def answer_question(ctx: Context, text: str) -> Reply | None:
    """The answer to a question about the numbers, or None when `text` is not one."""
    question = read_question(text)
    if question is None:
        return None
    if question.topic == "history":
        return await history_answer(ctx, question.subject)
    if question.topic == "deals_of":
        return await _deals_of(ctx, question)
    asked = resolve_scope(ctx, question.subject)
    period = resolve_period(question.period, ctx.now.date())
    if question.topic == "funnel":
        return await funnel_answer(ctx, asked, period)
    if question.topic == "stalled":
        return await stalled_answer(ctx, asked)
    if question.topic == "overdue":
        return await overdue_answer(ctx, asked, question.overdue_payments)
    period = period or Period.month(ctx.now.date())
    if question.topic == "forecast":
        return await forecast_answer(ctx, asked, period)
    if question.topic == "leaderboard":
        return await leaderboard_answer(ctx, asked, period)
    return await results_answer(ctx, asked, period)


async def _deals_of(ctx: Context, question: Question) -> Reply:
    """张伟的商机: a colleague's open deals if the asker may see them; a customer's otherwise (明途的商机)."""
    name = question.subject
    rep = next((r for r in ctx.directory.reps if r.name.casefold() == name.casefold()), None)
    if rep is None:
        return await history_answer(ctx, name)
    if not may_see_rep(ctx, rep):
        own = resolve_scope(ctx, "").scope
        raise NotYours(name=name, own=f"（{own.label}）", own_en=f"your own ({own.label_en})")
    return await rep_deals_answer(ctx, resolve_scope(ctx, name), rep)
