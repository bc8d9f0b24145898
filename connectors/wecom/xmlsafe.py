"""Entity-safe XML handling for WeCom callbacks.

wechatpy parses XML with xmltodict, which drives the standard library's expat. Expat expands
internal entities (billion laughs) unless told otherwise, so every payload goes through
`check_xml_safe` first: any DOCTYPE or ENTITY declaration is refused before expansion can start,
and only then may a library parse the same bytes. The outer envelope never reaches wechatpy as
text at all: `parse_envelope` reads it here and wechatpy's `decrypt_message` receives a dict.
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class XmlRejected(ValueError):
    """The payload is not acceptable XML (malformed, or it declares a DTD/entities)."""


def _forbid(*_args: Any) -> Any:
    raise XmlRejected("DTD and entity declarations are not accepted")


def _parser() -> Any:
    # Forcing UTF-8 makes expat ignore any encoding declaration: xmltodict decodes the same way.
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.NotationDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    return parser


def _run(parser: Any, data: bytes) -> None:
    if _DECLARATION.search(data):
        raise XmlRejected("DTD and entity declarations are not accepted")
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlRejected(f"malformed XML: {expat.ErrorString(exc.code)}") from None


def check_xml_safe(data: bytes | str) -> None:
    """Raise XmlRejected unless `data` is well-formed UTF-8 XML without DTD or entity declarations."""
    _run(_parser(), data.encode("utf-8") if isinstance(data, str) else data)


def parse_envelope(data: bytes) -> dict[str, str]:
    """Read the children of the root element (`<xml><Encrypt>..</Encrypt>...</xml>`) as text."""
    fields: dict[str, str] = {}
    stack: list[str] = []
    texts: list[str] = []
    parser = _parser()

    def start(name: str, _attrs: Any) -> None:
        stack.append(name)
        texts.clear()

    def end(name: str) -> None:
        if len(stack) == 2:
            fields.setdefault(name, "".join(texts).strip())
        stack.pop()

    def chars(text: str) -> None:
        if len(stack) == 2:
            texts.append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    _run(parser, data)
    return fields
