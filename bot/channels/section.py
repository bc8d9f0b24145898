"""Reading a channel's config table: required keys, optional keys of a kind; errors name keys, never values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.config import ConfigError

Kinds = Sequence[tuple[Sequence[str], Callable[[Any], Any]]]


def convert(table: str, key: str, value: Any, kind: Callable[[Any], Any], error: type[ConfigError]) -> Any:
    """`kind(value)`, or `error` naming `[table] key` (a boolean is never a number)."""
    if isinstance(value, bool):
        raise error(f"[{table}] {key} has the wrong type")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise error(f"[{table}] {key} has the wrong type") from None


def read_values(table: str, section: Mapping[str, Any], required: Sequence[str], kinds: Kinds,
                error: type[ConfigError]) -> dict[str, Any]:
    """The required keys as stripped text (missing ones: `error` naming them and their variable) and every
    optional key that is set, converted to its kind."""
    missing = [key for key in required if not str(section.get(key) or "").strip()]
    if missing:
        raise error(f"[{table}] is missing {', '.join(missing)} (or DEALBOT_{table.upper()}_{missing[0].upper()})")
    values: dict[str, Any] = {key: str(section[key]).strip() for key in required}
    for keys, kind in kinds:
        for key in keys:
            if section.get(key) not in (None, ""):
                values[key] = convert(table, key, section[key], kind, error)
    return values
