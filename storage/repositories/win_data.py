"""What the win model reads (domain.win_ports.WinDataRepository): deals with their stage changes, follow-up
and quote times, the customer's industry and region, one page at a time by id (keyset), so that scoring
100,000 open deals or fitting on years of closed ones never holds more than a page of deals; and the
win_scores table the nightly job writes.

Closed deals are picked by `closed_at < before` (ix_opportunities_closed_at_stage); open ones by id with
`created_at <= at AND (closed_at IS NULL OR closed_at >= at)`. Per page, the children of its ids are read
by their opportunity_id indexes. What a deal looked like at a moment is the domain's business
(domain.win_snapshot): nothing here decides it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.money import Money
from domain.opportunity import OPEN_STAGES, Opportunity, Stage, StageChange
from domain.win_ports import Mover, StoredScore
from domain.win_snapshot import DealRecord
from storage.models import (
    CloseDateMoveRow,
    CustomerRow,
    FollowUpRow,
    OpportunityRow,
    QuoteRow,
    StageChangeRow,
    WinScoreRow,
)
from storage.repositories.base import dialect_insert, table_of

DEALS, CHANGES, FOLLOWUPS = table_of(OpportunityRow), table_of(StageChangeRow), table_of(FollowUpRow)
QUOTES, CUSTOMERS, SCORES = table_of(QuoteRow), table_of(CustomerRow), table_of(WinScoreRow)
MOVES = table_of(CloseDateMoveRow)
COLUMNS = (DEALS.c.id, DEALS.c.customer_id, DEALS.c.name, DEALS.c.ref, DEALS.c.source, DEALS.c.owner_id,
           DEALS.c.team_id, DEALS.c.stage, DEALS.c.amount, DEALS.c.amount_currency, DEALS.c.created_at,
           DEALS.c.closed_at)
CLOSED = [Stage.WON.value, Stage.LOST.value]
OPEN = [s.value for s in OPEN_STAGES]
FOUR = Decimal("0.0001")


class SqlAlchemyWinDataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def closed_page(self, before: datetime, after_id: int, limit: int) -> list[DealRecord]:
        where = and_(DEALS.c.closed_at < before, DEALS.c.stage.in_(CLOSED))
        return await self._page(where, after_id, limit)

    async def count_closed(self, before: datetime) -> int:
        where = and_(DEALS.c.closed_at < before, DEALS.c.stage.in_(CLOSED))
        return int(await self.session.scalar(select(func.count()).select_from(DEALS).where(where)) or 0)

    async def closed_quantile(self, before: datetime, share: float) -> datetime | None:
        where = and_(DEALS.c.closed_at < before, DEALS.c.stage.in_(CLOSED))
        count = await self.count_closed(before)
        if not count:
            return None
        stmt = select(DEALS.c.closed_at).where(where).order_by(DEALS.c.closed_at)
        found: datetime | None = await self.session.scalar(stmt.offset(min(count - 1, int(count * share))).limit(1))
        return found

    async def open_page(self, at: datetime, after_id: int, limit: int) -> list[DealRecord]:
        where = and_(DEALS.c.created_at <= at, or_(DEALS.c.closed_at.is_(None), DEALS.c.closed_at >= at))
        return await self._page(where, after_id, limit)

    async def records(self, deal_ids: Iterable[int]) -> list[DealRecord]:
        ids = sorted(set(deal_ids))
        if not ids:
            return []
        return await self._records(await self._rows(select(*COLUMNS).where(DEALS.c.id.in_(ids))))

    async def _page(self, where: ColumnElement[bool], after_id: int, limit: int) -> list[DealRecord]:
        stmt = select(*COLUMNS).where(where, DEALS.c.id > after_id).order_by(DEALS.c.id).limit(limit)
        return await self._records(await self._rows(stmt))

    async def _rows(self, stmt: Select[Any]) -> Sequence[Row[Any]]:
        rows: Sequence[Row[Any]] = (await self.session.execute(stmt)).all()
        return rows

    async def _records(self, rows: Sequence[Row[Any]]) -> list[DealRecord]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        changes: dict[int, list[StageChange]] = defaultdict(list)
        for c in await self._rows(select(CHANGES.c.opportunity_id, CHANGES.c.source, CHANGES.c.target, CHANGES.c.at)
                                  .where(CHANGES.c.opportunity_id.in_(ids)).order_by(CHANGES.c.id)):
            changes[c.opportunity_id].append(StageChange(Stage(c.source), Stage(c.target), c.at, None))
        followups = await self._times(FOLLOWUPS.c.opportunity_id, FOLLOWUPS.c.at, ids)
        quotes = await self._times(QUOTES.c.opportunity_id, QUOTES.c.created_at, ids)
        slips = await self._times(MOVES.c.opportunity_id, MOVES.c.at, ids)
        customers = {c.id: c for c in await self._rows(select(CUSTOMERS.c.id, CUSTOMERS.c.industry, CUSTOMERS.c.region)
                                                       .where(CUSTOMERS.c.id.in_({r.customer_id for r in rows})))}
        return [_record(row, changes[row.id], (followups[row.id], quotes[row.id], slips[row.id]),
                        customers.get(row.customer_id)) for row in rows]

    async def _times(self, parent: Any, at: Any, ids: list[int]) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = defaultdict(list)
        stmt = select(parent.label("owner"), at.label("moment")).where(parent.in_(ids), at.is_not(None))
        for row in await self._rows(stmt):
            found[row.owner].append(row.moment)
        return found

    async def save_scores(self, scores: Sequence[StoredScore]) -> None:
        if not scores:
            return
        stmt = dialect_insert(self.session, SCORES)
        stmt = stmt.on_conflict_do_update(index_elements=[SCORES.c.opportunity_id], set_={
            "previous": SCORES.c.p_win, "p_win": stmt.excluded.p_win, "p_win_30d": stmt.excluded.p_win_30d,
            "team_id": stmt.excluded.team_id, "source": stmt.excluded.source, "factors": stmt.excluded.factors,
            "scored_at": stmt.excluded.scored_at})
        await self.session.execute(stmt, [_row_of(score) for score in scores])

    async def scores(self, deal_ids: Iterable[int]) -> dict[int, StoredScore]:
        ids = sorted(set(deal_ids))
        if not ids:
            return {}
        rows = await self._rows(select(SCORES).where(SCORES.c.opportunity_id.in_(ids)))
        return {row.opportunity_id: _score_of(row) for row in rows}

    async def movers(self, team_ids: Sequence[int] | None, since: datetime, limit: int) -> list[Mover]:
        moved = func.abs(SCORES.c.p_win - SCORES.c.previous)
        stmt = (select(SCORES, DEALS.c.name, DEALS.c.owner_id).join(DEALS, DEALS.c.id == SCORES.c.opportunity_id)
                .where(SCORES.c.previous.is_not(None), SCORES.c.scored_at >= since, moved > 0))
        if team_ids is not None:
            stmt = stmt.where(SCORES.c.team_id.in_(list(team_ids)))
        rows = await self._rows(stmt.order_by(moved.desc(), SCORES.c.opportunity_id).limit(limit))
        return [Mover(_score_of(row), row.name, row.owner_id) for row in rows]

    async def drop_closed(self) -> int:
        closed = select(DEALS.c.id).where(DEALS.c.id == SCORES.c.opportunity_id, DEALS.c.stage.in_(CLOSED))
        result = await self.session.execute(delete(SCORES).where(closed.exists()))  # by primary key, per score
        return int(getattr(result, "rowcount", 0) or 0)


def _record(row: Row[Any], history: list[StageChange], times: tuple[list[datetime], list[datetime], list[datetime]],
            customer: Row[Any] | None) -> DealRecord:
    """`times`: of the follow-ups, the quote versions and the close-date slips."""
    amount = Money(row.amount, row.amount_currency or "CNY") if row.amount is not None else None
    deal = Opportunity(customer_id=row.customer_id, name=row.name, owner_id=row.owner_id, team_id=row.team_id,
                       stage=Stage(row.stage), amount=amount, ref=row.ref, source=row.source, history=history,
                       created_at=row.created_at, closed_at=row.closed_at, id=row.id)
    return DealRecord(deal, *times, customer.industry if customer else "",
                      customer.region if customer else "", row.source, str(row.team_id or ""))


def _row_of(score: StoredScore) -> dict[str, Any]:
    return {"opportunity_id": score.opportunity_id, "team_id": score.team_id,
            "p_win": _ratio(score.p_win), "p_win_30d": _ratio(score.p_win_30d),
            "previous": None, "source": score.source, "factors": [dict(f) for f in score.factors],
            "scored_at": score.scored_at}


def _ratio(value: float) -> Decimal:
    return Decimal(str(value)).quantize(FOUR)


def _score_of(row: Row[Any]) -> StoredScore:
    return StoredScore(row.opportunity_id, row.team_id, float(row.p_win), float(row.p_win_30d), row.source,
                       row.scored_at, tuple(row.factors), None if row.previous is None else float(row.previous))
