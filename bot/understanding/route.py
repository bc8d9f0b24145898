"""The free-text route: parse, then act through the same functions as the explicit commands."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot import reminders
from bot.args import Args
from bot.capture.contact_update import is_contact_update
from bot.context import Context
from bot.handlers.customers import find_customer
from bot.handlers.deals import lose, move, reason_in, win
from bot.handlers.money import quote_deal, take_payment
from bot.handlers.queries import my_deals, show_deal, show_help
from bot.i18n import Text
from bot.nlp import ParseResult, describe_when
from bot.nlp.result import WRITE_THRESHOLD
from bot.registry import registry
from bot.reply import Reply
from bot.understanding import corrections, pending
from bot.understanding.echo import not_understood, recorded_card, with_hint
from bot.understanding.offload import parse_text
from bot.understanding.questions import answer_question
from bot.understanding.subjects import Subjects, deal_in
from bot.understanding.visit import budget, next_moment, record_lead, record_visit
from domain.activity import Reminder
from domain.opportunity import Stage
from domain.usage import CAPTURE, CORRECTION, HELD

Action = Callable[[Context, ParseResult, str], Awaitable[Reply]]
NO_USAGE = Text("", "")
_REMIND_ME = re.compile(r"^\s*(?:请|帮我)?(?:提醒我|提醒一下|提醒下|记得)\s*|^\s*(?:please\s+)?remind me (?:to\s+)?",
                        re.IGNORECASE)
_REF = re.compile(r"^\s*#\d+\s*")
WHICH = Text("没看出这条记录是关于哪个客户或商机的。", "Could not tell which customer or deal this is about.")


async def understand(ctx: Context, text: str) -> Reply | None:
    """The router's last route. None: not a sentence the bot can act on (the router suggests commands)."""
    if (reply := await answer_question(ctx, text)) is not None:
        return reply  # 这个月业绩如何, how did Q4 go: numbers asked, nothing recorded
    parser, known = ctx.settings.parser, ctx.settings.known
    if parser is None or known is None:
        return None
    if looks_like_a_mistyped_command(text):
        return None  # "报加 #1 10万": the router answers "did you mean 报价?" instead of guessing
    if corrections.is_correction(text):
        ctx.usage.note(CORRECTION, "correction")
        if (held := await pending.waiting(ctx)) is not None:
            return await pending.amend(ctx, held, text)  # corrects the sentence waiting for 确认
        return await corrections.correct(ctx, text, redo)
    result = await parse_text(parser, text, ctx.now, await known.names(ctx.uow, text))
    return await act(ctx, result, text)


async def act(ctx: Context, result: ParseResult, text: str, confirmed: bool = False) -> Reply | None:
    """Refuse what could not be read, hold what was read with low confidence, write the rest.
    `confirmed`: the rep already saw this reading (a correction of a recorded sentence): no asking."""
    if result.intent == "help":
        return await show_help(ctx, Args("", NO_USAGE, ctx.now))
    if result.intent == "query":
        return await answer(ctx, result)
    if is_contact_update(result, text):  # only a contact's phone / mail / title: update it, open nothing
        return await visit(ctx, result, text)
    if result.intent == "unknown" or cannot_write(result):
        return not_understood(ctx, result)  # ask back rather than guess
    if not confirmed and result.confidence < WRITE_THRESHOLD:
        if not has_subject(result):
            return not_understood(ctx, result, WHICH)
        ctx.usage.note(HELD, f"free-text:{result.intent}")
        return await pending.hold(ctx, result, text)
    if ctx.usage.kind != CORRECTION:
        ctx.usage.note(CAPTURE, f"free-text:{result.intent}")
    reply = await ACTIONS[result.intent](ctx, result, text)
    await corrections.remember(ctx, text)
    return reply


def cannot_write(result: ParseResult) -> bool:
    """A part that looked like an amount, date or name could not be read, or a name fits several customers."""
    codes = result.problem_codes()
    return any(p.severity == "error" for p in result.problems) or (
        result.opportunity is None and "company_ambiguous" in codes)


def has_subject(result: ParseResult) -> bool:
    """Something a held sentence can be recorded on (else it is refused, naming what is missing)."""
    if result.intent == "reminder":
        return result.next_at is not None
    return result.opportunity is not None or bool(result.company)


async def redo(ctx: Context, result: ParseResult, text: str) -> Reply | None:
    return await act(ctx, result, text, confirmed=True)


async def write_held(ctx: Context, result: ParseResult, text: str, at: datetime) -> Reply:
    """确认 on a held sentence: write the fields that were shown, remembered for a later correction."""
    ctx.usage.note(CAPTURE, f"free-text:{result.intent}")
    reply = await ACTIONS[result.intent](ctx, result, text)
    await corrections.remember(ctx, text, corrections.fixes(result), at)
    return Reply.text(ctx.t("已确认。", "Confirmed.")) + reply


async def answer_held(ctx: Context, text: str) -> Reply | None:
    """The router's hook for 确认 / 取消 on a held sentence."""
    return await pending.answer(ctx, text, write_held)


def looks_like_a_mistyped_command(text: str) -> bool:
    """A short first word close to a command word, followed by arguments ("报加 #1 10万", "qoute #3 5k")."""
    word, _, rest = text.partition(" ")
    if not rest or len(word) > 8:
        return False
    return bool(registry.suggest(word, cutoff=0.75 if word.isascii() else 0.5))


async def answer(ctx: Context, result: ParseResult) -> Reply:
    if result.opportunity is not None:
        return await show_deal(ctx, result.opportunity)
    if result.company:
        return await find_customer(ctx, Args(result.company, NO_USAGE, ctx.now))
    return await my_deals(ctx, Args("", NO_USAGE, ctx.now))


async def visit(ctx: Context, result: ParseResult, text: str) -> Reply:
    return recorded_card(ctx, result, await record_visit(ctx, result, text))


async def lead(ctx: Context, result: ParseResult, text: str) -> Reply:
    return recorded_card(ctx, result, await record_lead(ctx, result))


async def stage(ctx: Context, result: ParseResult, text: str) -> Reply:
    opp = await deal_in(ctx, result, Subjects())
    target = Stage(result.stage) if result.stage else None
    if target is Stage.WON:
        return with_hint(ctx, await win(ctx, opp, budget(result)))
    if target is Stage.LOST:
        return with_hint(ctx, await lose(ctx, opp, reason_in(text), text))
    if target is None:
        return not_understood(ctx, result)
    return with_hint(ctx, await move(ctx, opp, target))


async def quote(ctx: Context, result: ParseResult, text: str) -> Reply:
    opp, amount = await deal_in(ctx, result, Subjects()), budget(result)
    if amount is None:
        return not_understood(ctx, result)
    return with_hint(ctx, await quote_deal(ctx, opp, amount, _REF.sub("", text)))


async def payment(ctx: Context, result: ParseResult, text: str) -> Reply:
    opp, amount = await deal_in(ctx, result, Subjects()), budget(result)
    if amount is None:
        return not_understood(ctx, result)
    return with_hint(ctx, await take_payment(ctx, opp, amount, ctx.now.date(), _REF.sub("", text)))


async def remind(ctx: Context, result: ParseResult, text: str) -> Reply:
    due = next_moment(result, ctx.now)
    if due is None:
        return not_understood(ctx, result)
    opp = await deal_in(ctx, result, Subjects()) if result.opportunity else None
    reminders.check_time(due, ctx.now)
    what = _REMIND_ME.sub("", text).strip() or text
    text = await reminders.deal_text(ctx, opp, what) if opp else what  # "#12 明途 · 回电", as the list reads
    reminder = await ctx.uow.reminders.add(Reminder(rep_id=ctx.rep_id, due_at=due, text=text,
                                                    opportunity_id=opp.id if opp else None))
    await ctx.audit("reminder", reminder.id, "create")
    return with_hint(ctx, Reply.text(ctx.t(f"⏰ 好的，{describe_when(due, ctx.now, 'zh')} 提醒你：{what}",
                                           f"⏰ OK, I will remind you {describe_when(due, ctx.now, 'en')}: {what}")))


ACTIONS: dict[str, Action] = {
    "follow_up": visit, "new_lead": lead, "stage_change": stage, "quote": quote, "payment": payment,
    "reminder": remind,
}
