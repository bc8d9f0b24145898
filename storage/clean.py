"""Last line of defence for text on its way into the database, on both engines.

PostgreSQL rejects NUL bytes in text ("invalid byte sequence for encoding UTF8: 0x00") and neither
driver can encode a lone surrogate: one such value would fail a whole transaction (or a group-commit
batch). Channels clean their input at the front (connectors.base.clean_text); this hook makes sure that
whatever path a value took, every string bound to a statement is cleaned the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_HOSTILE = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """NUL bytes dropped, surrogate pairs joined, lone surrogates replaced by U+FFFD."""
    if not _HOSTILE.search(value):
        return value
    value = value.replace("\x00", "")
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_parameters(parameters: Any) -> Any:
    """The same parameters with every hostile string cleaned; the very same object when there is none."""
    return _cleaned(parameters) if _has_hostile(parameters) else parameters


def _has_hostile(value: Any) -> bool:
    """One quick pass (about 1 µs for a typical statement): is there anything to clean at all?"""
    kind = type(value)
    if kind is str:
        return _SEARCH(value) is not None
    if kind is tuple or kind is list:
        for item in value:
            item_kind = type(item)
            if item_kind is str:
                if _SEARCH(item) is not None:
                    return True
            elif item_kind in _CONTAINERS and _has_hostile(item):
                return True
        return False
    if isinstance(value, Mapping):
        return _has_hostile(list(value.values()))
    return False


_SEARCH = _HOSTILE.search
_CONTAINERS = (tuple, list, dict)


def _cleaned(parameters: Any) -> Any:
    if isinstance(parameters, str):
        return clean_text(parameters)
    if isinstance(parameters, Mapping):
        cleaned = {key: _cleaned(value) for key, value in parameters.items()}
        changed = any(cleaned[key] is not value for key, value in parameters.items())
        return cleaned if changed else parameters
    if isinstance(parameters, Sequence) and not isinstance(parameters, bytes | bytearray):
        items = [_cleaned(value) for value in parameters]
        if all(new is old for new, old in zip(items, parameters, strict=True)):
            return parameters
        return tuple(items) if isinstance(parameters, tuple) else items
    return parameters


def clean_value(value: Any) -> Any:
    """A JSON-able value with every string (keys included) cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


def needs_cleaning(dumped_json: str) -> bool:
    """Does JSON text carry a NUL escape (which PostgreSQL's jsonb and text refuse) or a lone surrogate?"""
    return "\\u0000" in dumped_json or _SEARCH(dumped_json) is not None


def install_text_guard(engine: AsyncEngine) -> None:
    """Clean every statement's parameters just before the driver sees them."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute", retval=True)
    def _clean(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               _executemany: bool) -> tuple[str, Any]:
        return statement, clean_parameters(parameters)
