"""Leads, opportunities (with stage history and sharing) and reminders."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, select, union
from sqlalchemy.engine import Row

from domain.activity import Reminder, ReminderStatus
from domain.lead import Lead, LeadStatus
from domain.listing import DealTotals, ViewScope, urgency_sort_key
from domain.opportunity import OPEN_STAGES, Opportunity, Stage
from storage.mapping import RowMapper
from storage.models import LeadRow, OpportunityRow, OpportunityShareRow, ReminderRow
from storage.repositories import deal_lists
from storage.repositories.base import CHUNK, SqlRepository, before_write, statement, table_of
from storage.repositories.deal_children import DealChildren, with_children

LEADS = table_of(LeadRow)
DEALS = table_of(OpportunityRow)
SHARES = table_of(OpportunityShareRow)
REMINDERS = table_of(ReminderRow)


class SqlAlchemyLeadRepository(SqlRepository[Lead, LeadRow]):
    row = LeadRow
    mapper = RowMapper(Lead)
    what = ("线索", "lead")
    ref_prefix = "L"

    async def list(self, owner_ids: Iterable[int] | None = None,
                   status: LeadStatus | None = None) -> Sequence[Lead]:
        stmt = select(LEADS).order_by(LEADS.c.id)
        if owner_ids is not None:
            stmt = stmt.where(LEADS.c.owner_id.in_(list(owner_ids)))
        if status is not None:
            stmt = stmt.where(LEADS.c.status == LeadStatus(status).value)
        return await self._all(stmt)


class SqlAlchemyOpportunityRepository(SqlRepository[Opportunity, OpportunityRow]):
    """Deals are read with their stage history and shares joined in (one statement); `save` writes only
    the child rows that changed since the deal was read (storage.repositories.deal_children)."""

    row = OpportunityRow
    mapper = RowMapper(Opportunity, skip=["shared_with", "history"])
    what = ("商机", "deal")

    async def list(self, owner_ids: Iterable[int] | None = None, stages: Iterable[Stage] | None = None,
                   customer_id: int | None = None, limit: int = 200) -> Sequence[Opportunity]:
        """owner_ids None = everyone's. Deals shared with one of owner_ids are included."""
        params: dict[str, Any] = {"limit": limit}
        if owner_ids is not None:
            params["owners"] = sorted(set(owner_ids))
        if stages is not None:
            params["stages"] = [Stage(stage).value for stage in stages]
        if customer_id is not None:
            params["customer"] = customer_id
        shape = tuple(sorted(params))  # one prebuilt statement per combination of filters
        stmt = statement(type(self), f"list:{shape}", lambda: with_children(_deal_list(shape)))
        return await self._all(stmt, params)

    async def next_steps_due(self, owner_id: int, since: datetime, until: datetime,
                             limit: int = 100) -> Sequence[Opportunity]:
        """The owner's open deals with a next step in [since, until), earliest first (index owner_id, stage,
        next_at: one range per open stage)."""
        def build() -> Select[Any]:
            found = (select(DEALS).where(
                DEALS.c.owner_id == bindparam("owner"), DEALS.c.stage.in_([s.value for s in OPEN_STAGES]),
                DEALS.c.next_at >= bindparam("since"), DEALS.c.next_at < bindparam("until"))
                .order_by(DEALS.c.next_at, DEALS.c.id).limit(bindparam("limit")))
            return with_children(found)

        stmt = statement(type(self), "next_steps_due", build)
        deals = await self._all(stmt, {"owner": owner_id, "since": since, "until": until, "limit": limit})
        return sorted(deals, key=lambda d: (d.next_at or since, d.id or 0))

    async def visible(self, scope: ViewScope, stages: Iterable[Stage] | None = None,
                      customer_id: int | None = None, limit: int = 30) -> Sequence[Opportunity]:
        """The deals in `scope`, most urgent first, up to `limit` (storage.repositories.deal_lists)."""
        if scope.empty:
            return []
        shape, params = deal_lists.filters(scope, _stage_values(stages), customer_id)
        stmt = statement(type(self), f"visible:{shape}", lambda: with_children(deal_lists.urgent_first(shape)))
        found = await self._all(stmt, {**params, "limit": limit})
        return sorted(found, key=urgency_sort_key)  # with_children reads them back by id

    async def totals(self, scope: ViewScope, stages: Iterable[Stage] | None = None,
                     customer_id: int | None = None) -> DealTotals:
        """How many deals `visible` would list without a limit, and the sum of their amounts per currency."""
        if scope.empty:
            return DealTotals()
        shape, params = deal_lists.filters(scope, _stage_values(stages), customer_id)
        stmt = statement(type(self), f"totals:{shape}", lambda: deal_lists.totals(shape))
        rows = (await self.session.execute(stmt, params)).all()
        amounts = {row.currency: Decimal(int(row.cents)).scaleb(-2) for row in rows if row.currency and row.priced}
        return DealTotals(sum(int(row.deals) for row in rows), amounts)

    async def many(self, item_ids: Iterable[int]) -> dict[int, Opportunity]:
        wanted = sorted(set(item_ids))
        if not wanted:
            return {}
        stmt = statement(type(self), "many", lambda: with_children(
            select(DEALS).where(DEALS.c.id.in_(bindparam("ids", expanding=True)))))
        return {item.id: item for item in await self._all(stmt, {"ids": wanted}) if item.id is not None}

    async def by_refs(self, refs: Iterable[str]) -> dict[str, Opportunity]:
        """The deals with these refs (ids in an imported system), by ref; the oldest deal when two share one."""
        wanted, found = sorted({ref for ref in refs if ref}), dict[str, Opportunity]()
        stmt = statement(type(self), "by_refs", lambda: with_children(
            select(DEALS).where(DEALS.c.ref.in_(bindparam("refs", expanding=True)))))
        for start in range(0, len(wanted), CHUNK):
            for deal in sorted(await self._all(stmt, {"refs": wanted[start:start + CHUNK]}), key=lambda d: d.id or 0):
                found.setdefault(deal.ref, deal)
        return found

    async def after(self, after_id: int, limit: int = 500) -> Sequence[Opportunity]:
        """The deals with an id above `after_id`, by id, at most `limit` (keyset paging: exports)."""
        stmt = statement(type(self), "after", lambda: with_children(
            select(DEALS).where(DEALS.c.id > bindparam("after")).order_by(DEALS.c.id).limit(bindparam("limit"))))
        return await self._all(stmt, {"after": after_id, "limit": limit})

    async def lock(self, item_id: int) -> None:
        """Row-lock the deal until the commit (PostgreSQL; a no-op statement on SQLite, which has one writer)."""
        await before_write(self.session)
        stmt = statement(type(self), "lock", lambda: select(DEALS.c.id).where(DEALS.c.id == bindparam("id"))
                         .with_for_update())
        await self.session.execute(stmt, {"id": item_id})

    def _find_statement(self) -> Select[Any]:
        return with_children(select(DEALS).where(DEALS.c.id == bindparam("id")))

    async def _load_rows(self, rows: Sequence[Row[Any]]) -> builtins.list[Opportunity]:
        return DealChildren(self.session).load(self.mapper, rows)

    async def _write_children(self, item: Opportunity, *, created: bool) -> None:
        await DealChildren(self.session).write(item, created=created)


def _stage_values(stages: Iterable[Stage] | None) -> list[str] | None:
    return None if stages is None else [Stage(stage).value for stage in stages]


def _deal_list(filters: tuple[str, ...]) -> Select[Any]:
    """Deals by id, filtered on the named bind parameters (owners, stages, customer), up to :limit."""
    stmt = select(DEALS).order_by(DEALS.c.id).limit(bindparam("limit"))
    if "owners" in filters:
        owners: BindParameter[int] = bindparam("owners", expanding=True)
        shared = select(SHARES.c.opportunity_id).where(SHARES.c.rep_id.in_(owners))
        stmt = stmt.where(DEALS.c.id.in_(union(select(DEALS.c.id).where(DEALS.c.owner_id.in_(owners)), shared)))
    if "stages" in filters:
        stmt = stmt.where(DEALS.c.stage.in_(bindparam("stages", expanding=True)))
    if "customer" in filters:
        stmt = stmt.where(DEALS.c.customer_id == bindparam("customer"))
    return stmt


class SqlAlchemyReminderRepository(SqlRepository[Reminder, ReminderRow]):
    row = ReminderRow
    mapper = RowMapper(Reminder)
    what = ("提醒", "reminder")

    async def due(self, now: datetime, limit: int = 100) -> Sequence[Reminder]:
        """Pending reminders due at or before `now`, earliest first."""
        stmt = (select(REMINDERS)
                .where(REMINDERS.c.status == ReminderStatus.PENDING.value, REMINDERS.c.due_at <= now)
                .order_by(REMINDERS.c.due_at, REMINDERS.c.id).limit(limit))
        return await self._all(stmt)

    async def pending_for(self, rep_id: int) -> Sequence[Reminder]:
        stmt = (select(REMINDERS)
                .where(REMINDERS.c.status == ReminderStatus.PENDING.value, REMINDERS.c.rep_id == rep_id)
                .order_by(REMINDERS.c.due_at, REMINDERS.c.id))
        return await self._all(stmt)

    async def open_due(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[Reminder]:
        """The rep's pending or sent reminders due in [since, until), earliest first."""
        stmt = statement(type(self), "open_due", lambda: (
            select(REMINDERS).where(
                REMINDERS.c.rep_id == bindparam("rep"),
                REMINDERS.c.status.in_((ReminderStatus.PENDING.value, ReminderStatus.SENT.value)),
                REMINDERS.c.due_at >= bindparam("since"), REMINDERS.c.due_at < bindparam("until"))
            .order_by(REMINDERS.c.due_at, REMINDERS.c.id).limit(bindparam("limit"))))
        return await self._all(stmt, {"rep": rep_id, "since": since, "until": until, "limit": limit})

    async def pending_for_deal(self, opportunity_id: int) -> Sequence[Reminder]:
        """Pending reminders about one deal, whoever they are for, earliest first."""
        stmt = statement(type(self), "pending_for_deal", lambda: (
            select(REMINDERS).where(REMINDERS.c.status == ReminderStatus.PENDING.value,
                                    REMINDERS.c.opportunity_id == bindparam("deal"))
            .order_by(REMINDERS.c.due_at, REMINDERS.c.id)))
        return await self._all(stmt, {"deal": opportunity_id})

    async def open_for_deal(self, opportunity_id: int) -> Sequence[Reminder]:
        """Reminders about one deal still to act on (pending or sent), whoever they are for, earliest first."""
        stmt = statement(type(self), "open_for_deal", lambda: (
            select(REMINDERS).where(REMINDERS.c.status.in_([ReminderStatus.PENDING.value, ReminderStatus.SENT.value]),
                                    REMINDERS.c.opportunity_id == bindparam("deal"))
            .order_by(REMINDERS.c.due_at, REMINDERS.c.id)))
        return await self._all(stmt, {"deal": opportunity_id})

    async def open_for(self, rep_id: int, limit: int = 50) -> Sequence[Reminder]:
        """One person's reminders still to act on (pending or sent), earliest first."""
        stmt = (select(REMINDERS)
                .where(REMINDERS.c.rep_id == rep_id,
                       REMINDERS.c.status.in_([ReminderStatus.PENDING.value, ReminderStatus.SENT.value]))
                .order_by(REMINDERS.c.due_at, REMINDERS.c.id).limit(limit))
        return await self._all(stmt)

    async def overdue(self, sent_before: datetime, limit: int = 100) -> Sequence[Reminder]:
        """Sent, not done, not escalated, pushed at or before `sent_before`. A reminder is pushed at or after
        its due time, so `due_at <= sent_before` holds too: it lets the (status, due_at) index narrow the scan."""
        stmt = (select(REMINDERS)
                .where(REMINDERS.c.status == ReminderStatus.SENT.value, REMINDERS.c.due_at <= sent_before,
                       REMINDERS.c.escalated_at.is_(None), REMINDERS.c.sent_at <= sent_before)
                .order_by(REMINDERS.c.due_at, REMINDERS.c.id).limit(limit))
        return await self._all(stmt)
