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

# Any character _FOLD maps: text without one is its own width folding (translate looks every character up).
_FOLDS_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")

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
    return read(text)[0]


def read(text: str) -> tuple[str, str]:
    """(`fold(text)`, `text` with only its traditional characters simplified: what jieba segments).
    OpenCC runs only on text that may hold a traditional character (see `may_be_traditional`)."""
    width = text if text.isascii() or _FOLDS_RE.search(text) is None else text.translate(_FOLD)
    if width.isascii() or not may_be_traditional(width):  # isascii: a flag of the string, no scan
        return width, text
    folded = simplified(width)
    return folded, text if folded == width else simplified(text)


# The characters of GB2312 (the simplified character set) that OpenCC's t2s still changes, as derived from
# OpenCC itself by tests/nlp/test_amounts_script.py: text that encodes in GB2312 without one of them has
# nothing traditional to convert.
GB2312_TRADITIONAL = "乾菸薹拚捱摺吒後徵夥榘於袷麴醣麽"
_GB2312_TRADITIONAL_RE = re.compile(f"[{GB2312_TRADITIONAL}]")


def may_be_traditional(text: str) -> bool:
    """False when `text` surely has no traditional character: a fast check in C (the GB2312 codec), so
    that OpenCC, whose dictionaries fall out of the CPU caches between messages, runs only where needed."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        # ¥ (what fold makes of ￥) is outside GB2312 but nothing OpenCC converts: the rest decides
        if "¥" not in text:
            return True
        try:
            text.replace("¥", "").encode("gb2312")
        except UnicodeEncodeError:
            return True
    return _GB2312_TRADITIONAL_RE.search(text) is not None


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
