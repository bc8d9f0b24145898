"""Header values as text: encoded words, raw 8-bit bytes, addresses, Message-IDs and dates.

Values come from a compat32 parse of bytes, so raw 8-bit header bytes arrive as surrogate escapes;
`raw_bytes` turns them back into the original bytes before any charset guess.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from .charsets import codec_for, decode_bytes, guess_decode, repair_mojibake

MAX_HEADER_CHARS = 200_000  # longer values are cut before any parsing
MAX_ADDRESS_CHARS = 254  # RFC 5321: a longer "address" is not one
_TAIL_HEADERS = frozenset({"references"})  # the newest entries are at the end: keep the end when cutting
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r\n?|\n")
_MSGID = re.compile(r"<([^<>]+)>")
_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    address: str


class HeaderBlock:
    """Case-insensitive access to the raw (unfolded, undecoded) header values of one message."""

    def __init__(self, message: Message) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            text = value if isinstance(value, str) else str(value)
            key = str(name).strip().lower()
            text = text[-MAX_HEADER_CHARS:] if key in _TAIL_HEADERS else text[:MAX_HEADER_CHARS]
            self._values.setdefault(key, []).append(_FOLD.sub("", text))

    def first(self, name: str) -> str | None:
        values = self._values.get(name.lower())
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return list(self._values.get(name.lower(), ()))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values


def raw_bytes(value: str) -> bytes:
    """The original bytes of a value parsed from bytes with surrogateescape."""
    return value.encode("utf-8", "surrogateescape")


def decode_text(value: str | None, hint: str | None = None) -> str:
    """Decode a header value: RFC 2047 encoded words plus raw 8-bit bytes in any charset."""
    if not value:
        return ""
    pieces: list[str] = []
    pending: list[tuple[str | None, bytes]] = []  # adjacent encoded words, joined before decoding
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (pending and between.isspace()):
            _flush(pending, pieces, hint)
            pieces.append(_decode_plain(between, hint))
        charset = codec_for(match.group(1).split("*", 1)[0]) or match.group(1).lower()
        data = _decode_word(match.group(2), match.group(3))
        if data is None:
            _flush(pending, pieces, hint)
            pieces.append(match.group(0))
        elif pending and pending[-1][0] == charset:
            pending[-1] = (charset, pending[-1][1] + data)
        else:
            pending.append((charset, data))
        position = match.end()
    _flush(pending, pieces, hint)
    pieces.append(_decode_plain(value[position:], hint))
    return "".join(pieces).replace("\x00", "").replace("\t", " ").strip()


def _flush(pending: list[tuple[str | None, bytes]], pieces: list[str], hint: str | None) -> None:
    pieces.extend(decode_bytes(data, charset, hint=hint) for charset, data in pending)
    pending.clear()


def _decode_plain(text: str, hint: str | None) -> str:
    if text.isascii():
        return text
    return repair_mojibake(guess_decode(raw_bytes(text), hint=hint), hint)


def _decode_word(encoding: str, text: str) -> bytes | None:
    data = text.encode("ascii", "ignore")
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(data, header=True)
        return lenient_b64decode(data)
    except (binascii.Error, ValueError):
        return None


def lenient_b64decode(data: bytes) -> bytes:
    """Base64 with line breaks, junk characters and missing or extra padding tolerated."""
    data = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(data) % 4 == 1:  # a stray trailing character cannot be decoded
        data = data[:-1]
    return base64.b64decode(data + b"=" * (-len(data) % 4))


def parse_addresses(values: list[str], hint: str | None = None) -> list[Address]:
    """Every mailbox in the given address headers; groups are flattened, garbage is skipped."""
    found: list[Address] = []
    for value in values:
        try:
            pairs = getaddresses([value])
        except Exception:  # the stdlib parser has raised on hostile input before
            pairs = [("", candidate) for candidate in _ADDRESS.findall(value)]
        for name, address in pairs:
            addr = decode_text(address, hint).strip().strip("<>").strip()
            if addr or name:
                found.append(Address(decode_text(name, hint), addr))
    return [item for item in found if _is_address(item.address)]


def _is_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local.strip() and domain.strip()) and len(address) <= MAX_ADDRESS_CHARS


def parse_msgids(value: str | None) -> list[str]:
    """Message-IDs in canonical `<id>` form, in order, without duplicates."""
    if not value:
        return []
    ids = [re.sub(r"\s+", "", item) for item in _MSGID.findall(value)]
    if not ids:
        ids = [token.strip("<>,;") for token in value.split() if "@" in token]
    seen: dict[str, None] = {}
    for item in ids:
        if item:
            seen.setdefault(f"<{item}>", None)
    return list(seen)


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime, or None for missing or invalid dates; zones like -0000 count as UTC."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:  # older Pythons returned None instead of raising
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
