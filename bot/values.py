"""Amounts and dates in command arguments, read by the same rules as free text (bot.nlp)."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.nlp.amounts import parse_amount
from bot.nlp.resolve import Typed, command_when
from bot.nlp.text import fold
from bot.nlp.when import parse_when
from domain.errors import DomainError
from domain.money import Money

_AMOUNT_HINT = re.compile(
    r"^[¥￥$]|(万元?|亿元?|[wWkK]|元|块|million|[mM]|RMB|CNY|USD)$|^\d[\d,]*(\.\d+)?$")
_DATE_HINT = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}月\d{1,2}[日号]?|^\d{1,2}/\d{1,2}$|^\d{1,2}[日号]$|今天|明天|后天|大后天|後天|"
    r"[本下这上這]?[个個]?(周|週|星期|礼拜|禮拜)[一二三四五六日天1-7]|月底|月初|天后|周后|^(today|tomorrow|next|mon|tue|wed|thu|fri|"
    r"sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)


_TIME_HINT = re.compile(
    r"^(?:凌晨|早上|上午|中午|下午|傍晚|晚上)?\d{1,2}(?:[点點时時](?:半|\d{1,2}分?)?|:\d{2})$|^\d{1,2}(?::\d{2})?(?:am|pm)$",
    re.IGNORECASE)


def looks_like_amount(token: str) -> bool:
    folded = fold(token)  # ＄７５ｋ, 80萬: read as the rules read them
    return bool(_AMOUNT_HINT.search(folded)) and not looks_like_date(token) and not folded.endswith("%")


def looks_like_date(token: str) -> bool:
    """A date, or a time of day written as a whole word (下午3点, 10:00, 3pm: today's, or tomorrow's once past)."""
    folded = fold(token)  # 下週二 is 下周二
    return bool(_DATE_HINT.search(folded)) or bool(_TIME_HINT.match(folded))


def to_money(token: str) -> Money | None:
    """None when the token is not a readable positive amount (the caller says how to write one)."""
    try:
        parsed = parse_amount(token)
    except DomainError:
        return None
    if parsed is None:
        return None
    amount, currency = parsed
    return Money(amount, currency) if amount > 0 else None


def to_when(token: str, now: datetime) -> date | datetime | None:
    """None when the token is not a real date ("2月30日")."""
    try:
        return parse_when(token, now)
    except DomainError:
        return None


def typed_when(words: list[str], now: datetime) -> Typed | None:
    """The date/time that the first words form ("明天 下午3点"); None when they form none or an
    impossible one ("2月30日")."""
    try:
        return command_when(words, now)
    except DomainError:
        return None
