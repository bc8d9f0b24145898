"""The one declaration of a resource's fields, read both to validate requests and to write the OpenAPI
document (bot.api.openapi): there is no second, hand-written copy of either.

A `Field` says its kind and where it may be written: `create` (allowed in POST), `required` (needed in
POST), `patch` (allowed in PATCH), `answered` (in responses). Fields neither created nor patched are
read-only. `Resource.filters` are the query parameters of its list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from bot.api.problems import field_problem
from domain.money import Money

MAX_ID = 2**31 - 1
_DECIMAL = r"^\d{1,16}(\.\d{1,2})?$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab, LF, CR; and DEL
_EMAIL = r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$"  # an address, or "" for none


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # string | email | integer | id | boolean | tags | datetime | date | decimal | enum
    description: str = ""
    max_length: int = 255
    min_length: int = 0
    required: bool = False
    create: bool = True
    patch: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    answered: bool = True  # False: accepted in requests, never answered (a write-only input)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = _SCHEMAS[self.kind](self)
        if self.nullable:
            schema["type"] = [schema["type"], "null"]
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
        if self.description:
            schema["description"] = self.description
        return schema

    def read(self, value: Any) -> Any:
        """The value as the use cases want it; ValueError naming what is wrong."""
        if value is None:
            if self.nullable:
                return None
            raise ValueError("must not be null")
        return _READERS[self.kind](self, value)


def _string(f: Field) -> dict[str, Any]:
    return {"type": "string", "maxLength": f.max_length, **({"minLength": f.min_length} if f.min_length else {})}


_SCHEMAS: dict[str, Any] = {
    "string": _string,
    "email": lambda f: {**_string(f), "pattern": _EMAIL, "description": "an email address, or \"\" for none"},
    "integer": lambda f: {"type": "integer", "minimum": -MAX_ID, "maximum": MAX_ID},
    "id": lambda f: {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "boolean": lambda f: {"type": "boolean"},
    "tags": lambda f: {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 64}},
    "datetime": lambda f: {"type": "string", "format": "date-time"},
    "date": lambda f: {"type": "string", "format": "date"},
    "decimal": lambda f: {"type": "string", "pattern": _DECIMAL, "description": "decimal amount, like \"528000.00\""},
    "enum": lambda f: {"type": "string", "enum": list(f.choices)},
}


def _read_string(f: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters (line breaks and tabs are fine)")
    if len(value) > f.max_length:
        raise ValueError(f"must be at most {f.max_length} characters")
    if len(value.strip()) < f.min_length:
        raise ValueError("must not be empty")
    return value.strip()


def _read_email(f: Field, value: Any) -> str:
    address = _read_string(f, value)
    if not re.match(_EMAIL, address):
        raise ValueError("must be an email address like name@example.com, or \"\" for none")
    return address


def _read_int(f: Field, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("must be an integer")
    low = 1 if f.kind == "id" else -MAX_ID
    if not low <= value <= MAX_ID:
        raise ValueError(f"must be between {low} and {MAX_ID}")
    return value


def _read_bool(f: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _read_tags(f: Field, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > 20:
        raise ValueError("must be a list of at most 20 strings")
    if not all(isinstance(v, str) and 1 <= len(v) <= 64 and not _CONTROL.search(v) for v in value):
        raise ValueError("every item must be a string of 1 to 64 characters, without control characters")
    return [str(v) for v in value]


def read_datetime(f: Field | None, value: Any) -> datetime:
    """An ISO 8601 date-time with its zone, as UTC; ValueError for anything else (or beyond year 1..9999)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
        utc = parsed.astimezone(UTC) if parsed is not None and parsed.tzinfo is not None else None
    except (ValueError, OverflowError):
        utc = None
    if utc is None:
        raise ValueError("must be a date-time with a time zone, like 2026-12-07T10:00:00+08:00")
    return utc


def _read_date(f: Field, value: Any) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _no_date()
    except ValueError:
        raise ValueError("must be a date like 2026-12-31") from None


def _no_date() -> date:
    raise ValueError("not a date")


def _read_decimal(f: Field, value: Any) -> Decimal:
    if not isinstance(value, str) or not re.match(_DECIMAL, value):
        raise ValueError("must be a decimal amount in a string, like \"528000.00\"")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError("must be a decimal amount") from None


def money_text(value: Money | None) -> str | None:
    """An amount as answered: two places, as stored (storage.types.ExactDecimal rounds half up to the
    cent), so a create's or patch's answer reads exactly like a later GET of the same record."""
    return None if value is None else str(value.amount.quantize(_CENT, ROUND_HALF_UP))


_CENT = Decimal("0.01")


def _read_enum(f: Field, value: Any) -> str:
    if value not in f.choices:
        raise ValueError("must be one of " + ", ".join(f.choices))
    return str(value)


_READERS: dict[str, Any] = {
    "string": _read_string, "email": _read_email, "integer": _read_int, "id": _read_int, "boolean": _read_bool,
    "tags": _read_tags, "datetime": read_datetime, "date": _read_date, "decimal": _read_decimal, "enum": _read_enum,
}


@dataclass(frozen=True, slots=True)
class Resource:
    """`name`: the path segment (customers); `title`: the schema's name (Customer)."""

    name: str
    title: str
    fields: tuple[Field, ...]
    filters: tuple[Field, ...] = ()

    def writable(self, mode: str) -> dict[str, Field]:
        return {f.name: f for f in self.fields if (f.create if mode == "create" else f.patch)}

    def validate(self, body: Any, mode: str) -> dict[str, Any]:
        """The body's values (mode "create" or "patch"); 422 naming every wrong, unknown or missing field."""
        if not isinstance(body, dict):
            raise field_problem([{"field": "", "detail": "the body must be a JSON object"}])
        allowed, errors, values = self.writable(mode), [], {}
        for name, value in body.items():
            if name not in allowed:
                known = any(f.name == name for f in self.fields)
                errors.append({"field": name, "detail": "is read-only" if known else "is not a known field"})
                continue
            try:
                values[name] = allowed[name].read(value)
            except ValueError as err:
                errors.append({"field": name, "detail": str(err)})
        if mode == "create":
            errors += [{"field": f.name, "detail": "is required"} for f in allowed.values()
                       if f.required and f.name not in body]
        if errors:
            raise field_problem(errors)
        return values

    def read_filters(self, query: Any) -> dict[str, Any]:
        known = {f.name: f for f in self.filters}
        errors, values = [], {}
        for name, raw in query.items():
            if name in ("cursor", "limit"):
                continue
            if name not in known:
                errors.append({"field": name, "detail": "is not a filter of this list"})
                continue
            try:
                values[name] = known[name].read(query_value(known[name], raw))
            except ValueError as err:
                errors.append({"field": name, "detail": str(err)})
        if errors:
            raise field_problem(errors)
        return values

    def schema(self, mode: str = "read") -> dict[str, Any]:
        fields = (tuple(f for f in self.fields if f.answered) if mode == "read"
                  else tuple(self.writable(mode).values()))
        schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                                  "properties": {f.name: f.json_schema() for f in fields}}
        required = [f.name for f in fields if mode == "read" or (mode == "create" and f.required)]
        if required:
            schema["required"] = required
        return schema


def query_value(f: Field, raw: str) -> Any:
    """A query string's text as the JSON value the field reads (ids and integers are numbers)."""
    if f.kind in ("id", "integer"):
        try:
            return int(raw)
        except ValueError:
            raise ValueError("must be an integer") from None
    if f.kind == "boolean":
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw == "true"
    return raw
