"""Deal lists in SQL: the scope of domain.listing.ViewScope, most urgent first, true counts and totals.

- A scope is a UNION ALL of disjoint parts: owned by one of owner_ids (index owner_id, stage, next_at), of
  one of team_ids and not owned by those (index team_id, stage, owner_id), shared with the sharee and in
  neither (index rep_id, opportunity_id). Each deal comes once; no OR across tables, so each part uses its
  index.
- Order (domain.listing.urgency): band 1 = has a next step, by next_at; band 2 = none, by created_at; band 3 =
  neither; ties by id. For a scope the bands are expressions (the scope is small: a sort of its deals). For
  everyone's deals (admins) each band is its own index-ordered query with the limit, merged afterwards, so no
  statement sorts a million rows.
- Totals: count and sum of amounts per currency over the same scope, in one GROUP BY.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    DateTime,
    Integer,
    Select,
    Subquery,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from domain.listing import ViewScope
from storage.models import OpportunityRow, OpportunityShareRow
from storage.repositories.base import table_of
from storage.types import ExactDecimal

DEALS = table_of(OpportunityRow)
SHARES = table_of(OpportunityShareRow)


def _limit() -> BindParameter[int]:
    """LIMIT written into the SQL text: with a bound limit PostgreSQL's generic plan (after five runs) guesses
    the limit and may sort a whole scope instead of walking an index."""
    return bindparam("limit", type_=Integer(), literal_execute=True)


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


def scope_rows(shape: tuple[str, ...], columns: list[ColumnElement[Any]]) -> Subquery:
    """`columns` of the deals in scope, each deal once: a UNION ALL of one indexed select per part, made
    disjoint (a deal of a managed team whose owner is listed counts as owned; a shared deal counts only if no
    other part has it), so nothing has to be deduplicated, and no part is joined back to the deals table."""
    where = _conditions(shape)
    owned = DEALS.c.owner_id.in_(bindparam("owners", expanding=True))
    of_team = DEALS.c.team_id.in_(bindparam("teams", expanding=True))
    parts: list[Select[Any]] = []
    if "owners" in shape:
        parts.append(select(*columns).where(owned, *where))
    if "teams" in shape:
        parts.append(select(*columns).where(of_team, *where, *_outside(shape, owners=True)))
    if "sharee" in shape:
        parts.append(select(*columns).join(SHARES, SHARES.c.opportunity_id == DEALS.c.id)
                     .where(SHARES.c.rep_id == bindparam("sharee"), *where,
                            *_outside(shape, owners=True, teams=True)))
    if "everything" in shape:
        parts = [select(*columns).where(*where)]
    if not parts:  # an empty scope: a query that finds nothing
        parts = [select(*columns).where(literal(False))]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("scope")


def _outside(shape: tuple[str, ...], *, owners: bool = False, teams: bool = False) -> list[ColumnElement[bool]]:
    """Conditions keeping a part clear of the deals the owner part (and the team part) already hold."""
    found: list[ColumnElement[bool]] = []
    if owners and "owners" in shape:
        found.append(or_(DEALS.c.owner_id.is_(None), DEALS.c.owner_id.not_in(bindparam("owners", expanding=True))))
    if teams and "teams" in shape:
        found.append(or_(DEALS.c.team_id.is_(None), DEALS.c.team_id.not_in(bindparam("teams", expanding=True))))
    return found


def urgent_first(shape: tuple[str, ...]) -> Select[Any]:
    """The deals in scope, most urgent first, up to :limit (shape "everything" = all deals)."""
    if "everything" in shape:
        return _banded(shape)
    scope = scope_rows(shape, list(DEALS.c))
    band = case((scope.c.next_at.is_not(None), 1), (scope.c.created_at.is_not(None), 2), else_=3)
    return (select(scope).order_by(band, func.coalesce(scope.c.next_at, scope.c.created_at), scope.c.id)
            .limit(_limit()))


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
             .limit(_limit()).subquery(f"band{number}").select()
             for number, key, conditions in bands]
    merged = union_all(*parts).subquery("merged")
    return (select(*[merged.c[column.name] for column in DEALS.c])
            .order_by(merged.c.band, merged.c.band_at, merged.c.id).limit(_limit()))


def totals(shape: tuple[str, ...]) -> Select[Any]:
    """(currency, count, sum of amounts) per currency of the deals in scope."""
    scope = scope_rows(shape, [DEALS.c.id, DEALS.c.amount_currency, DEALS.c.amount])
    amount = type_coerce(func.sum(scope.c.amount), ExactDecimal(18, 2))
    return (select(scope.c.amount_currency, func.count().label("deals"), amount.label("amount"))
            .group_by(scope.c.amount_currency))
