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
from bot.nlp.period_words import PERIOD_ZH, period_mentions, without_periods
from bot.nlp.text import rx

# Topic words, zh and en. One alternation each: the gate.
_GATE_ZH = rx("业绩|赢单|成交|签单|漏斗|预测|排行|排名|卡住|停滞|没进展|逾期|超期|过期|的商机|的单子|历史|往来|"
              "赢率|胜率|"
              "转化|新增|新商机|排第|第几|赢了|签了|几单|多少单|怎么样|如何|咋样|"
              "跟进(?:哪|什么|谁|的|计划|安排|客户|商机)")
_GATE_EN = rx("result|perform|how |won|win|funnel|forecast|leaderboard|ranking|top rep|stuck|stalled|overdue|late|"
              "'s deals|deals of|history|win rate|win-rate|close rate|conversion|new deal|new opportunit|behind|"
              "rank|follow-ups|follow ups|next steps|best rep|best seller|who won|who sold|who closed")
_DUE_ZH = (r"(?:要|需要|该|得|应该)?跟进(?:哪些|什么|谁|的(?:客户|商机)?有哪些|(?:的)?(?:客户|商机)(?:有)?哪些)|"
           r"跟进(?:计划|安排)")
_TOPICS_ZH = (
    ("stalled", re.compile(r"卡住|停滞|没进展|没有进展")),
    ("overdue", re.compile(r"逾期|超期|过期")),
    ("due", re.compile(_DUE_ZH)),
    ("forecast", re.compile(r"预测")),
    ("funnel", re.compile(r"漏斗|转化")),
    ("rank", re.compile(r"排第几|第几名|排名第几|排在第几|排多少名")),
    ("leaderboard", re.compile(r"排行|排名|业绩最好|谁.{0,4}(?:最多|最好|最高)")),
    ("win_rate", re.compile(r"赢率|胜率|成交率|赢单率")),
    ("new_deals", re.compile(r"新增.{0,6}(?:商机|单子)|新(?:商机|单子).{0,3}(?:多少|几个|有几|数)|新增(?:了)?多少")),
    ("results", re.compile(r"业绩|赢单|成交|签单|赢了|签了|(?:赢|签|拿下)了?(?:几|多少)单")),
)
_HOW_ZH = re.compile(r"^\s*\S{1,16}?\s*(?:怎么样|如何|咋样)\s*[?？]?\s*$")  # Q4怎么样: with a period word only
_BEHIND_EN = r"\boverdue\b|\blate\b|\bbehind\b"
_TOPICS_EN = (
    ("stalled", re.compile(r"\bstuck\b|\bstalled\b")),
    ("overdue", re.compile(_BEHIND_EN)),
    ("due", re.compile(r"\b(?:follow[- ]?ups?|next steps?|follow up)\b.*\b(?:today|tomorrow)\b|"
                       r"\b(?:today|tomorrow)'?s? (?:follow[- ]?ups?|next steps?)")),
    ("forecast", re.compile(r"\bforecast")),
    ("funnel", re.compile(r"\bfunnel\b|\bconversion\b")),
    ("rank", re.compile(r"\bwhere (?:does|do|is|am) .{0,40}\brank|\bwhat (?:place|position|rank)\b|\brank of\b")),
    ("leaderboard", re.compile(r"\bleaderboard\b|\branking\b|\btop reps?\b|\bbest (?:rep|seller)s?\b|"
                               r"\bwho (?:won|sold|closed|is the best)\b")),
    ("win_rate", re.compile(r"\bwin[- ]?rate\b|\bclose rate\b")),
    ("new_deals", re.compile(r"\bnew (?:deals|opportunities)\b|\bdeals (?:created|opened)\b")),
    ("results", re.compile(r"\bresults?\b|\bperformance\b|\bhow did\b.*\b(?:go|do)\b|"
                           r"\bhow (?:is|are|was|were)\b.*\b(?:going|doing)\b|\b(?:won|win)\b")),
)
_WHOLE = ("history", "deals_of")  # the whole message names a subject: 张伟的商机, 明途信息的历史
_BY_REP = re.compile(r"谁|哪个同事|哪位|哪些人|(?i:\bwho\b|\bwhich reps?\b)")
_ASKED_ZH = re.compile(r"如何|怎么样|怎样|咋样|多少|几个|几单|第几|哪些|哪个|什么|谁|吗|呢|[?？]|查一?下|看看|看一下|"
                       r"列出|显示|统计")
_ASKED_EN = re.compile(r"\?|\b(?:how|what|which|show|list|give|tell|who|where)\b")
# Words that say nothing about the subject: taken out before the subject is read (longer forms first).
_FILLER_ZH = re.compile(r"怎么样|如何|怎样|咋样|多少单|多少|几个|几单|排第几|排名第几|排在第几|排多少名|第几名|"
                        r"哪些|哪个|什么|"
                        r"谁的|谁|吗|呢|赢了|签了|拿下了?|了|查一?下|看看|看一下|列出|显示|统计|情况|的|我们|我|团队|部门|"
                        r"一共|总共|共|有|是|给我|请|帮我|一下|(?:要|需要|该|应该)?跟进|商机|单子|客户|记录|业绩最好|最好|"
                        r"最多|最高|业绩|赢单率|赢单|成交率|成交|签单|漏斗|预测|排行榜?|排名|卡住|停滞|没有?进展|逾期|超期|过期|"
                        r"历史|往来|金额|赢率|胜率|转化率|转化|新增|新|数|目标|回款|收款|[?？!！,，。.、:：\s]")
_FILLER_EN = re.compile(r"\b(?:how|did|does|do|is|are|am|was|were|the|a|an|what|which|show|me|list|give|tell|who|"
                        r"our|my|we|us|i|team|deals?|results?|performance|go|going|doing|won|win|funnel|forecast|many|"
                        r"much|this|that|so|far|sales|done|close[ds]?|rate|conversion|new|opportunit(?:y|ies)|created|"
                        r"opened|behind|rank(?:ed|s)?|where|place|position|best|most|sold|has|have|"
                        r"leaderboard|ranking|top|reps?|stuck|stalled|overdue|late|history|of|for|with|in|on|"
                        r"follow[- ]?ups?|follow|up|next steps?|payments?|so far|please)\b|'s\b|[?!,.:;]")
SHORT = 10  # a message this short holding a topic noun is a question even without a question word
_NOUNS = re.compile(r"业绩|漏斗|预测|排行|排名|卡住|停滞|逾期|超期|赢率|胜率|成交率|转化率|"
                    r"(?i:results?|performance|funnel|forecast|leaderboard|ranking|stuck|stalled|overdue|win rate|"
                    r"conversion|new deals)")
_SENTENCE = re.compile(r"[，,。;；!！]|(?:赢单|成交|签单)了|(?i:\bwe won\b|\bwon the\b|\bsigned\b)")
_MAX_SUBJECT = 12
_MINE = {"我", "我们", "my", "our", "me"}


@dataclass(frozen=True, slots=True)
class Question:
    topic: str  # results, win_rate, new_deals, funnel, forecast, leaderboard, rank, stalled, overdue, due,
    # deals_of, history
    period: str = ""  # the period words as written ("这个季度", "q4", "2026q4"), "" = none
    subject: str = ""  # what names a team, region, rep or customer, "" = none
    overdue_payments: bool = False  # overdue: payments (回款 / payment) rather than follow-ups
    by_rep: bool = False  # overdue: who is behind (谁的跟进逾期了, who is behind on follow-ups): per rep
    other_periods: tuple[str, ...] = ()  # more period words than one (an answer says to write one)


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
    periods = [_normal(words) for words in period_mentions(text)] if topic not in _WHOLE else []
    subject = _subject(probe, topic)
    if topic not in _WHOLE and (len(subject) > _MAX_SUBJECT or len(subject.split()) > 3):
        return None  # more than a name is left: a sentence about something else
    payments = re.search(r"回款|收款|款|payment", probe.lower or text) is not None
    by_rep = topic == "overdue" and _BY_REP.search(text) is not None
    return Question(topic, periods[0] if periods else "", subject, overdue_payments=topic == "overdue" and payments,
                    by_rep=by_rep, other_periods=tuple(p for p in periods[1:] if p != periods[0]))


_WHOLE_WORDS = re.compile(r"的(?:商机|单子|历史|往来|跟进记录)|'s deals|deals of|history")


def _topic(probe: Probe, zh: bool, en: bool) -> str | None:
    if _WHOLE_WORDS.search(probe.lower or probe.text) is not None:
        for topic in _WHOLE:
            if (name := _named(probe, topic)) is not None and name.casefold() not in _MINE:
                return topic
    if zh:
        for name, pattern in _TOPICS_ZH:
            if pattern.search(probe.text):
                return name
        if _HOW_ZH.match(probe.text) and PERIOD_ZH.search(probe.text):
            return "results"
    if en and probe.lower is not None:
        for name, pattern in _TOPICS_EN:
            if pattern.search(probe.lower):
                return name
    return None


def _asked(probe: Probe, topic: str) -> bool:
    """Asked (a question word), or short enough to be nothing but a question (预测, 上个月业绩, overdue
    follow-ups); a long sentence without a question word is a note to record ("客户说今年业绩不好…")."""
    text = probe.text.strip()
    if topic in _WHOLE:
        return True  # the whole message is "X的商机" / "history of X"
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
_NOT_A_NAME = re.compile(r"卡住|停滞|没有?进展|逾期|超期|过期|新增?|进行中|所有|全部|哪些|什么|有哪|"
                         r"本月|这个月|上个?月|今年")


def _named(probe: Probe, topic: str) -> str | None:
    """张伟的商机, 华北一组的商机, 明途信息的历史, history of Zenith: the whole message names one subject."""
    text = probe.text.strip()
    zh, en = (_DEALS_OF, _DEALS_OF_EN) if topic == "deals_of" else (_HISTORY_OF, _HISTORY_OF_EN)
    if (found := zh.match(text)) is not None:
        return None if _NOT_A_NAME.search(found.group(1)) else found.group(1)
    if probe.lower is not None and (found := en.match(probe.lower.strip())) is not None:
        start, end = found.span(1) if found.group(1) is not None else found.span(2)
        return text[start:end]  # as written (names keep their case)
    return None


def _normal(words: str) -> str:
    return re.sub(r"\s+", "", words.lower().removeprefix("in "))


def subject_words(text: str) -> str:
    """What is left of `text` once period, topic and question words are taken out (command arguments)."""
    return _subject(Probe.of(text), "results")


def _subject(probe: Probe, topic: str) -> str:
    if topic in _WHOLE:
        return (_named(probe, topic) or "").strip()
    text = without_periods(probe.text)
    if probe.lower is not None:
        text = _keep_case(text, _FILLER_EN.sub(lambda m: " " * len(m.group(0)), text.lower()))
    return " ".join(_FILLER_ZH.sub(" ", text).split())


def _keep_case(original: str, blanked: str) -> str:
    """`blanked` (lower-cased, with words blanked out, same length) with the original letters kept."""
    if len(original) != len(blanked):
        return blanked
    return "".join(o if b != " " else " " for o, b in zip(original, blanked, strict=True))
