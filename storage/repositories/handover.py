"""A person's whole book moved to a successor (离职交接) with set-based statements, and moved back by undo.

Every move is one UPDATE (or INSERT ... SELECT / DELETE) per kind of record with RETURNING, so a book of
100k deals costs a handful of statements and only the ids come back (kept in the audit entry for undo).
Undo moves back only what still is as the handover left it: a record the successor has since handed on,
closed, or completed stays where it is, and is counted as kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, delete, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.activity import ReminderStatus
from domain.handover import BookPreview, MovedBook, RestoredBook
from domain.lead import LeadStatus
from domain.opportunity import OPEN_STAGES, Stage
from storage.models import CustomerRow, DealTotalRow, LeadRow, OpportunityRow, OpportunityShareRow, ReminderRow
from storage.repositories.base import CHUNK, before_write, dialect_insert, table_of
from storage.repositories.returning import update_returning

CUSTOMERS, LEADS, DEALS = table_of(CustomerRow), table_of(LeadRow), table_of(OpportunityRow)
SHARES, REMINDERS, TOTALS = table_of(OpportunityShareRow), table_of(ReminderRow), table_of(DealTotalRow)
OPEN = [s.value for s in OPEN_STAGES]
CLOSED = [Stage.WON.value, Stage.LOST.value]
OPEN_LEADS = [LeadStatus.NEW.value, LeadStatus.ASSIGNED.value]
OPEN_REMINDERS = [ReminderStatus.PENDING.value, ReminderStatus.SENT.value]


def _team_key(team_id: int | None) -> str:
    return "" if team_id is None else str(team_id)


def _team_of(key: str) -> int | None:
    return int(key) if key else None


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


class SqlAlchemyHandoverRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _count(self, table: Table, *where: Any) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    async def preview(self, rep_id: int, names: int = 5) -> BookPreview:
        """Counts of what `rep_id` holds; open deals' amounts from the deal_totals summary (exact cents)."""
        first = select(CUSTOMERS.c.name).where(CUSTOMERS.c.owner_id == rep_id).order_by(CUSTOMERS.c.id).limit(names)
        totals = (select(TOTALS.c.stage, TOTALS.c.currency, func.sum(TOTALS.c.deals), func.sum(TOTALS.c.cents))
                  .where(TOTALS.c.owner_id == rep_id).group_by(TOTALS.c.stage, TOTALS.c.currency))
        deals = closed = 0
        amounts: dict[str, Decimal] = {}
        for stage, currency, count, cents in await self.session.execute(totals):
            if stage not in OPEN:
                closed += int(count or 0)
                continue
            deals += int(count or 0)
            if currency and cents:
                amounts[currency] = amounts.get(currency, Decimal(0)) + Decimal(int(cents)) / 100
        return BookPreview(
            customers=await self._count(CUSTOMERS, CUSTOMERS.c.owner_id == rep_id),
            customer_names=tuple(await self.session.scalars(first)),
            leads=await self._count(LEADS, LEADS.c.owner_id == rep_id, LEADS.c.status.in_(OPEN_LEADS)),
            deals=deals, deal_amounts=amounts, closed_deals=closed,
            reminders=await self._count(REMINDERS, REMINDERS.c.rep_id == rep_id,
                                        REMINDERS.c.status.in_(OPEN_REMINDERS)),
            shares=await self._count(SHARES, SHARES.c.rep_id == rep_id))

    async def _ids(self, stmt: Any) -> list[int]:
        return [int(i) for i in (await self.session.execute(stmt)).scalars()]

    async def move(self, leaver_id: int, successor_id: int, successor_team: int | None) -> MovedBook:
        """Everything of the leaver's that moves, moved; the ids changed, grouped for undo."""
        await before_write(self.session)
        moved = MovedBook()
        moved.customers = await self._updated(CUSTOMERS, CUSTOMERS.c.owner_id == leaver_id, {"owner_id": successor_id})
        moved.leads = await self._move_owned(LEADS, LEADS.c.status.in_(OPEN_LEADS), leaver_id, successor_id,
                                             successor_team)
        moved.deals = await self._move_owned(DEALS, DEALS.c.stage.in_(OPEN), leaver_id, successor_id,
                                             successor_team)
        moved.successor_shares_dropped = await self._ids(  # a share of one's own deal means nothing
            delete(SHARES).where(SHARES.c.rep_id == successor_id, SHARES.c.opportunity_id.in_(
                select(DEALS.c.id).where(DEALS.c.owner_id == successor_id))).returning(SHARES.c.opportunity_id))
        moved.closed_shared = await self._share_closed(leaver_id, successor_id)
        await self._move_shares(moved, leaver_id, successor_id)
        moved.reminders = await self._updated(
            REMINDERS, and_(REMINDERS.c.rep_id == leaver_id, REMINDERS.c.status.in_(OPEN_REMINDERS)),
            {"rep_id": successor_id})
        return moved

    async def _updated(self, table: Table, where: Any, values: dict[str, Any], returned: Any = None) -> list[int]:
        """UPDATE ... RETURNING the ids (or `returned`) of the rows changed (storage.repositories.returning)."""
        column = table.c.id if returned is None else returned
        rows = await update_returning(self.session, table, where, values, [column])
        return [int(row[0]) for row in rows]

    async def _move_owned(self, table: Table, still_open: Any, leaver_id: int, successor_id: int,
                          successor_team: int | None) -> dict[str, list[int]]:
        """Open leads or deals: one UPDATE per previous team (few), so undo can give each its team back."""
        teams = await self.session.scalars(select(table.c.team_id).distinct()
                                           .where(table.c.owner_id == leaver_id, still_open))
        moved: dict[str, list[int]] = {}
        for team_id in list(teams):
            same_team = table.c.team_id.is_(None) if team_id is None else table.c.team_id == team_id
            ids = await self._updated(table, and_(table.c.owner_id == leaver_id, still_open, same_team),
                                      {"owner_id": successor_id, "team_id": successor_team})
            if ids:
                moved[_team_key(team_id)] = ids
        return moved

    async def _share_closed(self, leaver_id: int, successor_id: int) -> list[int]:
        """The leaver's closed deals stay theirs (who won them) and are shared with the successor."""
        other = SHARES.alias("already")
        source = (select(DEALS.c.id, literal(successor_id))
                  .where(DEALS.c.owner_id == leaver_id, DEALS.c.stage.in_(CLOSED),
                         ~exists().where(other.c.opportunity_id == DEALS.c.id, other.c.rep_id == successor_id)))
        stmt = insert(SHARES).from_select(["opportunity_id", "rep_id"], source).returning(SHARES.c.opportunity_id)
        return await self._ids(stmt)

    async def _move_shares(self, moved: MovedBook, leaver_id: int, successor_id: int) -> None:
        """Colleagues' deals shared with the leaver are shared with the successor instead (dropped where the
        successor owns them or sees them already)."""
        other = SHARES.alias("theirs")
        free = and_(~exists().where(other.c.opportunity_id == SHARES.c.opportunity_id,
                                    other.c.rep_id == successor_id),
                    ~exists().where(DEALS.c.id == SHARES.c.opportunity_id, DEALS.c.owner_id == successor_id))
        moved.shares_moved = await self._updated(SHARES, and_(SHARES.c.rep_id == leaver_id, free),
                                                 {"rep_id": successor_id}, SHARES.c.opportunity_id)
        moved.shares_dropped = await self._ids(delete(SHARES).where(SHARES.c.rep_id == leaver_id)
                                               .returning(SHARES.c.opportunity_id))

    async def restore(self, moved: MovedBook, leaver_id: int, successor_id: int) -> RestoredBook:
        """Undo `move`, record by record only where the successor still holds what the handover gave."""
        await before_write(self.session)
        restored = await self._back(CUSTOMERS, moved.customers, CUSTOMERS.c.owner_id == successor_id,
                                    owner_id=leaver_id)
        for key, ids in moved.leads.items():
            restored += await self._back(LEADS, ids, LEADS.c.owner_id == successor_id,
                                         LEADS.c.status.in_(OPEN_LEADS), owner_id=leaver_id, team_id=_team_of(key))
        for key, ids in moved.deals.items():
            restored += await self._back(DEALS, ids, DEALS.c.owner_id == successor_id, DEALS.c.stage.in_(OPEN),
                                         owner_id=leaver_id, team_id=_team_of(key))
        restored += await self._back(REMINDERS, moved.reminders, REMINDERS.c.rep_id == successor_id,
                                     REMINDERS.c.status.in_(OPEN_REMINDERS), rep_id=leaver_id)
        expected = len(moved.customers) + moved.lead_count + moved.deal_count + len(moved.reminders)
        await self._restore_shares(moved, leaver_id, successor_id)
        return RestoredBook(restored=restored, kept=expected - restored)

    async def _back(self, table: Table, ids: Sequence[int], *guard: Any, **values: Any) -> int:
        count = 0
        for chunk in _chunks(ids):
            result = await self.session.execute(update(table).where(table.c.id.in_(chunk), *guard).values(**values))
            count += int(getattr(result, "rowcount", 0) or 0)
        return count

    async def _restore_shares(self, moved: MovedBook, leaver_id: int, successor_id: int) -> None:
        for chunk in _chunks(moved.closed_shared):
            await self.session.execute(delete(SHARES).where(SHARES.c.rep_id == successor_id,
                                                            SHARES.c.opportunity_id.in_(chunk)))
        for chunk in _chunks(moved.shares_moved):
            await self.session.execute(update(SHARES).where(SHARES.c.rep_id == successor_id,
                                                            SHARES.c.opportunity_id.in_(chunk))
                                       .values(rep_id=leaver_id))
        await self._reinsert(moved.shares_dropped, leaver_id)
        await self._reinsert(moved.successor_shares_dropped, successor_id)

    async def _reinsert(self, deal_ids: Sequence[int], rep_id: int) -> None:
        for chunk in _chunks(deal_ids):
            stmt = dialect_insert(self.session, SHARES).on_conflict_do_nothing(
                index_elements=["opportunity_id", "rep_id"])
            await self.session.execute(stmt, [{"opportunity_id": i, "rep_id": rep_id} for i in chunk])
