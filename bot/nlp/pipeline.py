"""The spaCy side: blank `zh` (jieba segmenter) and blank `en` pipelines with our rule components.

Token patterns fail where an entity boundary falls inside a jieba token (3|天后, 两点|半约), so the
entities are regex matches over the text, tokens are split at the match boundaries, and only then are
spans made (doc.spans["dealbot"]) and tokens walked (Chinese company names). Per-message input (the
clock, the known customers) travels in doc.user_data.

Only the Chinese company rule reads tokens, so `run` builds a Doc only for a message that needs one
(`needs_tokens`); every other message goes through the same rules without a Doc, with the same result.
For Chinese the Doc is made from one jieba pass (`segment.Segmenter`: jieba's dictionary and algorithm,
HMM off, in fewer steps), its words already split at the entity boundaries; the company walk takes the
token offsets from that word list instead of asking the Doc.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bot.nlp.companies import WEAK_SUFFIX_RE
from bot.nlp.findings import Findings, entity_cuts, extract_entities, find_companies, needs_tokens
from bot.nlp.segment import BLOCK_RUN, Segmenter

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["FINDINGS", "SPAN_KEY", "Findings", "Pipelines", "Spacy", "build_pipelines", "run", "split_tokens"]

FINDINGS = "dealbot.findings"
SPAN_KEY = "dealbot"


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


Made = tuple[list[str], list[bool], list[tuple[int, int]]]


def words_and_spaces(pieces: Iterable[str], text: str, cuts: set[int]) -> Made | None:
    """spaCy words and spaces from segmenter pieces that add up to `text`, as spaCy's
    `get_words_and_spaces` makes them (one space after a word is its trailing whitespace, any other
    whitespace run is a token), with every piece split at the cuts strictly inside it, and each word's
    (start, end) offsets; None when the pieces do not add up to the text."""
    ordered = sorted(cuts)
    words: list[str] = []
    spaces: list[bool] = []
    bounds: list[tuple[int, int]] = []
    pos = next_cut = 0
    gap = -1  # start of a whitespace run not yet placed
    for piece in pieces:
        end = pos + len(piece)
        if piece.isspace():
            gap = pos if gap < 0 else gap
        else:
            if gap >= 0:
                _place_gap(text, gap, pos, words, spaces, bounds)
                gap = -1
            while next_cut < len(ordered) and ordered[next_cut] <= pos:
                next_cut += 1
            start = pos
            while next_cut < len(ordered) and ordered[next_cut] < end:
                words.append(text[start : ordered[next_cut]])
                bounds.append((start, ordered[next_cut]))
                start = ordered[next_cut]
                next_cut += 1
            words.append(piece if start == pos else text[start:end])
            bounds.append((start, end))
        pos = end
    if pos != len(text):
        return None
    if gap >= 0:
        _place_gap(text, gap, pos, words, spaces, bounds)
    spaces.extend([False] * (len(words) - len(spaces)))
    return words, spaces, bounds


def _place_gap(text: str, start: int, end: int, words: list[str], spaces: list[bool],
               bounds: list[tuple[int, int]]) -> None:
    """Whitespace from `start` to `end` after the words so far (`spaces` covers all but the last word)."""
    spaces.extend([False] * (len(words) - len(spaces)))
    if words and text[start] == " ":
        spaces[-1] = True
        start += 1
    if start < end:
        words.append(text[start:end])
        bounds.append((start, end))


def entities_component(doc: Doc) -> Doc:
    """Component 1: regex entities over the text, then split tokens at their boundaries."""
    findings: Findings = doc.user_data[FINDINGS]
    if not findings.extracted:
        extract_entities(findings)
    if not findings.split:
        split_tokens(doc, entity_cuts(findings))
        findings.split = True
    return doc


def organisations_component(doc: Doc) -> Doc:
    """Component 2: company names (token walk for Chinese, capitalised words + legal form for English),
    then the spans of every named thing."""
    findings: Findings = doc.user_data[FINDINGS]
    find_companies(findings, findings.tokens if findings.tokens is not None else token_bounds(doc))
    spans = []
    for item in (*findings.refs, *findings.companies, *findings.contacts):
        span = doc.char_span(item.start, item.end, label=item.label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPAN_KEY] = spans
    return doc


@dataclass(frozen=True, slots=True)
class Spacy:
    zh: Language
    en: Language
    zh_steps: tuple[Callable[[Doc], Doc], ...]
    en_steps: tuple[Callable[[Doc], Doc], ...]


class Pipelines:
    """jieba's segmenter, loaded at once, and spaCy's blank pipelines, built on first use: the parser
    asks for a Doc only for an English message whose rules need tokens (or with `always_doc`), so a
    Chinese message never waits for spaCy's import (~0.7 s of a cold start) and its pipelines (~0.3 s)."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segment: Callable[[str], Iterable[str]] = segmenter.cut  # jieba without HMM
        self._segmenter = segmenter
        self._spacy: Spacy | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._spacy is not None

    @property
    def spacy(self) -> Spacy:
        if self._spacy is None:
            with self._lock:
                if self._spacy is None:
                    self._spacy = _build_spacy(self._segmenter)
        return self._spacy

    @property
    def zh(self) -> Language:
        return self.spacy.zh

    @property
    def en(self) -> Language:
        return self.spacy.en


_COMPONENTS = (("dealbot_entities", entities_component), ("dealbot_organisations", organisations_component))


def _register() -> None:
    from spacy.language import Language

    for name, func in _COMPONENTS:
        if not Language.has_factory(name):
            Language.component(name, func=func)


def build_pipelines() -> Pipelines:
    """jieba (its dictionary: slow, build once and reuse) now; spaCy's pipelines when first needed."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # jieba's HMM new-word guessing is off: its guesses cross entity boundaries (点带, 半约, 前海微|众数)
    # and cost a quarter of the segmenting time; the dictionary words are the same.
    return Pipelines(Segmenter(jieba))


def _build_spacy(segmenter: Segmenter) -> Spacy:
    """Blank zh (the same jieba segmenter) + blank en with our components."""
    import spacy

    _register()
    zh = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    tokenizer: Any = zh.tokenizer
    tokenizer.jieba_seg = segmenter
    en = spacy.blank("en")
    for nlp in (zh, en):
        for name, _ in _COMPONENTS:
            nlp.add_pipe(name)
    return Spacy(zh, en, tuple(c for _, c in zh.pipeline), tuple(c for _, c in en.pipeline))


def make_doc(pipelines: Pipelines, zh: bool, original: str, findings: Findings) -> Doc:
    """The Doc of `original`; a Chinese one from one jieba pass with its words already split at the
    entities' boundaries (what the tokenizer followed by `split_tokens` gives, without its slow path)."""
    if zh:
        made = words_and_spaces(pipelines.segment(original), original, entity_cuts(findings))
        if made is not None:
            from spacy.tokens import Doc

            findings.split = True
            findings.tokens = made[2]
            return Doc(pipelines.zh.vocab, words=made[0], spaces=made[1], user_data={FINDINGS: findings})
    doc = (pipelines.zh if zh else pipelines.en).make_doc(original)
    doc.user_data[FINDINGS] = findings
    return doc


def walked_part(findings: Findings, original: str) -> str:
    """`original` up to the end of the jieba block that holds the last company ending. The company walk
    reads only tokens left of an ending, and jieba cuts each block on its own, so they are the same
    tokens as those of the whole text (tests/nlp/test_parser.py compares the two)."""
    last = max((start for start, _ in findings.suffixes), default=-1)
    for m in WEAK_SUFFIX_RE.finditer(findings.text):
        last = max(last, m.start())
    block = BLOCK_RUN.match(original, last) if last >= 0 else None
    return original[: block.end()] if block is not None else original


def run(pipelines: Pipelines, zh: bool, original: str, findings: Findings, *, always_doc: bool = False,
        want_doc: bool = True) -> Doc | None:
    """Read `original` (whose folded form is `findings.text`); results land in `findings`. A Doc is
    built and the zh or en pipeline's components run on it only when the rules need tokens (or
    `always_doc`); returns that Doc, else None. Without `want_doc` (the parser: nothing reads the Doc's
    spans) the company walk takes its tokens from the jieba pass and no Doc is built at all, unless the
    pass's words do not add up to the text (then the tokenizer's Doc gives them, as with `want_doc`)."""
    extract_entities(findings)
    if not (always_doc or needs_tokens(findings)):
        find_companies(findings, None)
        return None
    if zh and not (want_doc or always_doc):
        part = walked_part(findings, original)
        made = words_and_spaces(pipelines.segment(part), part, entity_cuts(findings))
        if made is not None:  # what organisations_component would read from the Doc make_doc builds
            findings.split = True
            findings.tokens = made[2]
            find_companies(findings, made[2])
            return None
    doc = make_doc(pipelines, zh, original, findings)
    for step in pipelines.spacy.zh_steps if zh else pipelines.spacy.en_steps:
        doc = step(doc)
    return doc
