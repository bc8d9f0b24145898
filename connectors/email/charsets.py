"""Turn bytes of unknown or mislabelled charset into text without ever raising.

Python's own tables garble Chinese mail: GBK-only characters (镕, 喆, 瑄) in text labelled gb2312 and
HKSCS characters in text labelled big5. We widen those labels to their supersets and, when no usable
label exists, pick between GB18030 and Big5-HKSCS by how many common characters each reading yields.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "big-5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "ks_c_5601-1987": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "x-sjis": "shift_jis",
    "windows-874": "cp874",
}
_UNSAFE = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})
_CJK_CODECS = ("gb18030", "big5hkscs")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_TYPOGRAPHY = frozenset("‘’‚“”„–—…•€«»°·")
_MAX_BROKEN = 3  # bad bytes a UTF-8-labelled text may have and still be read as UTF-8
_NON_ASCII_UTF8 = re.compile("[\u0100-\ufffc]")  # some real multi-byte text decoded, not only junk
_MARGIN = 0.2  # Big5 must read clearly better than GB18030 to win (GB18030 is the documented default)


def codec_for(label: str | None) -> str | None:
    """The Python codec to use for a MIME charset label, or None if the label is unusable."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not name:
        return None
    if name in {"us-ascii", "ascii", "ansi_x3.4-1968"}:
        return "utf-8"  # ASCII labels routinely carry UTF-8 bytes; utf-8 reads pure ASCII identically
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _UNSAFE:
        return None
    return _SUPERSETS.get(info.name, info.name)


def decode_bytes(data: bytes, label: str | None = None, hint: str | None = None) -> str:
    """Decode with the label when it fits; otherwise guess (see `guess_decode`)."""
    codec = codec_for(label)
    if codec == "utf-8" and (mostly := _mostly_utf8(data)) is not None:
        return mostly
    if codec is None or codec == "utf-8":  # missing, unknown or ASCII/UTF-8 labels are often wrong
        return guess_decode(data, hint=hint)
    text = _strict(data, codec)
    if text is not None:
        return text
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    if codec in _CJK_CODECS or codec_for(hint) in _CJK_CODECS:
        return guess_decode(data, hint=codec if codec in _CJK_CODECS else hint)
    return _lenient(data, codec)  # a specific label with a few bad bytes: keep the label


def guess_decode(data: bytes, hint: str | None = None) -> str:
    """Decode unlabelled bytes: utf-8, the mail's own charset, then GB18030 / Big5-HKSCS, then Latin-1.

    Western text in a Latin charset (Formação) is recognised first: its bytes are valid GB18030 too.
    """
    if data.isascii():
        return data.decode("ascii")
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    hinted = codec_for(hint)
    if hinted is not None and hinted not in _CJK_CODECS:
        text = _strict(data, hinted)
        if text is not None:
            return text
    if hinted not in _CJK_CODECS:
        western = _western(data)
        if western is not None:
            return western
    text = _best_cjk(data, preferred=hinted)
    return text if text is not None else data.decode("latin-1")


def repair_mojibake(text: str, hint: str | None) -> str:
    """Undo bytes of a CJK charset that were read as Latin-1 and then stored as UTF-8.

    Only applied when the mail itself declares a CJK charset (the hint), so real accented Latin text
    (Bartölke) is left alone.
    """
    hinted = codec_for(hint)
    if hinted not in _CJK_CODECS or text.isascii() or any(ord(ch) > 0xFF for ch in text):
        return text
    raw = text.encode("latin-1")
    repaired = _strict(raw, hinted)
    if repaired is None or _common_ratio(repaired, hinted) < 0.7:
        return text
    return repaired


def _western(data: bytes) -> str | None:
    """cp1252 text when every non-ASCII run looks like accented letters inside a word or typography."""
    text = _strict(data, "cp1252") or data.decode("latin-1")
    for match in _NON_ASCII.finditer(text):
        run = match.group()
        if len(run) == 1 and run in _TYPOGRAPHY:
            continue
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        beside_letter = any(ch.isascii() and ch.isalpha() for ch in before + after)
        if len(run) > 2 or not run.isalpha() or not beside_letter:
            return None
    return text


def _best_cjk(data: bytes, preferred: str | None) -> str | None:
    readings = {codec: _strict(data, codec) for codec in _CJK_CODECS}
    gb, big5 = readings["gb18030"], readings["big5hkscs"]
    if gb is None or big5 is None:
        return gb if gb is not None else big5
    gb_score, big5_score = _common_ratio(gb, "gb18030"), _common_ratio(big5, "big5hkscs")
    if preferred == "big5hkscs" and big5_score >= gb_score:
        return big5
    return big5 if big5_score > gb_score + _MARGIN else gb


def _common_ratio(text: str, codec: str) -> float:
    """Share of non-ASCII characters that belong to the everyday repertoire of the codec's script."""
    common = _common_chars(codec)
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 1.0
    return sum(ch in common for ch in wide) / len(wide)


@cache
def _common_chars(codec: str) -> frozenset[str]:
    leads: list[int]
    trails: list[int]
    if codec == "gb18030":  # GB2312 symbols (rows 1-9) and level-1 hanzi (rows 16-55)
        leads, trails, table = [*range(0xA1, 0xAA), *range(0xB0, 0xD8)], [*range(0xA1, 0xFF)], "gb2312"
    else:  # Big5 symbols and frequently used characters (0xA140-0xC67E)
        leads, trails, table = [*range(0xA1, 0xC7)], [*range(0x40, 0x7F), *range(0xA1, 0xFF)], "big5"
    chars: set[str] = set()
    for lead in leads:
        for trail in trails:
            ch = _strict(bytes((lead, trail)), table)
            if ch is not None:
                chars.add(ch)
    return frozenset(chars)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a NUL a server turned into 0x80, a cut sequence), decoded as
    UTF-8 with U+FFFD for the broken bytes; None when too much is broken for the label to be right."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if not broken:
        return text
    return text if broken <= _MAX_BROKEN and _NON_ASCII_UTF8.search(text) else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _lenient(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec, errors="replace")
    except (LookupError, ValueError):
        return data.decode("latin-1")
