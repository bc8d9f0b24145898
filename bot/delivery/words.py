"""Reading the words of the delivery commands: keyword options whose value is a date (截止 下周五, due next
Friday), a colleague's name, a percentage, an effort in 人天 — through the same date rules as every other
command (bot.values / bot.nlp.resolve)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from bot import values
from bot.args import Args
from bot.context import Context
from bot.handlers.common import colleague
from bot.nlp.numerals import cn_to_decimal

_PERCENT = re.compile(r"^(\d{1,4}(?:\.\d+)?)\s*[%％]?$")  # 完成 80% or 完成 80
_PAGE = re.compile(r"^(?:第\s*(\d{1,4})\s*页|(?i:page)\s*(\d{1,4}))$")
_UNIT = r"(?:人天|天|d|days?|pd|person-days?)"
_AMOUNT = r"\d{1,4}(?:\.\d{1,2})?|[零〇一二两三四五六七八九十百点]{1,6}"  # 5, 2.5, 三, 十五, 三点五
_EFFORT = re.compile(rf"^({_AMOUNT})\s*{_UNIT}?$", re.IGNORECASE)
_UNIT_WORD = re.compile(rf"^{_UNIT}$", re.IGNORECASE)
_NUMBER = re.compile(rf"^(?:{_AMOUNT})$")


def as_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def read_day(args: Args, words: list[str], what: tuple[str, str]) -> date:
    """The date the words form, all of them (a word left over is an error, as is an impossible date)."""
    if not words:
        raise args.fail(f"缺少{what[0]}，请写成 2027-03-01、3月15日 或 下周五",
                        f"missing the {what[1]}; write it like 2027-03-01, Mar 15 or next Friday")
    typed = values.typed_when(words, args.now)
    if typed is None or typed.words != len(words) or typed.rest:
        text = " ".join(words)
        raise args.fail(f"{what[0]}「{text}」看不懂，请写成 2027-03-01、3月15日 或 下周五",
                        f"cannot read the {what[1]} '{text}'; write it like 2027-03-01, Mar 15 or next Friday")
    return as_day(typed.value)


def take_day(args: Args, keys: tuple[str, ...], what: tuple[str, str]) -> date | None:
    """The date after one of `keys` (截止 下周五, due next Friday), taken out of the words; None without the key."""
    folded = [t.casefold() for t in args.tokens]
    at = next((i for i, t in enumerate(folded) if t in keys), None)
    if at is None:
        return None
    words = args.tokens[at + 1:]
    typed = values.typed_when(words, args.now) if words else None
    size = typed.words if typed is not None and not typed.rest else 1
    day = read_day(args, words[:size], what)
    del args.tokens[at:at + 1 + size]
    return day


def take_word(args: Args, keys: tuple[str, ...]) -> str | None:
    """The one word after one of `keys` (负责人 王五), taken out; None without the key."""
    folded = [t.casefold() for t in args.tokens]
    at = next((i for i, t in enumerate(folded) if t in keys), None)
    if at is None:
        return None
    if at + 1 >= len(args.tokens):
        raise args.fail(f"「{args.tokens[at]}」后面缺少内容", f"nothing after '{args.tokens[at]}'")
    word = args.tokens[at + 1]
    del args.tokens[at:at + 2]
    return word


def take_effort(args: Args, keys: tuple[str, ...]) -> str | None:
    """The effort after one of `keys`, with its unit when written apart (工时 3 人天, effort 3 days), taken out."""
    at = next((i for i, t in enumerate(args.tokens) if t.casefold() in keys), None)
    word = take_word(args, keys)
    if word is None or at is None or at >= len(args.tokens) or not _UNIT_WORD.match(args.tokens[at]):
        return word
    if not _NUMBER.match(word):
        return word
    return word + args.tokens.pop(at)


def split_verb(args: Args, verb: str, verbs: tuple[str, ...]) -> str:
    """A Chinese verb glued to what follows it (完成80%, 延期3月15日, 阻塞等客户): the verb, the rest put back."""
    if verb in verbs:
        return verb
    for word in sorted((v for v in verbs if not v.isascii()), key=len, reverse=True):
        if verb.startswith(word):
            args.tokens.insert(0, verb[len(word):])
            return word
    return verb


def take_flag(args: Args, words: tuple[str, ...]) -> bool:
    for i, token in enumerate(args.tokens):
        if token.casefold() in words:
            del args.tokens[i]
            return True
    return False


def person_id(ctx: Context, name: str) -> int:
    return colleague(ctx, name)[0]


def percent(args: Args, word: str) -> int:
    found = _PERCENT.match(word)
    number = Decimal(found.group(1)) if found else None
    if number is None or number > 100:
        raise args.fail(f"进度「{word}」无效，请写 0% 到 100% 之间，例如：完成 80%",
                        f"invalid progress '{word}'; write 0% to 100%, e.g. done 80%")
    return int(number)


def effort(args: Args, word: str) -> Decimal:
    found = _EFFORT.match(word)
    try:
        number = found.group(1) if found else ""
        days = cn_to_decimal(number) if number and not number[0].isdigit() else Decimal(number) if number else None
    except InvalidOperation:
        days = None
    if days is None or days <= 0:
        raise args.fail(f"工时「{word}」看不懂，请写成 5人天 或 2.5",
                        f"cannot read the effort '{word}'; write 5d or 2.5")
    return days


def page_of(args: Args, example: tuple[str, str]) -> int:
    """The page the remaining words ask for (第2页 / page 2; none: 1); anything else is refused with `example`."""
    words = " ".join(args.tokens)
    if not words:
        return 1
    found = _PAGE.match(words)
    if found is None:
        raise args.fail(f"看不懂「{words}」，翻页请写：{example[0]}",
                        f"cannot read '{words}'; for a page write: {example[1]}")
    return max(1, int(found.group(1) or found.group(2)))
