"""Keep huge base64 attachments out of the MIME parser.

The stdlib parser holds several copies of every body line (bytes, text, line list, joined payload): a
30 MB attachment peaks above 300 MB. Before parsing, every run of base64 lines longer than
ELIDE_THRESHOLD is replaced by one marker line carrying the decoded size, which is all we keep of it.
"""

from __future__ import annotations

import binascii
import re

ELIDE_THRESHOLD = 512 * 1024  # encoded bytes; bodies this long are attachments, never text worth reading
MARKER = "DEALBOTELIDEDBASE64SIZE"
# one base64-looking line, then anything made of the alphabet and line breaks: a single character class,
# so the regex engine keeps no per-line state (a grouped `(?:line)+` costs ~200 bytes per line)
_RUN = re.compile(rb"^[A-Za-z0-9+/=]{40,}\r?\n[A-Za-z0-9+/=\r\n]*", re.MULTILINE)
_MARKER = re.compile(MARKER + r"(\d+)")
_KEPT = re.compile(MARKER + r"\d+K(\d+)")


def elide_large_base64(raw: bytes, threshold: int = ELIDE_THRESHOLD) -> bytes:
    """`raw` with long base64 runs replaced by `MARKER<decoded size>` lines; unchanged if none."""
    return elide_and_keep(raw, threshold)[0]


def elide_and_keep(raw: bytes, threshold: int = ELIDE_THRESHOLD, keep_bytes: int = 0) -> tuple[bytes, list[bytes]]:
    """`elide_large_base64`, and the decoded bytes of each elided run of at most `keep_bytes` decoded bytes
    (an attachment the bot keeps): its marker line then reads `MARKER<size>K<index into the list>`. Each run is
    decoded from its slice once, never handed to the MIME parser."""
    if len(raw) < threshold:
        return raw, []
    kept: list[bytes] = []
    pieces: list[bytes] = []
    position = 0
    for match in _RUN.finditer(raw):
        if match.end() - match.start() < threshold:
            continue
        start, end = match.span()
        newline = b"\r\n" if b"\r\n" in raw[start : start + 200] else b"\n"
        size = _decoded_size(raw, start, end)
        marker = f"{MARKER}{size}"
        if 0 < size <= keep_bytes and (data := _decoded(raw[start:end])) is not None:
            marker += f"K{len(kept)}"
            kept.append(data)
        pieces += [raw[position:start], marker.encode(), newline]
        position = match.end()
    if not pieces:
        return raw, kept
    pieces.append(raw[position:])
    return b"".join(pieces), kept


def kept_index(payload: str) -> int | None:
    """Where an elided run's bytes were kept (`elide_and_keep`), or None when they were not."""
    head = payload.lstrip()[: len(MARKER) + 40]
    match = _KEPT.match(head)
    return int(match.group(1)) if match else None


def _decoded(run: bytes) -> bytes | None:
    try:
        return binascii.a2b_base64(run)
    except (binascii.Error, ValueError):
        return None


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
