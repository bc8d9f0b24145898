"""Pieces of the analytics statements (storage.repositories.analytics): scope filters, exact sums of
amounts, the company's days as UTC instants. Nothing here reads rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Numeric, Table, cast, func, literal, or_, text, type_coerce

from domain.analytics import Period, Scope
from storage.models import (
    LeadRow,
    OpportunityRow,
    PaymentMilestoneRow,
    StageChangeRow,
    TargetRow,
)
from storage.mysql import is_mysql
from storage.repositories.base import table_of

DEALS = table_of(OpportunityRow)
CHANGES = table_of(StageChangeRow)
LEADS = table_of(LeadRow)
MILESTONES = table_of(PaymentMilestoneRow)
TARGETS = table_of(TargetRow)
CENT = Decimal("0.01")


def in_scope(scope: Scope, table: Table = DEALS) -> list[ColumnElement[bool]]:
    """WHERE conditions for `scope` on a table with owner_id and team_id (deals, leads): none for
    everything; otherwise of one of the teams OR owned by one of the reps; an empty scope admits nothing."""
    if scope.team_ids is None and scope.rep_ids is None:
        return []
    parts: list[ColumnElement[bool]] = []
    if scope.team_ids:
        parts.append(table.c.team_id.in_(sorted(scope.team_ids)))
    if scope.rep_ids:
        parts.append(table.c.owner_id.in_(sorted(scope.rep_ids)))
    if not parts:
        return [literal(False)]
    return [parts[0] if len(parts) == 1 else or_(*parts)]


def cents(column: ColumnElement[Any]) -> ColumnElement[int]:
    """An amount × 100 as an integer (0 when NULL): sums stay exact on SQLite, which has no decimals."""
    return func.coalesce(cast(func.round(type_coerce(column, Numeric()) * 100), BigInteger), 0)


def currency(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The currency column to group by (NULL for deals without an amount: add_cents skips them)."""
    return column


def add_cents(into: dict[str, Decimal], code: str | None, summed: Any, weight: Decimal = Decimal(1)) -> None:
    """Add a summed cents value to a per-currency total; deals without an amount add nothing."""
    if not code or summed is None:
        return
    value = (Decimal(int(summed)) / 100 * weight).quantize(CENT)
    into[code] = into.get(code, Decimal(0)) + value


def start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def bounds(period: Period, zone: tzinfo) -> tuple[datetime, datetime]:
    """The period's [start, end) as instants in the company's time zone."""
    return start_of(period.start, zone), start_of(period.end, zone)


def between(column: ColumnElement[Any], period: Period, zone: tzinfo) -> list[ColumnElement[bool]]:
    start, end = bounds(period, zone)
    return [column >= start, column < end]


def days_between(dialect: str, later: ColumnElement[Any], earlier: ColumnElement[Any]) -> ColumnElement[Any]:
    """(later - earlier) in days, as a float, on either engine."""
    if dialect == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    if is_mysql(dialect):
        return func.timestampdiff(text("MICROSECOND"), earlier, later) / 86400e6
    return func.extract("epoch", later - earlier) / 86400.0


def ids(values: Iterable[int | None]) -> list[int]:
    return sorted({v for v in values if v is not None})
