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
