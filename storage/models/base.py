"""Declarative base: type map shared by every table, and constraint names Alembic can rely on."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from sqlalchemy import JSON, ForeignKey, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column

from storage.types import ExactDecimal, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Column flavours used by the tables: long free text, short codes (enum values, channels), ISO currency.
LongText = Annotated[str, mapped_column(Text)]
Code = Annotated[str, mapped_column(String(32))]
Currency = Annotated[str, mapped_column(String(3))]
Ratio = Annotated[Decimal, mapped_column(ExactDecimal(9, 4))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        str: String(255),
        datetime: UTCDateTime(),
        Decimal: ExactDecimal(18, 2),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
    }


def parent(target: str, *, cascade: bool = False, index: bool = True) -> Any:
    """A foreign key column to `target` ("table.id"). CASCADE only for details owned by the parent."""
    ondelete = "CASCADE" if cascade else None
    return mapped_column(ForeignKey(target, ondelete=ondelete), index=index)


def optional_parent(target: str, *, index: bool = True) -> Any:
    """A nullable foreign key that is cleared when the referenced row goes away."""
    return mapped_column(ForeignKey(target, ondelete="SET NULL"), index=index)


def never_reused(*args: Any) -> tuple[Any, ...]:
    """__table_args__ of a table whose ids people see: SQLite AUTOINCREMENT, so the id of a deleted row
    (an undo) is never handed out again (migration 0006). PostgreSQL sequences never go back anyway."""
    return (*args, {"sqlite_autoincrement": True})
