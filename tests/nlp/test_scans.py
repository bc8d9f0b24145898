"""The fast scans find exactly what the plain patterns find (they only skip to likely start characters)."""

from __future__ import annotations

import random
import re

import pytest

from bot.nlp import amounts, companies, dates_zh, refs
from bot.nlp.text import Scanned, fold
from tests.nlp.scoring import load
from tests.nlp.test_gold import DEV, HERE

_ALPHABET = list(
    "0123456789,.:-/#~ $¥+()@_\nUuSsDdRrMmBbCcNnYyKkWwAaEeOoPpLlTtIi人民币元块万亿千百十一二两三四五六七八九零〇壹拾"
    "点号月日年周天明后今昨早晚上下午中凌晨时點分钟半刻整约到至前内集团有限公司股份控研究院商机编预算价")
_OLD_SUFFIX = re.compile(
    r"(?:(?:集团)?(?:股份有限公司|有限责任公司|有限公司)|(?:控股)?集团(?:公司)?|分公司|公司|研究院|研究所|设计院"
    r"|医院|大学|学院|银行|分行|支行|事务所)+", re.ASCII)


def _texts() -> list[str]:
    rng = random.Random(5)
    fuzz = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 25))) for _ in range(4000)]
    return [fold(line["text"]) for line in load(HERE / "gold.jsonl") + load(DEV)] + fuzz


TEXTS = _texts()
SCANS = {
    "amount": Scanned(amounts._AMOUNT_START, amounts.AMOUNT_RE),
    "range": Scanned(amounts._RANGE_START, amounts.RANGE_RE),
    "phone": Scanned(refs._PHONE_START, refs.PHONE_RE),
    "opportunity": Scanned(refs._OPP_START, refs.OPP_RE),
    "clock": dates_zh._CLOCK,
}


def _spans(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", SCANS)
def test_a_scan_lists_what_finditer_lists(name: str) -> None:
    scanned = SCANS[name]
    for text in TEXTS:
        assert _spans(scanned.finditer(text)) == _spans(scanned.pattern.finditer(text)), text


def test_legal_form_endings_match_as_the_optional_group_form_did() -> None:
    for text in TEXTS:
        assert _spans(companies.ZH_SUFFIX_RE.finditer(text)) == _spans(_OLD_SUFFIX.finditer(text)), text


def test_money_word_check_agrees_with_the_money_word_pattern() -> None:
    for text in [*TEXTS, "_budget 80", "Budget: 80", "prepaid 5k", "the price is 5k", "İprice 3"]:
        assert amounts._has_money_word(text) == (amounts._MONEY_WORD.search(text) is not None), text


def _guarded_patterns() -> list[re.Pattern[str]]:
    """Every pattern of bot.nlp that `text.guarded` put behind a lookahead (module constants, cues, date rules)."""
    import importlib
    import pkgutil

    import bot.nlp
    from bot.nlp.cues import Cue
    from bot.nlp.moments import RuleBook

    found: dict[int, re.Pattern[str]] = {}
    for module in pkgutil.iter_modules(bot.nlp.__path__):
        for value in vars(importlib.import_module(f"bot.nlp.{module.name}")).values():
            items = [value.zh, value.en] if isinstance(value, Cue) else [value]
            if isinstance(value, RuleBook):
                items = [rule[1] for rule in value.rules]
            items += [p for item in items if isinstance(item, Scanned) for p in (item.starts, item.pattern)]
            found.update((id(p), p) for p in items if isinstance(p, re.Pattern) and p.pattern.startswith("(?=["))
    return list(found.values())


def test_a_guarded_pattern_matches_what_the_pattern_alone_matches() -> None:
    guarded = _guarded_patterns()
    assert len(guarded) >= 40
    texts = [*TEXTS[:1500], *(t.lower() for t in TEXTS[:300]), *(t.upper() for t in TEXTS[:300]), "Kſİ went"]
    for pattern in guarded:
        plain = re.compile(pattern.pattern[pattern.pattern.index("])(?:") + 5 : -1], pattern.flags)
        for text in texts:
            assert _spans(pattern.finditer(text)) == _spans(plain.finditer(text)), (plain.pattern, text)
            assert (pattern.match(text) is None) == (plain.match(text) is None), (plain.pattern, text)


def test_guarded_leaves_fast_or_possibly_empty_patterns_alone() -> None:
    from bot.nlp.text import guarded, rx

    for source in ("预算|报价", "[0-9]x+", "a?", "(?:x|y)*", "\\w+z", "(?i:ſ|b)c"):
        pattern = re.compile(source, re.ASCII)
        assert guarded(pattern) is pattern, source
    assert rx("(我们|我司)没|不").pattern == "(?=[不我])(?:(我们|我司)没|不)"
    assert rx("(?i:\\bnot)|了").pattern == "(?=[Nn了])(?:(?i:\\bnot)|了)"
