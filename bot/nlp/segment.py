"""jieba's accurate mode without HMM (`jieba.cut(text, HMM=False)`), word for word, in fewer steps.

jieba builds a dict of every word's end positions, then a dict of best routes through a generator
per character, and yields words through three nested generators. The same dynamic programme over
the same dictionary (`Tokenizer.FREQ`, `Tokenizer.total`) is run here in one right-to-left loop,
with the logarithm of each frequency computed once (the same float operations in the same order, so
ties break the same way). The result is the list `jieba.cut(text, HMM=False)` would yield
(tests/nlp/test_segment.py compares the two).
"""

from __future__ import annotations

import re
from math import log
from typing import Any

# jieba's own block patterns (jieba.re_han_default, jieba.re_skip_default, jieba.re_eng)
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
BLOCK_RUN = re.compile(_HAN.pattern[1:-1])  # a run of block characters (jieba cuts each block on its own)
_SKIP = re.compile(r"(\r\n|\s)")
_ENG = re.compile("[a-zA-Z0-9]")
_LOGS: dict[int, float] = {}  # frequency -> log(frequency): a few thousand distinct values


class Segmenter:
    """Cuts like `jieba_module.cut(text, cut_all=False, HMM=False)` on jieba's default tokenizer."""

    def __init__(self, jieba: Any) -> None:
        self._tokenizer = jieba.dt

    def cut(self, text: str, cut_all: bool = False) -> list[str]:
        """What spaCy's ChineseTokenizer calls (`cut_all` is always False there)."""
        if cut_all:
            raise ValueError("only jieba's accurate mode is supported")
        tokenizer = self._tokenizer
        tokenizer.check_initialized()
        words: list[str] = []
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.match(block):
                _cut_block(block, tokenizer.FREQ, log(tokenizer.total), words)
                continue
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    words.append(piece)
                else:
                    words.extend(piece)
        return words


def _cut_block(block: str, freq: dict[str, int], log_total: float, words: list[str]) -> None:
    """jieba's get_DAG + calc + __cut_DAG_NO_HMM for one run of word characters. jieba keeps the
    route as (score, end) tuples and takes their max, so of equal scores the larger end wins: ends are
    tried in increasing order here, hence `>=`."""
    size = len(block)
    scores = [0.0] * (size + 1)
    ends = list(range(size + 1))
    logs = _LOGS
    for start in range(size - 1, -1, -1):
        best = 0.0 - log_total + scores[start + 1]  # no word starts here: the character alone, log(1)
        best_end = -1
        end = start
        count = freq.get(block[start])  # FREQ holds every prefix of a word (as 0 when not a word itself)
        while count is not None:
            if count:
                value = logs.get(count)
                if value is None:
                    value = logs[count] = log(count)
                score = value - log_total + scores[end + 1]
                if best_end < 0 or score >= best:
                    best, best_end = score, end
            end += 1
            count = freq.get(block[start : end + 1]) if end < size else None
        scores[start] = best
        ends[start] = best_end if best_end >= 0 else start
    _emit(block, ends, words)


def _emit(block: str, ends: list[int], words: list[str]) -> None:
    """Walk the best route; single Latin letters and digits in a row are glued into one word."""
    pos, size, glued = 0, len(block), ""
    while pos < size:
        end = ends[pos] + 1
        word = block[pos:end]
        if end - pos == 1 and _ENG.match(word):
            glued += word
        else:
            if glued:
                words.append(glued)
                glued = ""
            words.append(word)
        pos = end
    if glued:
        words.append(glued)
