"""The spaCy side: blank `zh` (jieba segmenter) and blank `en` pipelines with our rule components.

Token patterns fail where an entity boundary falls inside a jieba token (3|天后, 两点|半约), so the
components match regexes over the text, split tokens at the match boundaries, and only then make
spans (doc.spans["dealbot"]) and walk tokens (company names). Per-message input (the clock, the
known customers) travels in doc.user_data.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bot.nlp import companies, people
from bot.nlp.amounts import AmountMention, find_amounts
from bot.nlp.cues import has_latin
from bot.nlp.gazetteer import Gazetteer, KnownHit
from bot.nlp.intents import IntentGuess
from bot.nlp.lexicon import EN_NOT_NAMES
from bot.nlp.refs import Found, find_refs
from bot.nlp.text import has_cjk
from bot.nlp.when import WhenMention, find_when

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

FINDINGS = "dealbot.findings"
SPAN_KEY = "dealbot"
_PRIORITY = {"EMAIL": 0, "PHONE": 1, "OPP": 2}


@dataclass(slots=True)
class Findings:
    """Everything the components found in one message (offsets into the folded text)."""

    text: str
    now: datetime
    gazetteer: Gazetteer | None = None
    refs: list[Found] = field(default_factory=list)
    amounts: list[AmountMention] = field(default_factory=list)
    whens: list[WhenMention] = field(default_factory=list)
    contacts: list[Found] = field(default_factory=list)
    companies: list[Found] = field(default_factory=list)
    known: list[KnownHit] = field(default_factory=list)
    guess: IntentGuess | None = None
    cjk: bool = field(init=False)
    latin: bool = field(init=False)

    def __post_init__(self) -> None:
        self.cjk, self.latin = has_cjk(self.text), has_latin(self.text)


def _rank(item: Found | AmountMention | WhenMention) -> int:
    if isinstance(item, Found):
        return _PRIORITY.get(item.label, 6)
    if isinstance(item, AmountMention):
        return 3 if item.explicit else 5
    return 4


def _without_overlaps(findings: Findings) -> None:
    """Keep the most specific reading of each stretch: e-mail > phone > #ref > money > date > bare number."""
    items: list[Found | AmountMention | WhenMention] = [*findings.refs, *findings.amounts, *findings.whens]
    kept: list[Found | AmountMention | WhenMention] = []
    for item in sorted(items, key=lambda i: (_rank(i), -(i.end - i.start), i.start)):
        if all(item.end <= k.start or k.end <= item.start for k in kept):
            kept.append(item)
    findings.refs = sorted((k for k in kept if isinstance(k, Found)), key=lambda k: k.start)
    findings.amounts = sorted((k for k in kept if isinstance(k, AmountMention)), key=lambda k: k.start)
    findings.whens = sorted((k for k in kept if isinstance(k, WhenMention)), key=lambda k: k.start)
    taken = [(k.start, k.end) for k in kept]
    findings.contacts = [c for c in findings.contacts if all(c.end <= a or b <= c.start for a, b in taken)]


def token_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of every token, without making Token objects."""
    from spacy.attrs import IDX, LENGTH

    return [(start, start + length) for start, length in doc.to_array([IDX, LENGTH]).tolist()]


def split_tokens(doc: Doc, cuts: set[int]) -> None:
    """Split every token that a cut offset falls strictly inside of (3天后 -> 3 | 天后)."""
    if not cuts:
        return
    ordered = sorted(cuts)
    inside = []
    for index, (start, end) in enumerate(token_bounds(doc)):
        first = bisect_right(ordered, start)
        if first < len(ordered) and ordered[first] < end:
            inside.append((index, [c - start for c in ordered[first : bisect_left(ordered, end, first)]]))
    if not inside:
        return
    with doc.retokenize() as retokenizer:
        for index, offsets in inside:
            token = doc[index]
            bounds = [0, *offsets, len(token.text)]
            orths = [token.text[a:b] for a, b in pairwise(bounds)]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))


def find_entities(doc: Doc) -> Doc:
    """Component 1: regex entities over the text, then split tokens at their boundaries."""
    findings: Findings = doc.user_data[FINDINGS]
    text = findings.text
    findings.refs = find_refs(text)
    findings.amounts = find_amounts(text)
    findings.whens = find_when(text, findings.now)
    findings.contacts = people.find_contacts_zh(text) if findings.cjk else []
    if findings.latin:
        findings.contacts += people.find_contacts_en(text, EN_NOT_NAMES)
        findings.contacts += people.find_first_names(text, EN_NOT_NAMES, findings.contacts)
    findings.known = findings.gazetteer.find(text) if findings.gazetteer else []
    _without_overlaps(findings)
    cuts: set[int] = set()
    pieces: list[Found | AmountMention | WhenMention | KnownHit] = [
        *findings.refs, *findings.amounts, *findings.whens, *findings.contacts, *findings.known]
    for item in pieces:
        cuts.update((item.start, item.end))
    for start, end in companies.suffix_spans(text) if findings.cjk else ():
        cuts.update((start, end))
    split_tokens(doc, cuts)
    return doc


def find_organisations(doc: Doc) -> Doc:
    """Component 2: company names (token walk for Chinese, capitalised words + legal form for English)."""
    findings: Findings = doc.user_data[FINDINGS]
    found = companies.find_en(findings.text) if findings.latin else []
    text = findings.text
    if findings.cjk and (companies.ZH_SUFFIX_RE.search(text) or companies.WEAK_SUFFIX_RE.search(text)):
        taken = [(f.start, f.end) for f in findings.refs] + [(a.start, a.end) for a in findings.amounts]
        taken += [(w.start, w.end) for w in findings.whens]
        tokens = token_bounds(doc)
        found += companies.find_zh(findings.text, tokens, taken, [c.start for c in findings.contacts])
    findings.companies = sorted(found, key=lambda f: f.start)
    spans = []
    for item in (*findings.refs, *findings.companies, *findings.contacts):
        span = doc.char_span(item.start, item.end, label=item.label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPAN_KEY] = spans
    return doc


@dataclass(frozen=True, slots=True)
class Pipelines:
    zh: Language
    en: Language
    zh_steps: tuple[Callable[[Doc], Doc], ...]
    en_steps: tuple[Callable[[Doc], Doc], ...]


_COMPONENTS = (("dealbot_entities", find_entities), ("dealbot_organisations", find_organisations))


def _register() -> None:
    from spacy.language import Language

    for name, func in _COMPONENTS:
        if not Language.has_factory(name):
            Language.component(name, func=func)


class _JiebaWithoutHmm:
    """What spaCy's ChineseTokenizer calls as `jieba_seg.cut(text, cut_all=False)`, with jieba's HMM
    new-word guessing off: its guesses cross entity boundaries (点带, 半约, 前海微|众数) and cost
    a quarter of the segmenting time; the dictionary words are the same."""

    def __init__(self, jieba: Any) -> None:
        self._jieba = jieba

    def cut(self, text: str, cut_all: bool = False) -> Any:
        return self._jieba.cut(text, cut_all=cut_all, HMM=False)


def build_pipelines() -> Pipelines:
    """Blank zh (jieba) + blank en with our components. Slow (jieba's dictionary): build once, reuse."""
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    _register()
    zh = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    tokenizer: Any = zh.tokenizer
    tokenizer.jieba_seg = _JiebaWithoutHmm(tokenizer.jieba_seg)
    en = spacy.blank("en")
    for nlp in (zh, en):
        for name, _ in _COMPONENTS:
            nlp.add_pipe(name)
    return Pipelines(zh, en, tuple(c for _, c in zh.pipeline), tuple(c for _, c in en.pipeline))


def run(pipelines: Pipelines, zh: bool, original: str, findings: Findings) -> Doc:
    """Tokenise `original` with the zh or en pipeline and run its components; results land in `findings`."""
    nlp, steps = (pipelines.zh, pipelines.zh_steps) if zh else (pipelines.en, pipelines.en_steps)
    doc = nlp.make_doc(original)
    doc.user_data[FINDINGS] = findings
    for step in steps:
        doc = step(doc)
    return doc


def evidence_spans(doc: Doc) -> list[Any]:
    return list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else []
