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
from re import _compiler as _sre_compiler  # type: ignore[attr-defined]
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any

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
    """Compile with ASCII semantics: \\b and \\w must treat CJK as a boundary (了Initrode, Monday回复);
    behind a lookahead of its possible first characters where `re` has no fast start of its own (`guarded`)."""
    return guarded(re.compile(pattern, flags | re.ASCII))


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` as `(?=[c…])(?:pattern)`, where c… are the characters a match can begin with, when `re`
    would otherwise try the whole pattern at every position: it skips ahead only for a pattern that opens
    with a literal, a character class or an alternation of literals (not 没有?|(?:我们|我司)…|(?i:…)). The
    matches are the same (every match begins with one of c…); the pattern is returned as it is when it
    has a fast start already, can match empty text, or its first characters cannot be listed."""
    source = pattern.pattern
    if source[:1] not in ("(", "\\") and "|" not in source:
        return pattern  # opens with a literal or a class (re's fast start) or a quantified one: not worth a parse
    try:
        tree = _sre_parser.parse(source, pattern.flags)
        flags = tree.state.flags
        if _sre_compiler._get_literal_prefix(tree, flags)[0] or _sre_compiler._get_charset_prefix(tree, flags):
            return pattern
        chars, empty = _firsts(tree.data, flags)
        if chars is None or empty or not chars:
            return pattern
        ahead = "".join(re.escape(ch) for ch in sorted(chars))
        return re.compile(f"(?=[{ahead}])(?:{source})", pattern.flags)
    except Exception:  # an optimisation only: any doubt keeps the pattern as it is
        return pattern


def _firsts(items: Any, flags: int) -> tuple[set[str] | None, bool]:
    """(characters a match of the sequence `items` can begin with or None if unknown, whether it can be empty)."""
    chars: set[str] = set()
    for op, av in items:
        some, empty = _first_of(op, av, flags)
        if some is None:
            return None, False
        chars |= some
        if not empty:
            return chars, False
    return chars, True


def _first_of(op: Any, av: Any, flags: int) -> tuple[set[str] | None, bool]:
    c = _sre_constants
    if op is c.LITERAL:
        return _cased(av, flags), False
    if op is c.IN:
        return _in_class(av, flags), False
    if op is c.BRANCH:
        chars: set[str] = set()
        can_be_empty = False
        for branch in av[1]:
            some, empty = _firsts(branch.data, flags)
            if some is None:
                return None, False
            chars |= some
            can_be_empty |= empty
        return chars, can_be_empty
    if op is c.SUBPATTERN:
        return _firsts(av[3].data, (flags | av[1]) & ~av[2])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        some, empty = _firsts(av[2].data, flags)
        return some, empty or av[0] == 0
    if op is c.ATOMIC_GROUP:
        return _firsts(av.data, flags)
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return set(), True  # zero width: the characters after it decide
    return None, False


def _cased(code: int, flags: int) -> set[str] | None:
    ch = chr(code)
    if not flags & re.IGNORECASE or ch.lower() == ch.upper():
        return {ch}
    if not (ch.isascii() and flags & re.ASCII):
        return None  # Unicode case folding (K, ſ, İ ...): not listed here
    return {ch.lower(), ch.upper()}


def _in_class(items: Any, flags: int) -> set[str] | None:
    c = _sre_constants
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            some = _cased(av, flags)
        elif op is c.RANGE and av[1] - av[0] <= 0x3000:
            some = set()
            for code in range(av[0], av[1] + 1):
                cased = _cased(code, flags)
                if cased is None:
                    return None
                some |= cased
        elif op is c.CATEGORY and flags & re.ASCII and av in _ASCII_CATEGORIES:
            some = set(_ASCII_CATEGORIES[av])
        else:
            return None
        if some is None:
            return None
        chars |= some
    return chars


_ASCII_CATEGORIES = {_sre_constants.CATEGORY_DIGIT: "0123456789", _sre_constants.CATEGORY_SPACE: " \t\n\r\f\v"}


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
    last = _UP_TO_CLAUSE_END.match(text, 0, start)  # up to the last clause end before start, in one call
    left = last.end() if last is not None else 0
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
