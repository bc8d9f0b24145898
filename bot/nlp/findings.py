"""What the rules find in one message, before any token is made.

Every rule but one reads the (folded) text with regexes: deal numbers, phones, e-mails, money, dates,
contacts, known customers and English companies. Only Chinese company names need tokens (a walk left
over jieba words from a legal-form ending), so `needs_tokens` tells the pipeline whether a message
needs a spaCy Doc at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.nlp import companies, people
from bot.nlp.amounts import AmountMention, find_amounts
from bot.nlp.cues import Probe
from bot.nlp.gazetteer import Gazetteer, KnownHit
from bot.nlp.lexicon import EN_NOT_NAMES
from bot.nlp.refs import Found, find_refs
from bot.nlp.when import WhenMention, find_when

_PRIORITY = {"EMAIL": 0, "PHONE": 1, "OPP": 2}
_QUOTE_RE = re.compile(f"[{re.escape(companies.QUOTE_CHARS)}]")


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
    suffixes: list[tuple[int, int]] = field(default_factory=list)  # Chinese legal-form endings
    extracted: bool = False  # the regex entities are in
    split: bool = False  # the Doc's tokens were already split at the entities' boundaries
    tokens: list[tuple[int, int]] | None = None  # the Doc's token offsets, when known without asking it
    probe: Probe = field(init=False)  # the text prepared once for the intent cues
    cjk: bool = field(init=False)
    latin: bool = field(init=False)

    def __post_init__(self) -> None:
        self.probe = probe = Probe.of(self.text)
        self.cjk, self.latin = probe.cjk, probe.lower is not None


def extract_entities(findings: Findings) -> None:
    """The regex entities over the text, overlaps resolved (no tokens needed)."""
    text = findings.text
    findings.refs = find_refs(text)
    findings.amounts = find_amounts(text)
    findings.whens = find_when(text, findings.now, findings.probe)
    findings.contacts = people.find_contacts_zh(text) if findings.cjk else []
    if findings.latin:
        findings.contacts += people.find_contacts_en(text, EN_NOT_NAMES)
        findings.contacts += people.find_first_names(text, EN_NOT_NAMES, findings.contacts)
    findings.known = findings.gazetteer.find(text) if findings.gazetteer else []
    findings.suffixes = companies.suffix_spans(text) if findings.cjk else []
    _without_overlaps(findings)
    findings.extracted = True


def needs_tokens(findings: Findings) -> bool:
    """Only a Chinese legal-form or industry ending sends the company rule walking over tokens."""
    return findings.cjk and (bool(findings.suffixes) or companies.WEAK_SUFFIX_RE.search(findings.text) is not None)


def entity_cuts(findings: Findings) -> set[int]:
    """Where tokens must be split so that every entity starts and ends on a token boundary."""
    cuts: set[int] = set()
    for group in (findings.refs, findings.amounts, findings.whens, findings.contacts, findings.known):
        for item in group:
            cuts.add(item.start)
            cuts.add(item.end)
    for start, end in findings.suffixes:
        cuts.add(start)
        cuts.add(end)
    return cuts


def find_companies(findings: Findings, tokens: Sequence[tuple[int, int]] | None) -> None:
    """Company names: capitalised words + legal form for English, the token walk for Chinese
    (`tokens`: (start, end) offsets; None when `needs_tokens` said no walk is needed)."""
    found = companies.find_en(findings.text) if findings.latin else []
    if tokens is not None and needs_tokens(findings):
        taken = [(f.start, f.end) for f in findings.refs] + [(a.start, a.end) for a in findings.amounts]
        taken += [(w.start, w.end) for w in findings.whens]
        found += companies.find_zh(findings.text, tokens, taken, [c.start for c in findings.contacts],
                                   findings.suffixes)
    if _QUOTE_RE.search(findings.text) is not None:  # any of companies.QUOTE_CHARS
        found += companies.find_quoted(findings.text, found)
    findings.companies = sorted(found, key=lambda f: f.start) if len(found) > 1 else found


def _rank(item: Found | AmountMention | WhenMention) -> int:
    if isinstance(item, Found):
        return _PRIORITY.get(item.label, 6)
    if isinstance(item, AmountMention):
        return 3 if item.explicit else 5
    return 4


def _without_overlaps(findings: Findings) -> None:
    """Keep the most specific reading of each stretch: e-mail > phone > #ref > money > date > bare number."""
    if findings.whens and findings.contacts:
        findings.whens = _outside_titled_names(findings)
    items: list[Found | AmountMention | WhenMention] = [*findings.refs, *findings.amounts, *findings.whens]
    if not items:
        return
    taken = sorted([(k.start, k.end) for k in items])
    if any(taken[i][1] > taken[i + 1][0] for i in range(len(taken) - 1)):
        taken = _keep_specific(findings, items)
    elif len(findings.refs) > 1:
        findings.refs.sort(key=_start)  # amounts and dates come in order; refs come by kind
    if findings.contacts:
        findings.contacts = [c for c in findings.contacts if all(c.end <= a or b <= c.start for a, b in taken)]


def _outside_titled_names(findings: Findings) -> list[WhenMention]:
    """Dr. Sun Wei is a person, not a Sunday: a date inside a name after a title is no date."""
    titled = [(c.start, c.end) for c in findings.contacts if people.TITLED.match(c.value)]
    if not titled:
        return findings.whens
    return [w for w in findings.whens if not any(a <= w.start and w.end <= b for a, b in titled)]


def _start(item: Found) -> int:
    return item.start


def _keep_specific(findings: Findings, items: list[Found | AmountMention | WhenMention]) -> list[tuple[int, int]]:
    """Some items overlap: keep the best-ranked, then the longest, then the first of each stretch."""
    kept: list[Found | AmountMention | WhenMention] = []
    for item in sorted(items, key=lambda i: (_rank(i), -(i.end - i.start), i.start)):
        if all(item.end <= k.start or k.end <= item.start for k in kept):
            kept.append(item)
    if len(kept) < len(items):
        findings.refs = [k for k in kept if isinstance(k, Found)]
        findings.amounts = [k for k in kept if isinstance(k, AmountMention)]
        findings.whens = [k for k in kept if isinstance(k, WhenMention)]
    findings.refs.sort(key=lambda k: k.start)
    findings.amounts.sort(key=lambda k: k.start)
    findings.whens.sort(key=lambda k: k.start)
    return [(k.start, k.end) for k in kept]
