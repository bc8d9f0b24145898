"""A deal's child rows: its stage history (append-only in practice) and the reps it is shared with (a set).

Deals are read with both joined in (`with_children`); what was read is remembered for the savepoint block
that read it, so that `save` writes only what changed (usually nothing) without reading the children again.
A block's rollback can undo child writes, so a deal read in another block has its children read afresh;
what a block remembered is dropped when it ends (`forget`), and at most MAX_REMEMBERED deals are kept, so a
long unit of work (a batch of messages, a scheduled job walking many deals) does not hold every deal it read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.opportunity import Opportunity, Stage, StageChange
from storage.mapping import RowMapper
from storage.models import OpportunityRow, OpportunityShareRow, StageChangeRow
from storage.repositories.base import savepoint_marker, statement, table_of

DEALS = table_of(OpportunityRow)
HISTORY = table_of(StageChangeRow)
SHARES = table_of(OpportunityShareRow)
STAGE_CHANGES = RowMapper(StageChange)
_KEY = "deal_children"
MAX_REMEMBERED = 256  # deals whose children are remembered at once (oldest dropped first)


def with_children(deals: Select[Any]) -> Select[Any]:
    """`deals` (a select of the opportunities table) with each deal's history and shares joined in."""
    d = deals.subquery("d")
    return (select(d, HISTORY.c.id.label("h_id"), HISTORY.c.source.label("h_source"),
                   HISTORY.c.target.label("h_target"), HISTORY.c.at.label("h_at"), HISTORY.c.by.label("h_by"),
                   SHARES.c.rep_id.label("s_rep"))
            .select_from(d.outerjoin(HISTORY, HISTORY.c.opportunity_id == d.c.id)
                         .outerjoin(SHARES, SHARES.c.opportunity_id == d.c.id))
            .order_by(d.c.id, HISTORY.c.id, SHARES.c.id))


@dataclass(slots=True)
class Children:
    """What the database holds for one deal: (row id, change) in order, and the share rep ids."""

    history: list[tuple[int, StageChange]] = field(default_factory=list)
    shares: list[int] = field(default_factory=list)


class DealChildren:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def load(self, mapper: RowMapper[Opportunity], rows: Sequence[Row[Any]]) -> list[Opportunity]:
        """Deals from `with_children` rows (one row per deal × history entry × share)."""
        deals = []
        for deal_id, (row, kids) in self._collect(rows).items():
            self._remember(deal_id, kids)
            deals.append(mapper.load(row, shared_with=list(kids.shares),
                                     history=[change for _, change in kids.history]))
        return deals

    @staticmethod
    def _collect(rows: Sequence[Row[Any]]) -> dict[int, tuple[Row[Any], Children]]:
        found: dict[int, tuple[Row[Any], Children]] = {}
        seen: dict[int, tuple[set[int], set[int]]] = {}
        for row in rows:
            if row.id not in found:
                found[row.id], seen[row.id] = (row, Children()), (set(), set())
            kids, (history_ids, share_ids) = found[row.id][1], seen[row.id]
            if row.h_id is not None and row.h_id not in history_ids:
                history_ids.add(row.h_id)
                change = StageChange(Stage(row.h_source), Stage(row.h_target), row.h_at, row.h_by)
                kids.history.append((row.h_id, change))
            if row.s_rep is not None and row.s_rep not in share_ids:
                share_ids.add(row.s_rep)
                kids.shares.append(row.s_rep)
        return found

    async def write(self, deal: Opportunity, *, created: bool) -> None:
        """Bring the child rows of `deal` (whose own row is written) in line with the object."""
        assert deal.id is not None
        have = Children() if created else await self._stored(deal.id)
        await self._write_shares(deal.id, have, list(dict.fromkeys(deal.shared_with)))
        await self._write_history(deal.id, have, deal.history)
        self._remember(deal.id, have)

    async def _stored(self, deal_id: int) -> Children:
        remembered = self.session.info.get(_KEY, {}).get(deal_id)
        if remembered is not None and remembered[0] is savepoint_marker(self.session):
            kids: Children = remembered[1]
            return kids
        stmt = statement(__name__, "stored", lambda: with_children(
            select(DEALS.c.id).where(DEALS.c.id == bindparam("id"))))
        rows = (await self.session.execute(stmt, {"id": deal_id})).all()
        found = self._collect(rows).get(deal_id)
        return Children() if found is None else found[1]

    async def _write_shares(self, deal_id: int, have: Children, wanted: list[int]) -> None:
        gone = [rep_id for rep_id in have.shares if rep_id not in wanted]
        new = [rep_id for rep_id in wanted if rep_id not in have.shares]
        if gone:
            stmt = statement(__name__, "unshare", lambda: delete(SHARES).where(
                SHARES.c.opportunity_id == bindparam("deal"), SHARES.c.rep_id.in_(bindparam("reps", expanding=True))))
            await self.session.execute(stmt, {"deal": deal_id, "reps": gone})
        if new:
            await self.session.execute(insert(SHARES), [{"opportunity_id": deal_id, "rep_id": r} for r in new])
        have.shares = [rep_id for rep_id in have.shares if rep_id in wanted] + new

    async def _write_history(self, deal_id: int, have: Children, wanted: Sequence[StageChange]) -> None:
        """Append-only in the domain; entries that differ are rewritten in place all the same."""
        kept: list[tuple[int, StageChange]] = []
        for index, change in enumerate(wanted):
            if index < len(have.history):
                row_id, old = have.history[index]
                if old != change:
                    rewrite = statement(__name__, "rewrite", lambda: update(HISTORY).where(
                        HISTORY.c.id == bindparam("_id")))
                    await self.session.execute(rewrite, {"_id": row_id, **STAGE_CHANGES.columns(change)},
                                               execution_options={"synchronize_session": False})
                kept.append((row_id, change))
            else:
                values = {"opportunity_id": deal_id, **STAGE_CHANGES.columns(change)}
                append = statement(__name__, "append", lambda: insert(HISTORY).returning(HISTORY.c.id))
                kept.append(((await self.session.execute(append, values)).scalar_one(), change))
        if extra := [row_id for row_id, _ in have.history[len(wanted):]]:
            truncate = statement(__name__, "truncate", lambda: delete(HISTORY).where(
                HISTORY.c.id.in_(bindparam("ids", expanding=True))))
            await self.session.execute(truncate, {"ids": extra})
        have.history = kept

    def _remember(self, deal_id: int, kids: Children) -> None:
        remembered = self.session.info.setdefault(_KEY, {})
        remembered.pop(deal_id, None)  # re-inserted last: the most recently read is dropped last
        remembered[deal_id] = (savepoint_marker(self.session), kids)
        while len(remembered) > MAX_REMEMBERED:
            del remembered[next(iter(remembered))]


def forget(session: AsyncSession) -> None:
    """Drop what was remembered (a savepoint block ended: nothing it read can be trusted after it)."""
    session.info.pop(_KEY, None)

