"""Check a loaded config against the schema: one clear ConfigError naming the section and key.

Values are quoted in the message unless the key is secret. A value that came from the environment
names its variable (DEALBOT_HTTP_PORT) so the admin knows where to look.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from bot.config import ConfigError
from bot.config_checks import Check
from bot.config_schema import CHANNELS, NOT_YET, Table
from bot.redaction import is_secret_key, mask_url

Origins = Mapping[tuple[str, str], str]


def validate(sections: Mapping[str, Any], schema: Mapping[str, Table], origins: Origins) -> None:
    for name, value in sections.items():
        table = schema.get(name)
        if table is None:
            raise ConfigError(_unknown_section(name, value, schema) + _origin(origins, name, ""))
        if table.array:
            _check_rows(name, table, value, origins)
        elif not isinstance(value, Mapping):
            raise ConfigError(f"[{name}] must be one table: write [{name}] once, not [[{name}]]")
        else:
            _check_table(f"[{name}]", table, value, origins, name)
    _check_people(sections)


def closest(word: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, [str(k) for k in known], n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    close = closest(word, known)
    return f" (did you mean '{close}'?)" if close else ""


def _unknown_section(name: str, value: Any, schema: Mapping[str, Table]) -> str:
    if name in NOT_YET:
        return f"[{name}]: {NOT_YET[name]}"
    if not isinstance(value, Mapping | list):  # `port = 8080` above every [section]
        homes = [f"[{section}] {name}" for section, table in schema.items() if name in table.keys]
        where = f" (did you mean {' or '.join(homes)}?)" if homes else ""
        return f"'{name}' is outside any [section]{where}; keys go below their [section] line"
    return f"unknown section [{name}]{did_you_mean(name, schema)}; known sections: {', '.join(schema)}"


def _origin(origins: Origins, section: str, key: str) -> str:
    variable = origins.get((section, key)) or next(
        (var for (sec, _), var in origins.items() if sec == section and not key), None)
    return f" (from environment variable {variable})" if variable else ""


def _check_rows(name: str, table: Table, value: Any, origins: Origins, label: str = "") -> None:
    label = label or f"[[{name}]]"
    if isinstance(value, Mapping):
        raise ConfigError(f"{label} must be an array of tables: write [[{name}]] (two brackets) instead of "
                          f"[{name}], {table.hint or 'one block per entry'}")
    if not isinstance(value, list) or not all(isinstance(row, Mapping) for row in value):
        raise ConfigError(f"{label} must be an array of tables ([[{name}]] blocks)")
    for number, row in enumerate(value, start=1):
        title = f" ({row['name']})" if isinstance(row.get("name"), str) and row.get("name") else ""
        _check_table(f"{label} #{number}{title}", table, row, origins, name)


def _check_table(label: str, table: Table, values: Mapping[str, Any], origins: Origins, section: str) -> None:
    for key, value in values.items():
        kind = table.keys.get(key)
        if kind is None:
            raise ConfigError(f"{label}: unknown key '{key}'{did_you_mean(key, table.keys)}"
                              + _origin(origins, section, key))
        if isinstance(kind, Table):
            _check_rows(key, kind, value, origins, f"[[{section}.{key}]]")
        else:
            _check_value(label, key, kind, value, origins, section)
    for key in table.required:
        if values.get(key) in (None, ""):
            raise ConfigError(f"{label} is missing {key}")
    for rule in table.rules:
        if (found := rule(values)) is not None:
            raise ConfigError(f"{label} {found[0]} {found[1]}{_origin(origins, section, found[0])}")


def _check_value(label: str, key: str, check: Check, value: Any, origins: Origins, section: str) -> None:
    problem = check(value)
    if problem is None:
        return
    shown = "" if is_secret_key(key) else f" (got {_short(value)})"
    raise ConfigError(f"{label} {key} {problem}{shown}{_origin(origins, section, key)}")


def _short(value: Any) -> str:
    text = mask_url(repr(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _check_people(sections: Mapping[str, Any]) -> None:
    """Names and channel identities are unique: one person per identity, one block per name."""
    for section in ("teams", "users"):
        rows = sections.get(section)
        names = [str(row.get("name", "")).strip() for row in rows] if isinstance(rows, list) else []
        for name in {n for n in names if n and names.count(n) > 1}:
            raise ConfigError(f"[[{section}]] name '{name}' appears twice; write one block per name")
    owners: dict[tuple[str, str], str] = {}
    users = sections.get("users")
    for row in users if isinstance(users, list) else []:
        for channel in CHANNELS:
            identity = str(row.get(channel) or "").strip()
            if not identity:
                continue
            other = owners.setdefault((channel, identity.casefold()), str(row.get("name", "")))
            if other != row.get("name"):
                raise ConfigError(f"[[users]] {other} and {row.get('name')} both have {channel} = '{identity}'; "
                                  "a channel identity belongs to one person")
