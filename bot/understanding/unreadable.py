"""A correction whose new value cannot be read ("金额是abc", "改成2月30日") is refused naming that value,
with how to write it, before anything is looked up or changed."""

from __future__ import annotations

import re

from bot.i18n import Text
from bot.nlp import ParseResult
from bot.nlp.problems import Problem, problem
from bot.understanding.echo import HOW_AMOUNT, HOW_DATE, how_to_write
from domain.errors import DomainError

_AMOUNT = re.compile(r"金额|预算|报价|价格|amount|budget|price|quote", re.IGNORECASE)
_DATE = re.compile(r"时间|日期|下次|date|time|day", re.IGNORECASE)
_VALUE = re.compile(r"(?:应该是|应为|改成|改为|改到|换成|是|为|\bto\b|\bis\b|\bit\b|meant)[\s:：]*(?P<value>.*)$",
                    re.IGNORECASE)
_READ = ("opportunity", "company", "contact", "phone", "email", "amount", "stage", "next_at")
NO_HOW = Text("", "")
CORRECTION_EXAMPLES = Text("例如「金额是55万」「改成周三」「时间改为下午3点」「联系人是宋经理」。",
                           "For example 'amount is 550k', 'change to Wednesday', 'the contact is Mark Chen'.")


class CorrectionNotUnderstood(DomainError):
    zh = "没有更正：{what}。{how}"
    en = "Nothing was corrected: {what_en}. {how_en}"


def check(fix: ParseResult, text: str) -> None:
    """Raise CorrectionNotUnderstood when the correction's new value could not be read."""
    found = _unreadable(fix, text)
    if found is None:
        return
    found_problem, how = found
    what_en = found_problem.en.rstrip(".")
    raise CorrectionNotUnderstood(what=found_problem.zh.rstrip("。"), what_en=what_en[:1].lower() + what_en[1:],
                                  how=how.zh + CORRECTION_EXAMPLES.zh, how_en=how.en + " " + CORRECTION_EXAMPLES.en)


def _unreadable(fix: ParseResult, text: str) -> tuple[Problem, Text] | None:
    for found in fix.problems:
        if found.severity == "error" and found.code != "intent_unclear":
            return found, how_to_write(found.code) or NO_HOW
    match = _VALUE.search(text)
    value = (match.group("value") if match else "").strip() or text.strip()
    head = text[: match.start()] if match else text
    if _AMOUNT.search(head) and fix.amount is None:
        return problem("amount_invalid", text=value), HOW_AMOUNT
    if _DATE.search(head) and fix.next_at is None:
        return problem("date_unreadable", text=value), HOW_DATE
    if all(getattr(fix, name) is None for name in _READ):
        return Problem("correction_unclear", "error", f"看不懂要改成「{value}」", f"could not read '{value}'"), NO_HOW
    return None
