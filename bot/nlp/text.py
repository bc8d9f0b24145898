"""Text helpers shared by the rules: width folding, traditional to simplified, clauses, script tests.

Every rule runs on `fold(text)`, which maps full-width ASCII (８０万, ＃9, ：) and odd spaces to plain
ASCII and traditional characters to simplified ones (華潤 → 华润, 下週二 → 下周二, OpenCC's t2s), one
character for one character, so offsets found on the folded text are offsets into the original and
values are always cut from what the rep actually wrote. Folding is for understanding only: what is
stored and sent keeps the rep's own characters and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x200B: 0x20, 0x200C: 0x20, 0x200D: 0x20, 0xFEFF: 0x20})
_FOLD.update({0xFFE5: ord("¥"), 0x2014: ord("-"), 0x2013: ord("-"), 0x301C: ord("~")})

CJK = r"\u4e00-\u9fff\u3400-\u4dbf"
_CJK_RE = re.compile(f"[{CJK}]")
_WORDISH_RE = re.compile(f"[{CJK}A-Za-z0-9]")
_CLAUSE_END = re.compile(r"[,.;!?\n。，；！？、]")
_UP_TO_CLAUSE_END = re.compile(r".*[,.;!?\n。，；！？、]", re.DOTALL)

MAX_CHARS = 2000  # longer texts are pastes: rules on a 10,000-character paste only produce noise


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile with ASCII semantics: \\b and \\w must treat CJK as a boundary (了Initrode, Monday回复)."""
    return re.compile(pattern, flags | re.ASCII)


def scan(starts: re.Pattern[str], pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """`list(pattern.finditer(text))` for a pattern that never matches empty text and can only match
    where `starts` matches. `re` skips fast to a leading character class but tries a pattern that opens
    with a lookbehind or an optional group at every position; `starts` is the character class (plus
    cheap checks after it), and the full pattern is tried only there."""
    found = []
    pos = 0
    search, match = starts.search, pattern.match
    while (hit := search(text, pos)) is not None:
        at = hit.start()
        m = match(text, at)
        if m is None:
            pos = at + 1
        else:
            found.append(m)
            pos = m.end()
    return found


@dataclass(frozen=True, slots=True)
class Scanned:
    """A pattern and where its matches can begin (see `scan`): `finditer` lists what `pattern.finditer` would."""

    starts: re.Pattern[str]
    pattern: re.Pattern[str]

    def finditer(self, text: str) -> list[re.Match[str]]:
        return scan(self.starts, self.pattern, text)


def fold(text: str) -> str:
    """Full-width ASCII and exotic spaces to plain ASCII, traditional characters to simplified; same
    length as the input."""
    folded = text.translate(_FOLD)
    return simplified(folded) if _CJK_RE.search(folded) is not None else folded


def read(text: str) -> tuple[str, str]:
    """(`fold(text)`, `text` with only its traditional characters simplified: what jieba segments), with
    one conversion when nothing traditional was written (the common case)."""
    width = text.translate(_FOLD)
    if _CJK_RE.search(width) is None:
        return width, text
    folded = simplified(width)
    return folded, text if folded == width else simplified(text)


class _Converter:
    """OpenCC t2s, loaded on first use (a few milliseconds)."""

    convert: Callable[[str], str] | None = None

    @classmethod
    def get(cls) -> Callable[[str], str]:
        if cls.convert is None:
            import opencc

            cls.convert = opencc.OpenCC("t2s").convert
        return cls.convert


def simplified(text: str) -> str:
    """`text` with traditional characters read as simplified (phrases first: 乾隆 stays, 乾淨 → 干净);
    same length as the input (a conversion that would change the length goes character by character,
    keeping any character that does not map to exactly one)."""
    convert = _Converter.get()
    out = convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def has_words(text: str) -> bool:
    """False for empty text and text made only of emoji, symbols and punctuation."""
    return _WORDISH_RE.search(text) is not None


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between punctuation) around text[start:end]."""
    left = start
    while left > 0 and not _CLAUSE_END.match(text, left - 1):
        left -= 1
    match = _CLAUSE_END.search(text, end)
    return left, match.start() if match else len(text)


def clause_of(text: str, start: int, end: int) -> str:
    left, right = clause_bounds(text, start, end)
    return text[left:right]


def window_before(text: str, start: int, size: int) -> str:
    """Up to `size` characters before `start`, cut at the last clause boundary."""
    chunk = text[max(0, start - size) : start]
    last = _UP_TO_CLAUSE_END.match(chunk)
    return chunk[last.end() :] if last else chunk
