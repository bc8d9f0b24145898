"""Column types that behave the same on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from storage.clean import clean_value, needs_cleaning


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored in UTC. SQLite and MySQL (DATETIME(6), storage.mysql) keep no offset:
    they get the UTC wall time and values are read back as UTC.

    Naive datetimes are refused: the domain always works with aware ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:  # PostgreSQL (asyncpg) reads timestamptz as UTC already
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None] | None:
        """SQLite: the stored text parsed straight to an aware datetime (one C call: ~5× SQLAlchemy's parse
        followed by `replace(tzinfo=UTC)`, which a full risk scan does millions of times)."""
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general

        def read(value: Any) -> datetime | None:
            if isinstance(value, str):
                try:
                    parsed = datetime.fromisoformat(value + "+00:00")
                    if parsed.tzinfo is UTC:  # else a date only (3.11 then drops the offset)
                        return parsed
                except ValueError:  # text with an offset of its own
                    pass
            return general(value)
        return read


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) that always reads back as a Decimal quantized to `scale`.

    SQLite has no decimal type: values go through REAL there (exact up to 15 significant digits).
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            # asdecimal=False: we convert ourselves, without SQLAlchemy's float-to-Decimal warning.
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value).quantize(self._quantum, ROUND_HALF_UP)  # as PostgreSQL rounds

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(self._quantum, ROUND_HALF_UP)


def json_dumps(value: Any) -> str:
    """JSON columns keep Chinese text readable (and searchable) instead of \\u escapes. NUL bytes and lone
    surrogates never get in (storage.clean): the common case costs one scan of the dumped text."""
    dumped = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if needs_cleaning(dumped):
        dumped = json.dumps(clean_value(value), ensure_ascii=False, separators=(",", ":"))
    return dumped
