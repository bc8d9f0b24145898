"""Questions about the numbers (issue #11): 这个月业绩如何, 华东团队这个季度赢单多少, how did Q4 go, 张伟的商机,
明途信息的历史, 哪些商机卡住了, 逾期的跟进, 预测. Read by rules only, and cheaply: one scan for a topic word
rejects nearly every message before anything else runs (the parser calls `read_question` on every message).

A question is (topic, period words, subject words). The topic decides what is answered; the period words
(这个月, Q4, 2026Q4, this quarter ...) are resolved against the clock by bot.analytics_periods; the subject
is whatever names a team, region, rep or customer once the topic, period and question words are taken out.
Nothing here knows the people or the customers: the route resolves the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlp.cues import REPORTED_QUESTION, Probe
from bot.nlp.text import rx

# Topic words, zh and en. One alternation each: the gate.
_GATE_ZH = rx("业绩|赢单|成交|签单|漏斗|预测|排行|排名|卡住|停滞|没进展|逾期|超期|过期|的商机|的单子|历史|往来")
_GATE_EN = rx("result|perform|how |won|win|funnel|forecast|leaderboard|ranking|top rep|stuck|stalled|overdue|late|"
              "'s deals|deals of|history")
_TOPICS_ZH = (
    ("history", re.compile(r"的(?:历史|历史记录|往来|跟进记录)")),
    ("deals_of", re.compile(r"的(?:商机|单子)")),
    ("stalled", re.compile(r"卡住|停滞|没进展|没有进展")),
    ("overdue", re.compile(r"逾期|超期|过期")),
    ("forecast", re.compile(r"预测")),
    ("funnel", re.compile(r"漏斗")),
    ("leaderboard", re.compile(r"排行|排名")),
    ("results", re.compile(r"业绩|赢单|成交|签单")),
)
_TOPICS_EN = (
    ("history", re.compile(r"\bhistory\b")),
    ("deals_of", re.compile(r"'s deals\b|\bdeals of\b")),
    ("stalled", re.compile(r"\bstuck\b|\bstalled\b")),
    ("overdue", re.compile(r"\boverdue\b|\blate\b")),
    ("forecast", re.compile(r"\bforecast")),
    ("funnel", re.compile(r"\bfunnel\b")),
    ("leaderboard", re.compile(r"\bleaderboard\b|\branking\b|\btop reps?\b")),
    ("results", re.compile(r"\bresults?\b|\bperformance\b|\bhow did\b.*\b(?:go|do)\b|"
                           r"\bhow (?:is|are|was)\b.*\bgoing\b|\b(?:won|win)\b")),
)
# Period words: zh, then en (on lower-cased text). Kept as written; bot.analytics_periods resolves them.
PERIOD_ZH = re.compile(r"\d{4}\s?年?\s?[Qq]\d|\d{4}\s?年\s?第?[一二三四1-4]\s?季度|[Qq]\d|第?[一二三四]季度|"
                       r"\d{4}\s?年\s?\d{1,2}\s?月(?:份)?|\d{4}-\d{1,2}|\d{1,2}月份?|\d{4}\s?年|"
                       r"今天|本周|这周|这个星期|上周|这个月|本月|上个?月|这个季度|本季度?|上个?季度|今年|去年|全年")
PERIOD_EN = re.compile(r"\b\d{4}\s?q[1-9]\b|\bq[1-9]\s?\d{4}\b|\bq[0-9]\b|\b\d{4}-\d{1,2}\b|"
                       r"\b(?:this|last) (?:month|quarter|year|week)\b|\btoday\b|\b(?:in )?\d{4}\b")
_ASKED_ZH = re.compile(r"如何|怎么样|怎样|多少|几个|几单|哪些|哪个|什么|吗|呢|[?？]|查一?下|看看|看一下|列出|显示|统计")
_ASKED_EN = re.compile(r"\?|\b(?:how|what|which|show|list|give|tell|who)\b")
# Words that say nothing about the subject: taken out before the subject is read.
_FILLER_ZH = re.compile(r"如何|怎么样|怎样|多少|几个|几单|哪些|哪个|什么|吗|呢|了|查一?下|看看|看一下|列出|显示|统计|"
                        r"情况|的|我们|我|团队|部门|一共|总共|共|有|是|给我|请|帮我|一下|跟进|商机|单子|记录|业绩|赢单|"
                        r"成交|签单|漏斗|预测|排行榜?|排名|卡住|停滞|没有?进展|逾期|超期|过期|历史|往来|金额|数|目标|回款|收款|"
                        r"[?？!！,，。.、:：\s]")
_FILLER_EN = re.compile(r"\b(?:how|did|does|do|is|are|was|were|the|a|an|what|which|show|me|list|give|tell|who|"
                        r"our|my|we|us|i|team|deals?|results?|performance|go|going|won|win|funnel|forecast|many|much|this|"
                        r"that|so|far|sales|done|close[ds]?|"
                        r"leaderboard|ranking|top|reps?|stuck|stalled|overdue|late|history|of|for|with|in|on|"
                        r"follow[- ]?ups?|next steps?|payments?|so far|please)\b|'s\b|[?!,.:;]")
SHORT = 10  # a message this short holding a topic noun is a question even without a question word
_NOUNS = re.compile(r"业绩|漏斗|预测|排行|排名|卡住|停滞|逾期|超期|"
                    r"(?i:results?|performance|funnel|forecast|leaderboard|ranking|stuck|stalled|overdue)")
_SENTENCE = re.compile(r"[，,。;；!！]|(?:赢单|成交|签单)了|(?i:\bwe won\b|\bwon the\b|\bsigned\b)")
_MAX_SUBJECT = 12


@dataclass(frozen=True, slots=True)
class Question:
    topic: str  # results, funnel, forecast, leaderboard, stalled, overdue, deals_of, history
    period: str = ""  # the period words as written ("这个季度", "q4", "2026q4"), "" = none
    subject: str = ""  # what names a team, region, rep or customer, "" = none
    overdue_payments: bool = False  # overdue: payments (回款 / payment) rather than follow-ups


def read_question(text: str, probe: Probe | None = None) -> Question | None:
    """The question `text` asks about the numbers, or None (most messages: one regex scan)."""
    probe = probe or Probe.of(text)
    zh = probe.cjk and _GATE_ZH.search(text) is not None
    en = probe.lower is not None and _GATE_EN.search(probe.lower) is not None
    if not (zh or en) or "#" in text:
        return None
    topic = _topic(probe, zh, en)
    if topic is None or not _asked(probe, topic) or REPORTED_QUESTION.search(probe) is not None:
        return None
    period = _period(probe)
    subject = _subject(probe, period, topic)
    if topic not in ("deals_of", "history") and (len(subject) > _MAX_SUBJECT or len(subject.split()) > 3):
        return None  # more than a name is left: a sentence about something else
    payments = re.search(r"回款|收款|款|payment", probe.lower or text) is not None
    return Question(topic, period, subject, overdue_payments=topic == "overdue" and payments)


def _topic(probe: Probe, zh: bool, en: bool) -> str | None:
    if zh:
        for name, pattern in _TOPICS_ZH:
            if pattern.search(probe.text):
                return name
    if en and probe.lower is not None:
        for name, pattern in _TOPICS_EN:
            if pattern.search(probe.lower):
                return name
    return None


def _asked(probe: Probe, topic: str) -> bool:
    """Asked (a question word), or short enough to be nothing but a question (预测, 上个月业绩, overdue
    follow-ups); a long sentence without a question word is a note to record ("客户说今年业绩不好…")."""
    text = probe.text.strip()
    if topic in ("deals_of", "history"):
        return _whole_subject_question(probe, topic)
    if _SENTENCE.search(text) and not re.search(r"[?？]", text):
        return False  # 今天拜访明途，赢单了 / we won the Zenith deal: news to record, not a question
    if _ASKED_ZH.search(text) or (probe.lower is not None and _ASKED_EN.search(probe.lower)):
        return True
    short = len(text) <= SHORT or (probe.lower is not None and len(text.split()) <= 4)
    return short and _NOUNS.search(text) is not None


_DEALS_OF = re.compile(r"^(?:查一?下|看看|看一下)?\s*(\S{1,16}?)\s*的(?:商机|单子)(?:有哪些|情况)?\s*[?？]?$")
_HISTORY_OF = re.compile(r"^(?:查一?下|看看|看一下)?\s*(\S{1,40}?)\s*的(?:历史|历史记录|往来|跟进记录)\s*[?？]?$")
_DEALS_OF_EN = re.compile(r"^(?:show (?:me )?)?(?:(.{1,40}?)'s deals|deals of (.{1,40}?))\s*\??$")
_HISTORY_OF_EN = re.compile(r"^(?:show (?:me )?)?(?:the )?"
                            r"(?:(?:history (?:of|for|with) (.{1,60}?))|(.{1,60}?)'s history)\s*\??$")


def _whole_subject_question(probe: Probe, topic: str) -> bool:
    """张伟的商机, 明途信息的历史, history of Zenith: the whole message, nothing else."""
    return _named(probe, topic) is not None


def _named(probe: Probe, topic: str) -> str | None:
    text = probe.text.strip()
    zh, en = (_DEALS_OF, _DEALS_OF_EN) if topic == "deals_of" else (_HISTORY_OF, _HISTORY_OF_EN)
    if (found := zh.match(text)) is not None:
        return found.group(1)
    if probe.lower is not None and (found := en.match(probe.lower.strip())) is not None:
        start, end = found.span(1) if found.group(1) is not None else found.span(2)
        return text[start:end]  # as written (names keep their case)
    return None


def _period(probe: Probe) -> str:
    found = PERIOD_ZH.search(probe.text) if probe.cjk else None
    if found is None and probe.lower is not None:
        found = PERIOD_EN.search(probe.lower)
    return "" if found is None else re.sub(r"\s+", "", found.group(0).lower().removeprefix("in "))


def subject_words(text: str) -> str:
    """What is left of `text` once period, topic and question words are taken out (command arguments)."""
    return _subject(Probe.of(text), "", "results")


def _subject(probe: Probe, period: str, topic: str) -> str:
    if topic in ("deals_of", "history"):
        return (_named(probe, topic) or "").strip()
    text = PERIOD_ZH.sub(" ", probe.text)
    if probe.lower is not None:
        lower = PERIOD_EN.sub(lambda m: " " * len(m.group(0)), text.lower())
        text = _keep_case(text, _FILLER_EN.sub(lambda m: " " * len(m.group(0)), lower))
    return " ".join(_FILLER_ZH.sub(" ", text).split())


def _keep_case(original: str, blanked: str) -> str:
    """`blanked` (lower-cased, with words blanked out, same length) with the original letters kept."""
    if len(original) != len(blanked):
        return blanked
    return "".join(o if b != " " else " " for o, b in zip(original, blanked, strict=True))
