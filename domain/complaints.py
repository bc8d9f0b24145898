"""A small zh/en lexicon of complaint and dissatisfaction phrases, with minimal negation handling.

`mentions_complaint("客户投诉交付太慢")` is True; `mentions_complaint("这次没有投诉")` and
`mentions_complaint("no complaints so far")` are False. Storage pre-filters notes with the same phrases
(`COMPLAINT_PHRASES`, lower case) so that only candidate texts are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COMPLAINT_PHRASES_ZH = (
    "投诉", "不满意", "不太满意", "不满", "太慢", "一直没解决", "还没解决", "退款", "退货", "差评",
    "失望", "抱怨", "质量问题", "要求赔偿", "催了好几次",
)
COMPLAINT_PHRASES_EN = (
    "complaint", "complain", "disappointed", "unacceptable", "refund", "frustrated", "not satisfied",
    "unhappy", "poor service", "too slow", "still not resolved", "escalate",
)
COMPLAINT_PHRASES = COMPLAINT_PHRASES_ZH + COMPLAINT_PHRASES_EN

# A negation right before a phrase cancels it: 没有投诉, 无差评, no complaints, never complained.
NEGATIONS_ZH = ("没有", "没", "无", "不是", "并非", "未", "不")
NEGATIONS_EN = frozenset({"no", "not", "never", "without", "nor"})
NEGATION_WINDOW_EN = 3  # words looked at before an English phrase
_WORD = re.compile(r"[a-z']+")


def mentions_complaint(text: str) -> bool:
    """Whether the text carries at least one complaint phrase that is not negated."""
    lowered = text.lower()
    return any(_has_plain(lowered, phrase) for phrase in COMPLAINT_PHRASES)


def count_complaints(texts: Iterable[str]) -> int:
    """How many of the texts mention a complaint (a text counts once, however many phrases it has)."""
    return sum(1 for text in texts if mentions_complaint(text))


def _has_plain(text: str, phrase: str) -> bool:
    start = text.find(phrase)
    while start >= 0:
        if not _negated(text[:start], phrase):
            return True
        start = text.find(phrase, start + 1)
    return False


def _negated(before: str, phrase: str) -> bool:
    if phrase.isascii():
        if before[-1:].isalpha():  # inside a word: "uncomplaining" is not "complain"
            return True
        words = _WORD.findall(before)[-NEGATION_WINDOW_EN:]
        return any(w in NEGATIONS_EN or w.endswith("n't") for w in words)
    return before.rstrip().endswith(NEGATIONS_ZH)
