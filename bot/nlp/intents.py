"""Intent and stage by rules: help > question about the numbers (bot.nlp.questions) > query >
reminder > stage_change > payment > quote > new_lead >
follow_up > unknown. Each rule gives a strength used for the parse's confidence."""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlp import cues
from bot.nlp.cues import Cue, Probe
from bot.nlp.questions import read_question
from bot.nlp.rivals import quote_planned, rival_chosen


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class IntentGuess:
    intent: str
    strength: float  # 0..1: how sure the rule that fired is
    stage: str | None = None


def _affirmed(cue: Cue, probe: Probe) -> bool:
    """The cue occurs at least once without a negation or future/risk word right before it
    (`Cue.finditer`, unrolled: this runs for several cues on every message)."""
    text = probe.text
    search = cues.NOT_OR_LATER.search
    if cue.zh is not None and probe.cjk:
        for m in cue.zh.finditer(text):
            start = m.start()
            if search(text[start - 8 if start > 8 else 0 : start]) is None:
                return True
    lower = probe.lower
    if lower is None or cue.en is None:
        return False
    for m in cue.en.finditer(lower):
        start = m.start()
        if cues.word_start(lower, start) and search(text[start - 8 if start > 8 else 0 : start]) is None:
            return True
    return False


def find_stage(text: str, probe: Probe | None = None) -> str | None:
    """The stage the message moves the deal to, if it says so (won/lost, or a move to a named stage)."""
    probe = probe or Probe.of(text)
    if _affirmed(cues.LOST, probe) or rival_chosen(text, probe) is not None:
        return "lost"
    if _affirmed(cues.WON, probe):
        return "won"
    if cues.STAGE_HINT.search(probe) is None:
        return None
    for stage, cue in cues.STAGE_MOVES:
        if _affirmed(cue, probe):
            return stage
    if text.lstrip().startswith("#"):
        for stage, pattern in cues.BARE_STAGE:
            if pattern.match(text):
                return stage
    return None


def _is_query(probe: Probe) -> bool:
    text = probe.text
    asked = cues.QUERY_START.match(text) is not None or cues.QUERY.search(probe) is not None
    if not asked and text.rstrip()[-1:] not in ("吗", "呢", "?"):
        return False
    if cues.REPORTED_QUESTION.search(probe) is not None:
        return False
    return cues.QUERY_TOPIC.search(probe) is not None


def classify(text: str, *, amount_word: str | None, has_subject: bool, has_when: bool,
             has_ref: bool = False, probe: Probe | None = None) -> IntentGuess:
    """`amount_word`: the money word before the chosen amount ("" when none, None when no amount);
    `has_subject`: a company, contact or deal number was found; `has_ref`: a deal number was (for the
    follow_up fallback: "#22 项目暂停" is a note on a deal); `probe`: `Probe.of(text)` if already made."""
    probe = probe or Probe.of(text)
    if cues.HELP.match(text):
        return IntentGuess("help", 0.95)
    if read_question(text, probe) is not None:  # 这个月业绩如何, how did Q4 go: numbers asked, nothing to record
        return IntentGuess("query", 0.9)
    stage = find_stage(text, probe)
    if stage is None and _is_query(probe):
        return IntentGuess("query", 0.85)
    if cues.REMINDER.search(probe):
        return IntentGuess("reminder", 0.9, stage)
    if stage is not None:
        return IntentGuess("stage_change", 0.9, stage)
    money = _money_intent(probe, amount_word)
    if money is not None:
        return money
    if cues.NEW_LEAD.search(probe):
        return IntentGuess("new_lead", 0.85)
    if cues.FOLLOW_UP.search(probe):
        return IntentGuess("follow_up", 0.8 if has_subject or has_when else 0.45)
    if has_subject and (has_when or amount_word is not None or _contact_news(probe)):
        return IntentGuess("follow_up", 0.6)
    if has_when or (has_ref and _says_something(probe)):
        return IntentGuess("follow_up", 0.5)  # a note about a deal ("#22 项目暂停"): recorded, asked back
    return IntentGuess("unknown", 0.1)


def _contact_news(probe: Probe) -> bool:
    """Something about a person: their phone or e-mail, or what they said (a business card, 何总说…)."""
    return cues.CONTACT_NEWS.search(probe) is not None or cues.REACH.search(probe.text) is not None


def _says_something(probe: Probe) -> bool:
    """More than a bare reference: a few Chinese characters or a few English words."""
    text = probe.text
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 4 or len((probe.lower or "").split()) >= 4


def _money_intent(probe: Probe, amount_word: str | None) -> IntentGuess | None:
    """Payment or quote, when the amount is one (a budget mentioned in passing is neither)."""
    budget = bool(amount_word) and cues.BUDGET_WORDS.search(amount_word or "") is not None
    done = cues.PAYMENT_DONE.search(probe) is not None
    payment = cues.PAYMENT.search(probe) is not None and ((amount_word is not None and not budget) or done)
    quote = amount_word is not None and not budget and _quote_given(probe)
    if payment and quote and amount_word:
        payment = cues.PAYMENT_WORDS.search(amount_word) is not None or not cues.QUOTE_WORDS.search(amount_word)
        quote = not payment
    if payment:
        return IntentGuess("payment", 0.9 if amount_word is not None else 0.7)
    if quote:
        return IntentGuess("quote", 0.9)
    return None


def _quote_given(probe: Probe) -> bool:
    """A quote word that reports a quote, not one planned for a deadline (下周一之前出报价)."""
    return any(not quote_planned(probe.text, m.start(), m.end()) for m in cues.QUOTE.finditer(probe))
