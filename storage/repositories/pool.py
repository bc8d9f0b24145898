"""The lead pool (公海): its events log, the pool list and the reclaim scan's facts, all in SQL.

Nothing here reads every customer: the list is one page of unowned customers (index owner_id, pool_team_id,
id) and leads; the scan walks held customers by keyset pages and reads each page's facts with grouped
aggregates over the page's ids (indexes followups(customer_id, at), opportunities(customer_id)).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, insert, or_, select, true

from domain.lead import LeadStatus
from domain.opportunity import OPEN_STAGES, Stage
from domain.pool import Holding
from domain.pool_ports import EventKind, HeldPage, NoticeLine, PoolEntry, PoolEvent, PoolFilter
from storage.mapping import RowMapper
from storage.models import ContractRow, CustomerRow, FollowUpRow, LeadRow, OpportunityRow, PoolEventRow
from storage.repositories.approvals import counts_as_signed
from storage.repositories.base import SqlRepository, before_write

C, L, F, D, E, K = (t.__table__ for t in (CustomerRow, LeadRow, FollowUpRow, OpportunityRow, PoolEventRow,
                                          ContractRow))
OPEN = [s.value for s in OPEN_STAGES]
NEW_LEAD = "new"


class SqlAlchemyPoolRepository(SqlRepository[PoolEvent, PoolEventRow]):
    row, mapper, what = PoolEventRow, RowMapper(PoolEvent), ("公海记录", "pool event")

    async def claims_since(self, rep_id: int, since: datetime) -> int:
        stmt = select(func.count()).select_from(E).where(
            E.c.rep_id == rep_id, E.c.kind == EventKind.CLAIM.value, E.c.at >= since)
        return int((await self.session.execute(stmt)).scalar_one())

    async def left_me_at(self, rep_id: int, customer_id: int | None = None,
                         lead_id: int | None = None) -> datetime | None:
        which = E.c.customer_id == customer_id if customer_id is not None else E.c.lead_id == lead_id
        stmt = select(func.max(E.c.at)).where(
            E.c.rep_id == rep_id, E.c.kind.in_([EventKind.RECLAIM.value, EventKind.RELEASE.value]), which)
        found: datetime | None = (await self.session.execute(stmt)).scalar_one()
        return found

    async def owner_now(self, customer_id: int | None = None, lead_id: int | None = None) -> int | None:
        """The owner as committed now, the row locked until the commit (PostgreSQL FOR UPDATE; SQLite has one
        writer): of two reps claiming one customer at once, the second sees the first's claim."""
        await before_write(self.session)
        table = C if customer_id is not None else L
        stmt = select(table.c.owner_id).where(table.c.id == (customer_id if customer_id is not None else lead_id))
        found: int | None = (await self.session.execute(stmt.with_for_update())).scalar_one_or_none()
        return found

    async def open_deals(self, customer_id: int, owner_id: int, limit: int = 5) -> tuple[int, list[int]]:
        """How many open deals on the customer `owner_id` owns, and the first `limit` of their ids."""
        where = (D.c.customer_id == customer_id, D.c.owner_id == owner_id, D.c.stage.in_(OPEN))
        count = int((await self.session.execute(select(func.count()).select_from(D).where(*where))).scalar_one())
        ids = (await self.session.execute(select(D.c.id).where(*where).order_by(D.c.id).limit(limit))).scalars()
        return count, [int(i) for i in ids]

    async def released_by(self, lead_id: int) -> int | None:
        stmt = (select(E.c.rep_id).where(E.c.lead_id == lead_id, E.c.kind.in_(
            [EventKind.RECLAIM.value, EventKind.RELEASE.value])).order_by(E.c.at.desc(), E.c.id.desc()).limit(1))
        found: int | None = (await self.session.execute(stmt)).scalar_one_or_none()
        return found

    async def other_leads(self, customer_id: int, owner_id: int, except_lead: int) -> int:
        stmt = select(func.count()).select_from(L).where(
            L.c.customer_id == customer_id, L.c.owner_id == owner_id, L.c.id != except_lead,
            L.c.status == LeadStatus.ASSIGNED.value)
        return int((await self.session.execute(stmt)).scalar_one())

    async def listing(self, where: PoolFilter, offset: int, limit: int) -> tuple[int, Sequence[PoolEntry]]:
        customers, leads = _pool_customers(where), _pool_leads(where)
        n_customers = int((await self.session.execute(
            select(func.count()).select_from(customers.subquery()))).scalar_one())
        n_leads = int((await self.session.execute(select(func.count()).select_from(leads.subquery()))).scalar_one())
        entries: list[PoolEntry] = []
        if offset < n_customers:
            last = select(func.max(F.c.at)).where(F.c.customer_id == C.c.id).scalar_subquery().label("last")
            page = customers.add_columns(last).order_by(C.c.id).offset(offset).limit(limit)
            entries += [PoolEntry(f"C{r.id}", r.name, r.region, r.industry, r.pool_team_id, r.last,
                                  bool(r.protected), tuple(r.tags or ()))
                        for r in await self.session.execute(page)]
        if len(entries) < limit and n_leads:
            start = max(0, offset - n_customers)
            last = select(func.max(F.c.at)).where(F.c.lead_id == L.c.id).scalar_subquery().label("last")
            page = leads.add_columns(last).order_by(L.c.id).offset(start).limit(limit - len(entries))
            entries += [PoolEntry(f"L{r.id}", r.name, r.region, r.industry, r.team_id, r.last,
                                  created_at=r.created_at) for r in await self.session.execute(page)]
        return n_customers + n_leads, entries

    async def held_page(self, after_id: int, limit: int) -> HeldPage:
        page = (select(C.c.id, C.c.owner_id, func.coalesce(C.c.claimed_at, C.c.created_at).label("since"),
                       C.c.protected, C.c.tags)
                .where(C.c.owner_id.is_not(None), C.c.id > after_id).order_by(C.c.id).limit(limit))
        rows = (await self.session.execute(page)).all()
        if not rows:
            return HeldPage((), {}, 0)
        ids = [r.id for r in rows]
        followed, deals, signed = await self._facts(ids)
        holdings, tags = [], {}
        for r in rows:
            if r.since is None:
                continue
            n_open, last_closed, last_won, n_owners = deals.get(r.id, (0, None, None, 0))
            holdings.append(Holding(
                r.id, r.owner_id, r.since, last_followup=followed.get(r.id), last_open_deal=last_closed,
                has_open_deal=n_open > 0, won_since_claim=last_won is not None and last_won >= r.since,
                protected=bool(r.protected) or r.id in signed, owner_open_deals=n_owners))
            tags[r.id] = list(r.tags or [])
        return HeldPage(holdings, tags, ids[-1])

    async def _facts(self, ids: list[int]) -> tuple[dict[int, datetime], dict[int, tuple[int, Any, Any, int]],
                                                    set[int]]:
        """Per customer of `ids`: last follow-up; (open deals, last close, last win, open deals its owner owns);
        those with a signed contract."""
        followed = {r[0]: r[1] for r in await self.session.execute(
            select(F.c.customer_id, func.max(F.c.at)).where(F.c.customer_id.in_(ids)).group_by(F.c.customer_id))}
        is_open = D.c.stage.in_(OPEN)
        deal_rows = await self.session.execute(
            select(D.c.customer_id, func.sum(case((is_open, 1), else_=0)),
                   func.max(case((is_open, None), else_=D.c.closed_at)),
                   func.max(case((D.c.stage == Stage.WON.value, D.c.closed_at), else_=None)),
                   func.sum(case((and_(is_open, D.c.owner_id == C.c.owner_id), 1), else_=0)))
            .select_from(D.join(C, C.c.id == D.c.customer_id))
            .where(D.c.customer_id.in_(ids)).group_by(D.c.customer_id))
        deals = {r[0]: (int(r[1] or 0), r[2], r[3], int(r[4] or 0)) for r in deal_rows}
        signed = set((await self.session.execute(
            select(D.c.customer_id).distinct().select_from(K.join(D, K.c.opportunity_id == D.c.id))
            .where(D.c.customer_id.in_(ids), K.c.signed_on.is_not(None), counts_as_signed(K)))).scalars())
        return followed, deals, signed

    async def held_leads_page(self, after_id: int, limit: int) -> HeldPage:
        page = (select(L.c.id, L.c.owner_id, L.c.created_at).where(
            L.c.owner_id.is_not(None), L.c.status == LeadStatus.ASSIGNED.value, L.c.id > after_id)
            .order_by(L.c.id).limit(limit))
        rows = (await self.session.execute(page)).all()
        if not rows:
            return HeldPage((), {}, 0, leads=True)
        ids = [r.id for r in rows]
        followed = {r[0]: r[1] for r in await self.session.execute(
            select(F.c.lead_id, func.max(F.c.at)).where(F.c.lead_id.in_(ids)).group_by(F.c.lead_id))}
        claimed = {r[0]: r[1] for r in await self.session.execute(
            select(E.c.lead_id, func.max(E.c.at)).where(E.c.lead_id.in_(ids), E.c.kind == EventKind.CLAIM.value)
            .group_by(E.c.lead_id))}
        holdings = []
        for r in rows:
            since = max((t for t in (r.created_at, claimed.get(r.id)) if t is not None), default=None)
            if since is not None:
                holdings.append(Holding(r.id, r.owner_id, since, last_followup=followed.get(r.id)))
        return HeldPage(holdings, {}, ids[-1], leads=True)

    async def last_event(self, customer_id: int) -> PoolEvent | None:
        found = await self._all(select(E).where(E.c.customer_id == customer_id)
                                .order_by(E.c.at.desc(), E.c.id.desc()).limit(1))
        return found[0] if found else None

    async def last_warnings(self, ids: Iterable[int], leads: bool = False) -> dict[int, PoolEvent]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        column = E.c.lead_id if leads else E.c.customer_id
        stmt = (select(E).where(column.in_(wanted), E.c.kind == EventKind.WARN.value)
                .order_by(column, E.c.at, E.c.id))
        found = {(e.lead_id if leads else e.customer_id): e for e in await self._all(stmt)}
        return {k: e for k, e in found.items() if k is not None}

    async def add_many(self, events: Sequence[PoolEvent]) -> list[int]:
        if not events:
            return []
        values = [{"kind": e.kind.value, "at": e.at, "rep_id": e.rep_id, "customer_id": e.customer_id,
                   "lead_id": e.lead_id, "by": e.by, "team_id": e.team_id, "reason": e.reason, "due_at": e.due_at}
                  for e in events]
        stmt = insert(PoolEventRow).returning(PoolEventRow.id, sort_by_parameter_order=True)
        rows = await self.session.execute(stmt, values)
        return [int(r[0]) for r in rows]

    async def noticed_reps(self, kind: EventKind, since: datetime, until: datetime) -> list[int]:
        stmt = (select(E.c.rep_id).distinct().where(E.c.kind == kind.value, E.c.at > since, E.c.at <= until,
                                                    E.c.rep_id.is_not(None)).order_by(E.c.rep_id))
        return [int(r) for r in (await self.session.execute(stmt)).scalars()]

    async def notice_lines(self, rep_id: int, kind: EventKind, since: datetime, until: datetime,
                           limit: int) -> tuple[int, Sequence[NoticeLine]]:
        where = [E.c.rep_id == rep_id, E.c.kind == kind.value, E.c.at > since, E.c.at <= until]
        count = int((await self.session.execute(select(func.count()).select_from(E).where(*where))).scalar_one())
        customers = await self.session.execute(
            select(E.c.customer_id, C.c.name, E.c.reason, E.c.due_at, E.c.at)
            .select_from(E.join(C, C.c.id == E.c.customer_id)).where(*where).order_by(E.c.id).limit(limit))
        lines = [NoticeLine(f"C{r[0]}", str(r[1]), str(r[2]), r[3], r[4]) for r in customers]
        if len(lines) < limit:
            leads = await self.session.execute(
                select(E.c.lead_id, C.c.name, L.c.title, E.c.reason, E.c.due_at, E.c.at)
                .select_from(E.join(L, L.c.id == E.c.lead_id).join(C, C.c.id == L.c.customer_id))
                .where(*where).order_by(E.c.id).limit(limit - len(lines)))
            lines += [NoticeLine(f"L{r[0]}", " ".join(str(t) for t in (r[1], r[2]) if t), str(r[3]), r[4], r[5])
                      for r in leads]
        return count, lines

    async def reclaimed(self, team_ids: Iterable[int] | None, since: datetime, until: datetime,
                        limit: int, leads: bool = False) -> tuple[int, Sequence[tuple[int, str, int | None]]]:
        which = E.c.lead_id if leads else E.c.customer_id
        where: list[ColumnElement[bool]] = [E.c.kind == EventKind.RECLAIM.value, E.c.at > since, E.c.at <= until,
                                            which.is_not(None)]
        if team_ids is not None:
            where.append(E.c.team_id.in_(sorted(set(team_ids))))
        count = int((await self.session.execute(select(func.count()).select_from(E).where(*where))).scalar_one())
        joined = (E.join(L, L.c.id == E.c.lead_id).join(C, C.c.id == L.c.customer_id) if leads
                  else E.join(C, C.c.id == E.c.customer_id))
        rows = await self.session.execute(select(which, C.c.name, E.c.rep_id).select_from(joined)
                                          .where(*where).order_by(E.c.at, E.c.id).limit(limit))
        return count, [(int(r[0]), str(r[1]), r[2]) for r in rows]


def _in_pools(column: Any, team_ids: frozenset[int] | None) -> ColumnElement[bool]:
    """A team's pool or the company's (NULL); every pool when `team_ids` is None."""
    if team_ids is None:
        return true()
    return or_(column.is_(None), column.in_(sorted(team_ids))) if team_ids else column.is_(None)


def _pool_customers(where: PoolFilter) -> Select[Any]:
    conditions = [C.c.owner_id.is_(None), _in_pools(C.c.pool_team_id, where.team_ids)]
    if where.region:
        conditions.append(C.c.region == where.region)
    if where.industry:
        conditions.append(C.c.industry == where.industry)
    if where.idle_since is not None:
        conditions.append(~exists().where(F.c.customer_id == C.c.id, F.c.at >= where.idle_since))
    return select(C.c.id, C.c.name, C.c.region, C.c.industry, C.c.pool_team_id, C.c.protected,
                  C.c.tags).where(*conditions)


def _pool_leads(where: PoolFilter) -> Select[Any]:
    conditions = [L.c.owner_id.is_(None), L.c.status == NEW_LEAD, _in_pools(L.c.team_id, where.team_ids)]
    if where.region:
        conditions.append(L.c.region == where.region)
    if where.industry:
        conditions.append(L.c.industry == where.industry)
    if where.idle_since is not None:
        conditions.append(and_(L.c.created_at.is_not(None), L.c.created_at < where.idle_since))
    return (select(L.c.id, C.c.name, L.c.region, L.c.industry, L.c.team_id, L.c.created_at)
            .select_from(L.join(C, C.c.id == L.c.customer_id)).where(*conditions))
