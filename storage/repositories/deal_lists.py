"""Deal lists in SQL: the scope of domain.listing.ViewScope, most urgent first, true counts and totals.

- A scope is a UNION ALL of disjoint parts: owned by one of owner_ids (index owner_id, stage, next_at,
  team_id), of one of team_ids and not owned by those (index team_id, stage, next_at, created_at), shared
  with the sharee and in neither (index rep_id, opportunity_id). Each deal comes once; no OR across tables,
  so each part uses its index. Lists that walk the teams split the first two the other way: all of the
  teams' deals, walked, and the owned deals outside those teams (found from the owner index alone).
- Order (domain.listing.urgency): band 1 = has a next step, by next_at; band 2 = none, by created_at; band 3 =
  neither; ties by id. A rep's own and shared deals are few: the bands are expressions, a sort of them. A
  team's deals (thousands for a manager) and everyone's deals (admins) are walked instead: each team, wanted
  stage and band is its own index-ordered query with the limit, merged afterwards, so no statement sorts more
  than a few hundred rows, however large the team or the company.
- Totals: count and sum of amounts per currency over the same scope, in one GROUP BY; the owned, team and
  everyone's parts read the deal_totals summary (storage.deal_totals) instead of the deals, so a header
  costs the same at 1M deals as at 1k.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    DateTime,
    Integer,
    Numeric,
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
from storage.models import DealTotalRow, OpportunityRow, OpportunityShareRow
from storage.repositories.base import table_of

DEALS = table_of(OpportunityRow)
SHARES = table_of(OpportunityShareRow)
TOTALS = table_of(DealTotalRow)


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
        if scope.team_ids:  # each team walked on its own (_banded)
            params.update({f"team{n}": team for n, team in enumerate(params["teams"])})
    if stages is not None:
        params["stages"] = stages
        if scope.everything or scope.team_ids:  # everyone's or a team's deals: one index walk per stage
            params.update({f"stage{n}": stage for n, stage in enumerate(stages)})
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


def _keys(shape: tuple[str, ...], prefix: str) -> list[str]:
    """The numbered parameters stage0, stage1, ... (or team0, ...) in order."""
    return sorted((key for key in shape if key.startswith(prefix) and key[len(prefix):].isdigit()),
                  key=lambda key: int(key[len(prefix):]))


def scope_rows(shape: tuple[str, ...], columns: list[ColumnElement[Any]], *, teams: bool = True) -> Subquery:
    """`columns` of the deals in scope, each deal once: a UNION ALL of one indexed select per part, made
    disjoint (a deal of a managed team whose owner is listed counts as owned; a shared deal counts only if no
    other part has it), so nothing has to be deduplicated, and no part is joined back to the deals table.
    `teams=False`: without the team part, which is walked on its own (_banded); the owned part then leaves
    out the deals of the teams instead (a manager's team members own most of the team's deals), and reads
    only the owners the summary shows with deals elsewhere."""
    where = _conditions(shape)
    owned = DEALS.c.owner_id.in_(bindparam("owners", expanding=True))
    of_team = DEALS.c.team_id.in_(bindparam("teams", expanding=True))
    parts: list[Select[Any]] = []
    if "owners" in shape and teams:
        parts.append(select(*columns).where(owned, *where))
    elif "owners" in shape:
        parts.append(select(*columns).where(_owning_elsewhere(shape), *where, *_outside(shape, teams=True)))
    if teams and "teams" in shape:
        parts.append(select(*columns).where(of_team, *where, *_outside(shape, owners=True)))
    if "sharee" in shape:
        parts.append(_shared(shape, columns))
    if "everything" in shape:
        parts = [select(*columns).where(*where)]
    if not parts:  # an empty scope: a query that finds nothing
        parts = [select(*columns).where(literal(False))]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("scope")


def _owning_elsewhere(shape: tuple[str, ...]) -> ColumnElement[bool]:
    """Owned by one of the owners who has deals outside the teams (usually none: a team's members work in
    it), as the deal_totals summary knows, so the owners' deals inside the teams are never read here."""
    stages = [TOTALS.c.stage.in_(bindparam("stages", expanding=True))] if "stages" in shape else []
    elsewhere = select(TOTALS.c.owner_id).where(
        TOTALS.c.owner_id.in_(bindparam("owners", expanding=True)),
        TOTALS.c.team_id.not_in(bindparam("teams", expanding=True)), TOTALS.c.deals > 0, *stages)
    return DEALS.c.owner_id.in_(elsewhere)


def _shared(shape: tuple[str, ...], columns: list[ColumnElement[Any]]) -> Select[Any]:
    """The deals shared with the sharee that neither the owner part nor the team part holds."""
    return (select(*columns).join(SHARES, SHARES.c.opportunity_id == DEALS.c.id)
            .where(SHARES.c.rep_id == bindparam("sharee"), *_conditions(shape),
                   *_outside(shape, owners=True, teams=True)))


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
    if "everything" in shape or _keys(shape, "team"):
        return _banded(shape)
    small = _sorted(scope_rows(shape, list(DEALS.c))).subquery("small")
    return select(*[small.c[column.name] for column in DEALS.c])  # callers order again (with_children)


def _sorted(scope: Subquery) -> Select[Any]:
    """A small scope sorted by urgency, up to :limit, with its band and the band's time."""
    band = case((scope.c.next_at.is_not(None), 1), (scope.c.created_at.is_not(None), 2), else_=3)
    band_at = case((scope.c.next_at.is_not(None), scope.c.next_at), else_=scope.c.created_at)
    return (select(*[scope.c[column.name] for column in DEALS.c], band.label("band"), band_at.label("band_at"))
            .order_by(band, band_at, scope.c.id).limit(_limit()))


def _banded(shape: tuple[str, ...]) -> Select[Any]:
    """Each walked part (everyone, or each team: team0, team1, ...), each wanted stage (stage0, ...) and each
    band an index-ordered query of its own (index [team_id,] stage, next_at, created_at), merged with the
    sorted small parts (own and shared deals) and cut to :limit: every walk stops after :limit rows, however
    many deals the others hold."""
    per_stage = [[DEALS.c.stage == bindparam(key)] for key in _keys(shape, "stage")] or [
        [DEALS.c.stage.in_(bindparam("stages", expanding=True))] if "stages" in shape else []]  # none: all
    customer = [DEALS.c.customer_id == bindparam("customer")] if "customer" in shape else []
    walked: list[list[ColumnElement[bool]]] = [[]] if "everything" in shape else [
        [DEALS.c.team_id == bindparam(key)] for key in _keys(shape, "team")]  # owned or not (scope_rows)
    bands = [
        (1, DEALS.c.next_at, [DEALS.c.next_at.is_not(None)]),
        (2, DEALS.c.created_at, [DEALS.c.next_at.is_(None), DEALS.c.created_at.is_not(None)]),
        (3, cast(null(), DateTime(timezone=True)), [DEALS.c.next_at.is_(None), DEALS.c.created_at.is_(None)]),
    ]
    # band 2 orders by next_at (NULL throughout) before created_at: the order then names the list index, and
    # PostgreSQL no longer walks a created_at index (analytics, migration 0012) filtering the whole table
    order = {1: [DEALS.c.next_at], 2: [DEALS.c.next_at, DEALS.c.created_at], 3: []}
    parts = [select(DEALS, literal(number).label("band"), key.label("band_at"))
             .where(*part, *stage, *customer, *conditions).order_by(*order[number], DEALS.c.id)
             .limit(_limit()).subquery(f"band{number}_{p}_{n}").select()
             for p, part in enumerate(walked) for n, stage in enumerate(per_stage)
             for number, key, conditions in bands]
    if "everything" not in shape and ("owners" in shape or "sharee" in shape):
        parts.append(_sorted(scope_rows(shape, list(DEALS.c), teams=False)).subquery("small").select())
    merged = union_all(*parts).subquery("merged")
    return (select(*[merged.c[column.name] for column in DEALS.c])
            .order_by(merged.c.band, merged.c.band_at, merged.c.id).limit(_limit()))


def totals(shape: tuple[str, ...]) -> Select[Any]:
    """(currency, deals, priced, cents) per currency of the deals in scope: owned, team and everyone's parts
    from the deal_totals summary (a few rows per person and stage), shared deals and a customer's deals
    from the deals themselves (few); cents = the sum of amounts x 100, priced = how many have an amount."""
    if "customer" in shape:
        return _summed(scope_rows(shape, _counted(DEALS)))
    parts: list[Select[Any]] = []
    stages = [TOTALS.c.stage.in_(bindparam("stages", expanding=True))] if "stages" in shape else []
    if "everything" in shape:
        parts.append(select(*_counted(TOTALS)).where(*stages))
    if "owners" in shape:
        parts.append(select(*_counted(TOTALS)).where(TOTALS.c.owner_id.in_(bindparam("owners", expanding=True)),
                                                     *stages))
    if "teams" in shape:
        outside = [TOTALS.c.owner_id.not_in(bindparam("owners", expanding=True))] if "owners" in shape else []
        parts.append(select(*_counted(TOTALS)).where(TOTALS.c.team_id.in_(bindparam("teams", expanding=True)),
                                                     *outside, *stages))
    if "sharee" in shape:
        parts.append(_shared(shape, _counted(DEALS)))
    if not parts:
        return _summed(scope_rows(shape, _counted(DEALS)))
    return _summed((parts[0] if len(parts) == 1 else union_all(*parts)).subquery("parts"))


def _counted(source: Any) -> list[ColumnElement[Any]]:
    """(currency, deals, priced, cents) of one summary row, or of one deal (1, has amount, its cents)."""
    if source is TOTALS:
        return [TOTALS.c.currency, TOTALS.c.deals, TOTALS.c.priced, TOTALS.c.cents]
    amount = type_coerce(DEALS.c.amount, Numeric())
    return [func.coalesce(DEALS.c.amount_currency, "").label("currency"), literal(1).label("deals"),
            case((DEALS.c.amount.is_(None), 0), else_=1).label("priced"),
            func.coalesce(cast(func.round(amount * 100), BigInteger), 0).label("cents")]


def _summed(rows: Subquery) -> Select[Any]:
    return (select(rows.c.currency, func.sum(rows.c.deals).label("deals"), func.sum(rows.c.priced).label("priced"),
                   func.sum(rows.c.cents).label("cents"))
            .group_by(rows.c.currency))
