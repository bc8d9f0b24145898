"""Generic mapping between domain dataclasses and table rows.

A field maps to the column of the same name. Per-type codecs handle what differs:
Money -> `<field>` (NUMERIC) + `<field>_currency`; enums -> their value; lists/dicts -> JSON copies.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, Generic, TypeVar

from domain.money import Money

D = TypeVar("D")


class Codec:
    """Plain value: same name, same value."""

    def dump(self, name: str, value: Any) -> dict[str, Any]:
        return {name: value}

    def load(self, source: Any, name: str) -> Any:
        return getattr(source, name)


class JsonCodec(Codec):
    """Lists and dicts are copied both ways, so rows and domain objects never share a mutable value."""

    def dump(self, name: str, value: Any) -> dict[str, Any]:
        return {name: copy.deepcopy(value)}

    def load(self, source: Any, name: str) -> Any:
        return copy.deepcopy(getattr(source, name))


class EnumCodec(Codec):
    def __init__(self, enum: type[Enum]) -> None:
        self.enum = enum

    def dump(self, name: str, value: Any) -> dict[str, Any]:
        return {name: None if value is None else self.enum(value).value}

    def load(self, source: Any, name: str) -> Any:
        value = getattr(source, name)
        return None if value is None else self.enum(value)


class MoneyCodec(Codec):
    def dump(self, name: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {name: None, f"{name}_currency": None}
        return {name: value.amount, f"{name}_currency": value.currency}

    def load(self, source: Any, name: str) -> Any:
        amount = getattr(source, name)
        return None if amount is None else Money(amount, getattr(source, f"{name}_currency"))


def codec_for(hint: Any) -> Codec:
    """The codec for a resolved type hint; `X | None` is treated like `X`."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(inner) == 1:
            hint = inner[0]
    origin = typing.get_origin(hint) or hint
    if origin is Money:
        return MoneyCodec()
    if isinstance(origin, type) and issubclass(origin, Enum):
        return EnumCodec(origin)
    if origin in (list, dict):
        return JsonCodec()
    return Codec()


class RowMapper(Generic[D]):
    """Maps one dataclass to column values and back.

    `skip` names fields kept elsewhere (child tables); `derived` adds columns computed from the object.
    """

    def __init__(self, domain: type[D], *, skip: Iterable[str] = (),
                 derived: Mapping[str, Callable[[D], Any]] | None = None) -> None:
        hints = typing.get_type_hints(domain)
        skipped = set(skip)
        self.domain = domain
        self.fields = [(f.name, codec_for(hints[f.name]))
                       for f in dataclasses.fields(domain)  # type: ignore[arg-type]
                       if f.name not in skipped]
        self.derived = dict(derived or {})

    def columns(self, item: D, *, with_id: bool = True) -> dict[str, Any]:
        """Column values for `item` (derived columns included)."""
        values: dict[str, Any] = {}
        for name, codec in self.fields:
            if name == "id" and not with_id:
                continue
            values.update(codec.dump(name, getattr(item, name)))
        for column, compute in self.derived.items():
            values[column] = compute(item)
        return values

    def load(self, row: Any, **extra: Any) -> D:
        """A domain object from a row (ORM object or Core row); `extra` fills the skipped fields."""
        values = {name: codec.load(row, name) for name, codec in self.fields}
        return self.domain(**values, **extra)

    def fill(self, row: Any, item: D) -> None:
        """Write `item` into an ORM row, leaving the primary key alone."""
        for column, value in self.columns(item, with_id=False).items():
            setattr(row, column, value)
