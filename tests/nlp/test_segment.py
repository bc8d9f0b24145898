"""Our jieba pass (`bot.nlp.segment.Segmenter`) cuts exactly as `jieba.cut(text, HMM=False)` does."""

from __future__ import annotations

import random

import jieba
import pytest

from bot.nlp.segment import Segmenter
from tests.nlp.scoring import load
from tests.nlp.test_gold import DEV, HERE

_ALPHABET = list(
    "的了是在我有他这中大来上国个到说们为和你地出道也时年得就要下以生会着去过家学对可里后小心多天能好都然没日于起"
    "还发成事只作当想看文开手十用主行方又如前所本见经头面公同三已老从动两长知现分将外但身些与高意进把法此实回二理"
    "点月明其种全工话儿者向情部正名定女问力机给等几很业最间新什打便位重走电四第门相次东海口使西再平真听世气信北少"
    "苏州杭州深圳拜访有限公司集团股份科技预算报价万元王总经理明早下周三上午方案见面"
    "ABCabcXYZ0123456789 ,.#%-_+&@:/()\n\t\r　，。！？、")


def _texts() -> list[str]:
    rng = random.Random(11)
    fuzz = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    gold = [line["text"] for line in load(HERE / "gold.jsonl") + load(DEV)]
    edges = ["", " ", "\r\n", "a b", "ABC123中文", "2026年12月8日", "  两个空格  ", "iPhone15Pro 手机", "C++ 和 C#",
             "王总13812345678", "e-mail: wang@example.com", "１２万", "\u3000全角空格", "龘靐齉"]
    return edges + gold + fuzz


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    jieba.dt.check_initialized()
    return Segmenter(jieba)


def test_cuts_every_text_as_jieba_without_hmm(segmenter: Segmenter) -> None:
    differ = [text for text in _texts() if segmenter.cut(text) != list(jieba.cut(text, HMM=False))]
    assert differ == []


def test_cuts_runs_of_dictionary_words_as_jieba_without_hmm(segmenter: Segmenter) -> None:
    """Glued dictionary words: where routes tie, jieba's choice (the longer word last tried) must be kept."""
    rng = random.Random(3)
    words = [word for word, count in list(jieba.dt.FREQ.items())[::97] if count]
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    assert [text for text in texts if segmenter.cut(text) != list(jieba.cut(text, HMM=False))] == []


def test_full_mode_is_refused(segmenter: Segmenter) -> None:
    with pytest.raises(ValueError):
        segmenter.cut("今天去拜访", cut_all=True)
