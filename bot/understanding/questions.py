"""Questions about the numbers in free text (bot.nlp.questions): answered, never recorded. Tried by the
free-text route before the parser runs, and by the router before a command whose word opens a question
(win rate…, deals of…, 成交率…); one cheap regex scan lets every other message through."""

from __future__ import annotations

from bot.analytics_answers import forecast_answer, leaderboard_answer, results_answer
from bot.analytics_deal_answers import (
    funnel_answer,
    history_answer,
    overdue_answer,
    rep_deals_answer,
    stalled_answer,
)
from bot.analytics_people_answers import (
    behind_answer,
    due_answer,
    new_deals_answer,
    rank_answer,
    win_rate_answer,
)
from bot.analytics_periods import one_period
from bot.analytics_scope import NotYours, UnknownSubject, may_see_rep, own_scope, rank_scope, resolve_scope
from bot.context import Context
from bot.nlp.questions import Question, read_question
from bot.reply import Reply
from domain.analytics import Period

_PERIODIC = {"results": results_answer, "win_rate": win_rate_answer, "new_deals": new_deals_answer,
             "forecast": forecast_answer, "leaderboard": leaderboard_answer}


async def answer_question(ctx: Context, text: str) -> Reply | None:
    """The answer to a question about the numbers, or None when `text` is not one."""
    question = read_question(text)
    if question is None:
        return None
    if question.topic == "history":
        return await history_answer(ctx, question.subject)
    if question.topic == "deals_of":
        return await _deals_of(ctx, question)
    today = ctx.now.date()
    period = one_period([question.period, *question.other_periods] if question.period else [], today)
    if question.topic == "rank":
        return await _rank(ctx, question, period or Period.month(today))
    asked = resolve_scope(ctx, question.subject)
    if question.topic == "funnel":
        return await funnel_answer(ctx, asked, period)
    if question.topic == "stalled":
        return await stalled_answer(ctx, asked)
    if question.topic == "overdue":
        if question.by_rep and not question.overdue_payments:
            return await behind_answer(ctx, asked)
        return await overdue_answer(ctx, asked, question.overdue_payments)
    if question.topic == "due":
        return await due_answer(ctx, asked, period or Period.day(today))
    return await _PERIODIC.get(question.topic, results_answer)(ctx, asked, period or Period.month(today))


async def _deals_of(ctx: Context, question: Question) -> Reply:
    """张伟的商机: a colleague's open deals if the asker may see them; 华北一组的商机: a team's (or a
    region's); a customer's otherwise (明途的商机)."""
    name = question.subject
    rep = next((r for r in ctx.directory.reps if r.name.casefold() == name.casefold()), None)
    if rep is not None and not may_see_rep(ctx, rep):
        own = own_scope(ctx).scope
        raise NotYours(name=name, own=f"（{own.label}）", own_en=f"your own ({own.label_en})")
    try:
        asked = resolve_scope(ctx, name)
    except UnknownSubject:
        return await history_answer(ctx, name)
    return await rep_deals_answer(ctx, asked)


async def _rank(ctx: Context, question: Question, period: Period) -> Reply:
    """梁宇这个季度排第几 (我排第几: the asker): among the reps the asker may see; a rep among their team."""
    asked = resolve_scope(ctx, question.subject) if question.subject else None
    rep = ctx.directory.rep(asked.rep_id) if asked is not None and asked.rep_id is not None else \
        ctx.rep if asked is None else None
    if rep is None:
        return await leaderboard_answer(ctx, asked or own_scope(ctx), period)  # 华东一组排第几: the team's board
    return await rank_answer(ctx, rank_scope(ctx), rep, period)
