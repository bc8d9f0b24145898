"""Ask before writing: a sentence read with low confidence is held, shown, and written only on 确认.

The held capture lives in the settings table (per person, channel and conversation), so it survives a
restart; it expires after EXPIRY. `确认` / `confirm` writes exactly the fields that were shown (they are
stored, not parsed again); `取消` / `cancel` drops it; another held sentence replaces it; any other
message is handled as usual and leaves it waiting until it expires. When a payment-plan question
(bot/plan_question.py) was asked after the sentence was held, 确认/取消 answer that question first.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot import plan_question
from bot.context import Context
from bot.i18n import Text
from bot.nlp import ParseResult
from bot.reply import Button, Reply
from bot.understanding import corrections, unreadable
from bot.understanding.offload import parse_text
from bot.understanding.preview import preview_card

Act = Callable[[Context, ParseResult, str, datetime], Awaitable[Reply]]

EXPIRY = timedelta(minutes=30)
CONFIRM = plan_question.CONFIRM
CANCEL = plan_question.CANCEL
FIELDS = ("intent", "opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage",
          "next_at")
BUTTONS = (Button(Text("确认", "Confirm"), "confirm"), Button(Text("取消", "Cancel"), "cancel"))
_END = re.compile(r"[\s。.!！~～]+$")


def key(ctx: Context) -> str:
    return ctx.question_key("capture")


async def hold(ctx: Context, result: ParseResult, text: str, at: datetime | None = None) -> Reply:
    """Keep the reading for this person and conversation and show what would be recorded.
    `at`: when the sentence was written (a held sentence corrected keeps its own time)."""
    card = await preview_card(ctx, result, text, EXPIRY)
    replaced = at is None and await waiting(ctx) is not None
    record = {"text": text, "at": (at or ctx.now).isoformat(), "expires": (ctx.now + EXPIRY).isoformat(),
              "fields": dump(result), "plan": await plan_question.pending(ctx)}  # the plan question open now
    await ctx.uow.settings.put(key(ctx), record)
    if replaced:
        card = card + Reply.text(ctx.t("（之前等待确认的内容已被这条替换。）",
                                       "(This replaces the one that was waiting for confirmation.)"))
    return card.with_buttons(*BUTTONS)


async def waiting(ctx: Context) -> dict[str, Any] | None:
    return await ctx.open_question("capture")


async def answer(ctx: Context, text: str, write: Act) -> Reply | None:
    """The router's hook: 确认 writes the held capture, 取消 drops it; None for any other message."""
    word = _END.sub("", text.strip()).casefold()
    if word not in CONFIRM and word not in CANCEL:
        return None
    record = await waiting(ctx)
    if record is None or await _plan_asked_since(ctx, record):
        return None
    record = await ctx.uow.settings.take(key(ctx))  # atomic: a double tap answers once
    if not record:
        return Reply.text(ctx.t("这条内容已经处理过了。", "That one was already answered."))
    if word in CANCEL:
        held = record["text"]
        return Reply.text(ctx.t(f"已取消，没有记录：{held}", f"Cancelled; nothing was recorded: {held}"))
    at = datetime.fromisoformat(record["at"])
    result = await restore(ctx, record, at)
    return await write(ctx, result, record["text"], at)


async def _plan_asked_since(ctx: Context, record: dict[str, Any]) -> bool:
    """A payment-plan question asked after this capture was held takes the answer (the latest question wins)."""
    plan = await plan_question.pending(ctx)
    return plan is not None and plan != record.get("plan")


async def amend(ctx: Context, record: dict[str, Any], text: str) -> Reply:
    """A correction while a sentence is held ("改成周四", "金额是55万") changes the held reading and shows
    it again; nothing is written until 确认."""
    at = datetime.fromisoformat(record["at"])
    held = await restore(ctx, record, at)
    names = await ctx.settings.known.names(ctx.uow, record["text"], text)
    fix = await parse_text(ctx.settings.parser, text, at, names)
    unreadable.check(fix, text)
    changed = corrections.merge(held, fix, text)
    if changed == held:
        raise unreadable.CorrectionNotUnderstood(
            what=f"没有看出「{text}」要改什么", what_en=f"could not tell what '{text}' changes",
            how=unreadable.CORRECTION_EXAMPLES.zh, how_en=unreadable.CORRECTION_EXAMPLES.en)
    return Reply.text(ctx.t("已修改，仍未记录：", "Changed; still not recorded:")) + await hold(ctx, changed,
                                                                                      record["text"], at)


def dump(result: ParseResult) -> dict[str, Any]:
    """Every field that was shown, None included: the write uses these, not a new reading."""
    fields = result.to_json()
    fields["amount"] = str(result.amount) if result.amount is not None else None
    return {name: fields[name] for name in FIELDS}


async def restore(ctx: Context, record: dict[str, Any], at: datetime) -> ParseResult:
    """The held reading: the message read again at its own time (for evidence and problems), with the
    stored fields put back over it."""
    parser, text = ctx.settings.parser, record["text"]
    names = await ctx.settings.known.names(ctx.uow, text)
    again = await parse_text(parser, text, at, names)
    fields = record["fields"]
    changes: dict[str, Any] = {name: fields.get(name) for name in FIELDS}
    changes["amount"] = Decimal(fields["amount"]) if fields.get("amount") is not None else None
    changes["next_at"] = _moment(fields.get("next_at"))
    known = again.known_customer
    if known is not None and known.name != changes["company"]:
        known = None
    return replace(again, known_customer=known, **changes)


def _moment(value: str | None) -> date | datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
