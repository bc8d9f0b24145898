"""Short corrections to one's last free-text action: "改成周三", "金额是55万", "联系人是宋经理".

The last action is undone and done again with the corrected fields, read against the original message's
time; a weekday alone moves the date within its week ("改成周四" / "change to Thursday" after "下周三" /
"next Wednesday 3pm" is that week's Thursday, same time), by the one date resolver (bot.nlp.resolve.moved).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.context import Context
from bot.errors import CorrectionConflict
from bot.handlers.undo import kept_reply, refuse_if_changed_since, revert, undoable
from bot.nlp import ParseResult
from bot.nlp.resolve import moved
from bot.nlp.text import fold
from bot.reply import Reply
from bot.understanding import unreadable
from bot.understanding.offload import parse_text
from bot.usage.trace import capture_key
from domain.errors import DomainError

Act = Callable[[Context, ParseResult, str], Awaitable[Reply | None]]

_CORRECTION = re.compile(
    r"^\s*(?:不对|错了|更正|纠正|修改|改一下)?[，,:：\s]*"
    r"(?:(?:金额|预算|报价|价格|时间|日期|下次|联系人|客户|电话|邮箱)\s*(?:应该是|应为|改成|改为|改到|是|为)"
    r"|改成|改为|改到|换成|应该是|应为)"
    r"|^\s*(?:no,?\s*)?(?:change (?:it |the \w+ )?to|make it|(?:the )?(?:amount|date|time|contact) is|i meant)\b",
    re.IGNORECASE)
FIELDS = ("opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage", "next_at")


class NothingToCorrect(DomainError):
    zh = "没有可以更正的记录：更正只适用于你刚才用一句话记录的内容。"
    en = "There is nothing to correct: corrections apply to what you just recorded in a sentence."


def is_correction(text: str) -> bool:
    return bool(_CORRECTION.search(fold(text)))  # 金額是95萬 / 改成週四 read as simplified


def key(ctx: Context) -> str:
    return capture_key(ctx.rep_id)


async def remember(ctx: Context, text: str, fixes: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Keep the last free-text action (and corrections already applied to it) for the next correction."""
    record = {"batch": ctx.batch, "text": text, "at": (at or ctx.now).isoformat(), "fixes": fixes or {}}
    await ctx.uow.settings.put(key(ctx), record)


async def correct(ctx: Context, text: str, act: Act) -> Reply:
    stored = await ctx.uow.settings.get(key(ctx))
    parser, names = ctx.settings.parser, await ctx.settings.known.names(ctx.uow, *_texts(stored, text))
    at = datetime.fromisoformat(stored["at"]).astimezone(ctx.now.tzinfo) if stored else ctx.now  # writer's zone
    fix = await parse_text(parser, text, at, names)
    unreadable.check(fix, text)  # "金额是abc", "改成2月30日": say what could not be read, even with no record
    entries = await undoable(ctx)
    if not stored or not entries or entries[0].batch != stored.get("batch"):
        raise NothingToCorrect()
    original = apply(await parse_text(parser, stored["text"], at, names), stored.get("fixes", {}))
    merged = merge(original, fix, text)
    if merged == original:
        raise NothingToCorrect()
    await refuse_if_changed_since(ctx, entries, CorrectionConflict)  # undo's check: keep a colleague's change
    kept = await revert(ctx, entries)
    reply = await act(ctx, merged, stored["text"])
    await remember(ctx, stored["text"], fixes(merged), at)
    return Reply.text(ctx.t("已更正：", "Corrected:")) + (reply or Reply()) + kept_reply(ctx, kept)


def _texts(stored: dict[str, Any] | None, text: str) -> tuple[str, ...]:
    return (stored["text"], text) if stored else (text,)


def fixes(result: ParseResult) -> dict[str, Any]:
    """The contract fields of a result, as JSON values."""
    return {name: value for name, value in result.to_json().items() if name in FIELDS and value is not None}


def apply(result: ParseResult, stored: dict[str, Any]) -> ParseResult:
    changes: dict[str, Any] = {}
    for name, value in stored.items():
        if name == "amount":
            changes[name] = Decimal(str(value))
        elif name == "next_at":
            changes[name] = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        elif name in FIELDS:
            changes[name] = value
    return replace(result, **changes) if changes else result


def merge(original: ParseResult, fix: ParseResult, text: str) -> ParseResult:
    changes = {name: getattr(fix, name) for name in FIELDS if getattr(fix, name) is not None}
    if "company" in changes:
        changes["known_customer"] = fix.known_customer
    if "amount" in changes and fix.currency is None:
        changes.pop("currency", None)
    if "next_at" in changes:
        changes["next_period"] = fix.next_period or original.next_period
        if original.next_at is not None:
            changes["next_at"] = moved(original.next_at, changes["next_at"], fold(text))
    problems = tuple(p for p in original.problems if not _fixed(p.code, changes))
    return replace(original, problems=problems, **changes)


def _fixed(code: str, changes: dict[str, object]) -> bool:
    return (code.startswith("amount") and "amount" in changes) or (code.startswith("date") and "next_at" in changes)
