"""Content-Type / Content-Disposition values and their parameters (RFC 2045, RFC 2231, RFC 2047).

Mail clients disagree on how to encode a Chinese filename: RFC 2231 (`filename*=gbk''%D6%D0`),
continuations (`filename*0*=`, `filename*1*=`), encoded words inside quotes (Foxmail, QQ Mail, Outlook)
or raw 8-bit bytes. All of them end up as text here.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from .charsets import decode_bytes
from .headers import decode_text, raw_bytes

_SECTION = re.compile(r"^(?P<name>[^*]+)(?:\*(?P<index>\d+))?(?P<ext>\*)?$")
_TOKEN = re.compile(r"^[\w.+-]+/[\w.+-]+$")


@dataclass(frozen=True, slots=True)
class HeaderValue:
    value: str  # lower-cased main value: "text/plain", "attachment", ...
    params: dict[str, str] = field(default_factory=dict)  # lower-cased names, decoded text values

    def get(self, name: str) -> str | None:
        return self.params.get(name)


def parse_header_value(raw: str | None, hint: str | None = None) -> HeaderValue:
    """Split `main; a=b; c="d"` and decode every parameter value to text."""
    if raw is None:
        return HeaderValue("")
    pieces = _split(raw)
    main = pieces[0].strip().lower() if pieces else ""
    plain: dict[str, str] = {}
    sections: dict[str, list[tuple[int, bool, str]]] = {}
    for piece in pieces[1:]:
        name, sep, value = piece.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            continue
        value = _unquote(value.strip())
        match = _SECTION.match(name)
        if match and (match.group("index") or match.group("ext")):
            index = int(match.group("index") or 0)
            sections.setdefault(match.group("name"), []).append((index, bool(match.group("ext")), value))
        else:
            plain.setdefault(name, decode_text(value, hint))
    for name, parts in sections.items():
        plain[name] = _join_sections(parts, hint)  # RFC 2231 values win over plain fallbacks
    return HeaderValue(main, plain)


def content_type_of(raw: str | None, hint: str | None = None, default: str = "text/plain") -> HeaderValue:
    """A Content-Type with an invalid or missing type replaced by the default (RFC 2045 §5.2)."""
    parsed = parse_header_value(raw, hint)
    if _TOKEN.match(parsed.value):
        return parsed
    return HeaderValue(default, parsed.params)


def _split(raw: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in raw:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    return pieces


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"':
        end = value.rfind('"')
        value = value[1:end] if end > 0 else value[1:]
        return re.sub(r"\\(.)", r"\1", value)
    return value.strip('"')


def _join_sections(parts: list[tuple[int, bool, str]], hint: str | None) -> str:
    parts.sort(key=lambda item: item[0])
    charset: str | None = None
    data = bytearray()
    for position, (_, extended, value) in enumerate(parts):
        if extended:
            if position == 0 and value.count("'") >= 2:
                charset, _, value = value.split("'", 2)
            data += urllib.parse.unquote_to_bytes(raw_bytes(value))
        else:
            data += raw_bytes(value)
    text = decode_bytes(bytes(data), charset or None, hint=hint)
    return decode_text(text, hint) if "=?" in text else text
