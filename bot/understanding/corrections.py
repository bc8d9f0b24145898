"""Short corrections to one's last free-text action: "改成周三", "金额是55万", "联系人是宋经理".

The last action is undone and done again with the corrected fields, read against the original message's
time, so "改成周三" means the Wednesday after the original message.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.context import Context
from bot.errors import CorrectionConflict
from bot.handlers.undo import kept_reply, refuse_if_changed_since, revert, undoable
from bot.nlp import AmountNotUnderstood, ParseResult
from bot.nlp.text import fold
from bot.reply import Reply
from bot.understanding.offload import parse_text
from domain.errors import DomainError

Act = Callable[[Context, ParseResult, str], Awaitable[Reply | None]]

_CORRECTION = re.compile(
    r"^\s*(?:不对|错了|更正|纠正|修改|改一下)?[，,:：\s]*"
    r"(?:(?:金额|预算|报价|价格|时间|日期|下次|联系人|客户|电话|邮箱)\s*(?:应该是|应为|改成|改为|改到|是|为)"
    r"|改成|改为|改到|换成|应该是|应为)"
    r"|^\s*(?:no,?\s*)?(?:change (?:it |the \w+ )?to|make it|(?:the )?(?:amount|date|time|contact) is|i meant)\b",
    re.IGNORECASE)
_BARE_WEEKDAY = re.compile(r"(?<![下本这上])(?:周|星期|礼拜)([一二三四五六日天])(?![\d点:])")
_WEEKDAYS = "一二三四五六日天"
_DAY_WORDS = re.compile(r"[今明后昨日号月周天]|星期|礼拜|\d+[/-]\d+|today|tomorrow|day|mon|tue|wed|thu|fri|sat|sun|"
                        r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|week", re.IGNORECASE)
FIELDS = ("opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage", "next_at")


class NothingToCorrect(DomainError):
    zh = "没有可以更正的记录：更正只适用于你刚才用一句话记录的内容。"
    en = "There is nothing to correct: corrections apply to what you just recorded in a sentence."


def is_correction(text: str) -> bool:
    return bool(_CORRECTION.search(fold(text)))  # 金額是95萬 / 改成週四 read as simplified


def key(ctx: Context) -> str:
    return f"freetext:last:{ctx.rep_id}"


async def remember(ctx: Context, text: str, fixes: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Keep the last free-text action (and corrections already applied to it) for the next correction."""
    record = {"batch": ctx.batch, "text": text, "at": (at or ctx.now).isoformat(), "fixes": fixes or {}}
    await ctx.uow.settings.put(key(ctx), record)


async def correct(ctx: Context, text: str, act: Act) -> Reply:
    stored = await ctx.uow.settings.get(key(ctx))
    entries = await undoable(ctx)
    if not stored or not entries or entries[0].batch != stored.get("batch"):
        raise NothingToCorrect()
    parser, names = ctx.settings.parser, await ctx.settings.known.names(ctx.uow, stored["text"], text)
    at = datetime.fromisoformat(stored["at"])
    original = apply(await parse_text(parser, stored["text"], at, names), stored.get("fixes", {}))
    fix = await parse_text(parser, text, at, names)
    if (bad := next((p for p in fix.problems if p.code == "amount_unreadable"), None)) is not None:
        raise AmountNotUnderstood(bad)  # 金额是abc: say what was not read and how to write it
    merged = merge(original, fix, text)
    if merged == original:
        raise NothingToCorrect()
    await refuse_if_changed_since(ctx, entries, CorrectionConflict)  # undo's check: keep a colleague's change
    kept = await revert(ctx, entries)
    reply = await act(ctx, merged, stored["text"])
    await remember(ctx, stored["text"], fixes(merged), at)
    return Reply.text(ctx.t("已更正：", "Corrected:")) + (reply or Reply()) + kept_reply(ctx, kept)


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
    if "next_at" in changes and original.next_at is not None:
        changes["next_at"] = _moved(original.next_at, changes["next_at"], fold(text))
    problems = tuple(p for p in original.problems if not _fixed(p.code, changes))
    return replace(original, problems=problems, **changes)


def _moved(old: date | datetime, new: date | datetime, text: str) -> date | datetime:
    """"改成周四" after "下周三" means the Thursday of that same week; a date alone keeps the time of day."""
    if isinstance(new, datetime) and not _DAY_WORDS.search(text):  # "改为下午3点": same day, new time
        old_day = old.date() if isinstance(old, datetime) else old
        return new.replace(year=old_day.year, month=old_day.month, day=old_day.day)
    if (bare := _BARE_WEEKDAY.search(text)) is not None:
        old_day = old.date() if isinstance(old, datetime) else old
        new = old_day + timedelta(days=_WEEKDAYS.index(bare.group(1)) % 7 - old_day.weekday())
    if isinstance(old, datetime) and not isinstance(new, datetime):
        return old.replace(year=new.year, month=new.month, day=new.day)
    return new


def _fixed(code: str, changes: dict[str, object]) -> bool:
    return (code.startswith("amount") and "amount" in changes) or (code.startswith("date") and "next_at" in changes)
