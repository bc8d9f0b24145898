"""Keep huge base64 attachments out of the MIME parser.

The stdlib parser holds several copies of every body line (bytes, text, line list, joined payload): a
30 MB attachment peaks above 300 MB. Before parsing, every run of base64 lines longer than
ELIDE_THRESHOLD is replaced by one marker line carrying the decoded size, which is all we keep of it.
"""

from __future__ import annotations

import re

ELIDE_THRESHOLD = 512 * 1024  # encoded bytes; bodies this long are attachments, never text worth reading
MARKER = "DEALBOTELIDEDBASE64SIZE"
# one base64-looking line, then anything made of the alphabet and line breaks: a single character class,
# so the regex engine keeps no per-line state (a grouped `(?:line)+` costs ~200 bytes per line)
_RUN = re.compile(rb"^[A-Za-z0-9+/=]{40,}\r?\n[A-Za-z0-9+/=\r\n]*", re.MULTILINE)
_MARKER = re.compile(MARKER + r"(\d+)")


def elide_large_base64(raw: bytes, threshold: int = ELIDE_THRESHOLD) -> bytes:
    """`raw` with long base64 runs replaced by `MARKER<decoded size>` lines; unchanged if none."""
    if len(raw) < threshold:
        return raw
    pieces: list[bytes] = []
    position = 0
    for match in _RUN.finditer(raw):
        if match.end() - match.start() < threshold:
            continue
        start, end = match.span()
        newline = b"\r\n" if b"\r\n" in raw[start : start + 200] else b"\n"
        size = _decoded_size(raw, start, end)
        pieces += [raw[position:start], f"{MARKER}{size}".encode(), newline]
        position = match.end()
    if not pieces:
        return raw
    pieces.append(raw[position:])
    return b"".join(pieces)


def elided_size(payload: str) -> int | None:
    """The decoded size recorded by `elide_large_base64`, or None for a payload that was kept."""
    head = payload.lstrip()[: len(MARKER) + 24]
    match = _MARKER.match(head)
    return int(match.group(1)) if match else None


def _decoded_size(raw: bytes, start: int, end: int) -> int:
    """Computed in place: no copy of the run is made."""
    chars = end - start - sum(raw.count(ch, start, end) for ch in (b" ", b"\t", b"\r", b"\n"))
    tail = raw[max(start, end - 8) : end].rstrip()
    padding = len(tail) - len(tail.rstrip(b"="))
    return max(0, (chars - padding) * 3 // 4)
