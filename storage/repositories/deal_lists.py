"""Deal lists in SQL: the scope of domain.listing.ViewScope, most urgent first, true counts and totals.

- A scope is a UNION of deal ids: owned by one of owner_ids (index owner_id, stage, next_at), of one of
  team_ids (index team_id, stage), shared with the sharee (index rep_id, opportunity_id). UNION removes the
  deals found twice. No OR across tables, so each part uses its index.
- Order (domain.listing.urgency): band 1 = has a next step, by next_at; band 2 = none, by created_at; band 3 =
  neither; ties by id. For a scope the bands are expressions (the scope is small: a sort of its deals). For
  everyone's deals (admins) each band is its own index-ordered query with the limit, merged afterwards, so no
  statement sorts a million rows.
- Totals: count and sum of amounts per currency over the same scope, in one GROUP BY.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CompoundSelect,
    DateTime,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from domain.listing import ViewScope
from storage.models import OpportunityRow, OpportunityShareRow
from storage.repositories.base import table_of
from storage.types import ExactDecimal

DEALS = table_of(OpportunityRow)
SHARES = table_of(OpportunityShareRow)


def filters(scope: ViewScope, stages: list[str] | None, customer_id: int | None) -> tuple[
        tuple[str, ...], dict[str, Any]]:
    """The statement's shape (which parts it has: one prebuilt statement per shape) and its parameters."""
    params: dict[str, Any] = {}
    if not scope.everything:
        if scope.owner_ids:
            params["owners"] = sorted(scope.owner_ids)
        if scope.team_ids:
            params["teams"] = sorted(scope.team_ids)
        if scope.sharee_id is not None:
            params["sharee"] = scope.sharee_id
    if stages is not None:
        params["stages"] = stages
    if customer_id is not None:
        params["customer"] = customer_id
    return tuple(sorted([*params, *(["everything"] if scope.everything else [])])), params


def _conditions(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """Conditions on the deals table itself: stages and customer."""
    found: list[ColumnElement[bool]] = []
    if "stages" in shape:
        found.append(DEALS.c.stage.in_(bindparam("stages", expanding=True)))
    if "customer" in shape:
        found.append(DEALS.c.customer_id == bindparam("customer"))
    return found


def scope_ids(shape: tuple[str, ...]) -> CompoundSelect[Any] | Select[Any]:
    """The ids of the deals in scope (stage and customer conditions pushed into each part)."""
    where = _conditions(shape)
    parts: list[Select[Any]] = []
    if "owners" in shape:
        parts.append(select(DEALS.c.id).where(DEALS.c.owner_id.in_(bindparam("owners", expanding=True)), *where))
    if "teams" in shape:
        parts.append(select(DEALS.c.id).where(DEALS.c.team_id.in_(bindparam("teams", expanding=True)), *where))
    if "sharee" in shape:
        shared = (select(SHARES.c.opportunity_id.label("id"))
                  .join(DEALS, DEALS.c.id == SHARES.c.opportunity_id)
                  .where(SHARES.c.rep_id == bindparam("sharee"), *where))
        parts.append(shared)
    if not parts:  # an empty scope: a query that finds nothing
        return select(DEALS.c.id).where(literal(False))
    return parts[0] if len(parts) == 1 else union(*parts)


def _in_scope(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    if "everything" in shape:
        return _conditions(shape)
    return [DEALS.c.id.in_(scope_ids(shape)), *_conditions(shape)]


def urgent_first(shape: tuple[str, ...]) -> Select[Any]:
    """The deals in scope, most urgent first, up to :limit (shape "everything" = all deals)."""
    if "everything" in shape:
        return _banded(shape)
    band = case((DEALS.c.next_at.is_not(None), 1), (DEALS.c.created_at.is_not(None), 2), else_=3)
    return (select(DEALS).where(*_in_scope(shape))
            .order_by(band, func.coalesce(DEALS.c.next_at, DEALS.c.created_at), DEALS.c.id)
            .limit(bindparam("limit")))


def _banded(shape: tuple[str, ...]) -> Select[Any]:
    """Each band an index-ordered query of its own (index next_at, created_at), merged and cut to :limit."""
    where = _conditions(shape)
    bands = [
        (1, DEALS.c.next_at, [DEALS.c.next_at.is_not(None)]),
        (2, DEALS.c.created_at, [DEALS.c.next_at.is_(None), DEALS.c.created_at.is_not(None)]),
        (3, cast(null(), DateTime(timezone=True)), [DEALS.c.next_at.is_(None), DEALS.c.created_at.is_(None)]),
    ]
    parts = [select(DEALS, literal(number).label("band"), key.label("band_at"))
             .where(*where, *conditions).order_by(*([] if number == 3 else [key]), DEALS.c.id)
             .limit(bindparam("limit")).subquery(f"band{number}").select()
             for number, key, conditions in bands]
    merged = union_all(*parts).subquery("merged")
    return (select(*[merged.c[column.name] for column in DEALS.c])
            .order_by(merged.c.band, merged.c.band_at, merged.c.id).limit(bindparam("limit")))


def totals(shape: tuple[str, ...]) -> Select[Any]:
    """(currency, count, sum of amounts) per currency of the deals in scope."""
    amount = type_coerce(func.sum(DEALS.c.amount), ExactDecimal(18, 2))
    return (select(DEALS.c.amount_currency, func.count().label("deals"), amount.label("amount"))
            .where(*_in_scope(shape)).group_by(DEALS.c.amount_currency))

