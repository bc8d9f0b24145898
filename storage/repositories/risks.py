"""Risk candidates in SQL (domain.risk_ports.RiskScanner): each rule's scan finds only the subjects that
may break it today, walked in keyset batches, so memory stays flat however many deals there are.

Scans and the indexes they walk:
- next step overdue: per open stage, next_at in [lookback, today) — ix_opportunities_stage_next_at_created_at.
- won without contract: closed_at in [lookback, today - N) — ix_opportunities_closed_at_stage.
- stalled: per open stage, created before the stage's cut and no stage change since (stage_changes by deal)
  — the stage prefix of ix_opportunities_stage_next_at_created_at, walked by id.
- close date passed: open deals with expected_close in [lookback, today), walked by id (no index on
  expected_close: the walk reads every open deal once, in batches).
- quote dropped: quotes (by id) whose version is the deal's latest and lower than the version before
  (uq quotes opportunity_id, version).
- payments: current plan milestones not paid, due_on in [lookback, today + N] — ix_payment_milestones_due_on.
- invoices: issued, issued_on in [lookback, today - terms), walked by id.
- leads: new / assigned (ix_leads_status), created before the cut, no follow-up with the customer since
  (ix_followups_customer_id).
A batch of deals is then completed with three indexed queries (latest stage change, contract, quotes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, true
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.billing import InvoiceStatus, MilestoneStatus, PaymentMilestone
from domain.lead import LeadStatus
from domain.money import Money
from domain.opportunity import OPEN_STAGES, Stage
from domain.risks import DealFacts, DealRef, Facts, InvoiceFacts, LeadFacts, MilestoneFacts, RiskDay, RiskSettings
from storage.models import (
    ContractRow,
    FollowUpRow,
    InvoiceRow,
    LeadRow,
    OpportunityRow,
    PaymentMilestoneRow,
    PaymentRow,
    QuoteRow,
    StageChangeRow,
)
from storage.repositories.base import table_of

DEALS, CHANGES, CONTRACTS = table_of(OpportunityRow), table_of(StageChangeRow), table_of(ContractRow)
QUOTES, LEADS, FOLLOWUPS = table_of(QuoteRow), table_of(LeadRow), table_of(FollowUpRow)
PLANS, PAYMENTS, INVOICES = table_of(PaymentMilestoneRow), table_of(PaymentRow), table_of(InvoiceRow)
DEAL_COLUMNS = (DEALS.c.id, DEALS.c.name, DEALS.c.owner_id, DEALS.c.team_id, DEALS.c.stage, DEALS.c.created_at,
                DEALS.c.expected_close, DEALS.c.next_at, DEALS.c.next_step, DEALS.c.closed_at)
OPEN = [s.value for s in OPEN_STAGES]
COUNTED_INVOICES = [InvoiceStatus.ISSUED.value, InvoiceStatus.REVERSED.value, InvoiceStatus.RED.value]

def _after(columns: Sequence[ColumnElement[Any]], last: Sequence[Any] | None) -> ColumnElement[bool]:
    """Keyset condition: rows after `last` in the order of `columns` (the last column is unique)."""
    if last is None:
        return true()
    first: ColumnElement[bool] = columns[0] > last[0]
    if len(columns) == 1:
        return first
    return or_(first, and_(columns[0] == last[0], columns[1] > last[1]))


async def walk(session: AsyncSession, base: Select[Any], order: Sequence[ColumnElement[Any]],
               batch: int) -> AsyncIterator[Sequence[Row[Any]]]:
    """Every row of `base` in batches of `batch`, by `order` (keyset); one bounded statement per batch."""
    last: Sequence[Any] | None = None
    while True:
        rows = (await session.execute(base.where(_after(order, last)).order_by(*order).limit(batch))).all()
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = [rows[-1]._mapping[c] for c in order]


def padded(ids: Iterable[int]) -> list[int]:
    """The ids, sorted, padded (the last one repeated) to a power of two: an IN list then has one of a few
    lengths, so the statements stay few (PostgreSQL prepares each length once; the caches stay small)."""
    found = sorted(set(ids))
    if not found:
        return found
    size = 8
    while size < len(found):
        size *= 2
    return found + [found[-1]] * (size - len(found))


def _ref(row: Any) -> DealRef:
    m = row._mapping
    return DealRef(m[DEALS.c.id], m[DEALS.c.name], m[DEALS.c.owner_id], m[DEALS.c.team_id], Stage(m[DEALS.c.stage]))


class SqlAlchemyRiskScanner:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def candidates(self, day: RiskDay, settings: RiskSettings,
                         batch: int = 500) -> AsyncIterator[Sequence[Facts]]:
        since = day.today - timedelta(days=settings.lookback_days)
        for name, base, order in self._deal_scans(day, settings, since):
            async for rows in walk(self.session, base, order, batch):
                ids = [row.opportunity_id if name == "quotes" else row.id for row in rows]
                yield await self._deals(ids)
        async for facts in self._milestones(day, settings, since, batch):
            yield facts
        async for invoices in self._invoices(day, settings, since, batch):
            yield invoices
        async for leads in self._leads(day, settings, batch):
            yield leads

    def _deal_scans(self, day: RiskDay, s: RiskSettings, since: date) -> list[tuple[str, Select[Any], list[Any]]]:
        today, back = day.start_of(day.today), day.start_of(since)
        by_next = [DEALS.c.next_at, DEALS.c.id]
        scans: list[tuple[str, Select[Any], list[Any]]] = [
            ("next", select(DEALS.c.id, DEALS.c.next_at).where(
                DEALS.c.stage == stage, DEALS.c.next_at < today, DEALS.c.next_at >= back), by_next)
            for stage in OPEN]
        scans.append(("won", select(DEALS.c.id, DEALS.c.closed_at).where(
            DEALS.c.closed_at >= back, DEALS.c.closed_at < day.before(s.contract_days), DEALS.c.stage == Stage.WON,
            ~exists().where(CONTRACTS.c.opportunity_id == DEALS.c.id)), [DEALS.c.closed_at, DEALS.c.id]))
        for stage, limit in s.stage_days.items():
            cut = day.before(limit + 1)
            scans.append(("stalled", select(DEALS.c.id).where(
                DEALS.c.stage == stage.value, DEALS.c.created_at < cut,
                ~exists().where(CHANGES.c.opportunity_id == DEALS.c.id, CHANGES.c.at >= cut)), [DEALS.c.id]))
        scans.append(("close", select(DEALS.c.id).where(
            DEALS.c.stage.in_(OPEN), DEALS.c.expected_close < today, DEALS.c.expected_close >= back), [DEALS.c.id]))
        scans.append(("quotes", self._dropped_quotes(), [QUOTES.c.id]))
        return scans

    @staticmethod
    def _dropped_quotes() -> Select[Any]:
        previous, newer = QUOTES.alias("previous"), QUOTES.alias("newer")
        return (select(QUOTES.c.id, QUOTES.c.opportunity_id)
                .join(previous, and_(previous.c.opportunity_id == QUOTES.c.opportunity_id,
                                     previous.c.version == QUOTES.c.version - 1))
                .join(DEALS, DEALS.c.id == QUOTES.c.opportunity_id)
                .where(QUOTES.c.amount < previous.c.amount,
                       QUOTES.c.amount_currency == previous.c.amount_currency, DEALS.c.stage.in_(OPEN),
                       ~exists().where(newer.c.opportunity_id == QUOTES.c.opportunity_id,
                                       newer.c.version > QUOTES.c.version)))

    async def _deals(self, ids: Iterable[int]) -> list[Facts]:
        """Deal facts for these deals: the deal, its latest stage change, contract and two latest quotes."""
        wanted = padded(ids)
        if not wanted:
            return []
        rows = (await self.session.execute(select(*DEAL_COLUMNS).where(DEALS.c.id.in_(wanted)))).all()
        entered = {deal: at for deal, at in await self.session.execute(
            select(CHANGES.c.opportunity_id, func.max(CHANGES.c.at)).where(CHANGES.c.opportunity_id.in_(wanted))
            .group_by(CHANGES.c.opportunity_id))}
        signed = set((await self.session.execute(select(CONTRACTS.c.opportunity_id).where(
            CONTRACTS.c.opportunity_id.in_(wanted)).distinct())).scalars())
        quotes: dict[int, list[tuple[int, Money]]] = {}
        for q in await self.session.execute(select(QUOTES.c.opportunity_id, QUOTES.c.version, QUOTES.c.amount,
                                                   QUOTES.c.amount_currency).where(QUOTES.c.opportunity_id.in_(
                                                       wanted)).order_by(QUOTES.c.opportunity_id, QUOTES.c.version)):
            quotes.setdefault(q.opportunity_id, []).append((q.version, Money(q.amount, q.amount_currency)))
        found: list[Facts] = []
        for row in rows:
            latest = quotes.get(row.id, [])[-2:]
            found.append(DealFacts(_ref(row), row.created_at, entered.get(row.id), row.expected_close, row.next_at,
                                   row.next_step, row.closed_at, row.id in signed, tuple(m for _, m in latest),
                                   latest[-1][0] if latest else 0))
        return found

    def _milestone_query(self) -> Select[Any]:
        return (select(PLANS, *DEAL_COLUMNS[:5]).join(DEALS, DEALS.c.id == PLANS.c.opportunity_id)
                .where(PLANS.c.replaced_at.is_(None), PLANS.c.status != MilestoneStatus.PAID.value))

    async def _milestones(self, day: RiskDay, s: RiskSettings, since: date,
                          batch: int) -> AsyncIterator[Sequence[Facts]]:
        until = day.today + timedelta(days=s.payment_soon_days)
        order = [PLANS.c.due_on, PLANS.c.id]
        base = self._milestone_query().where(PLANS.c.due_on >= since, PLANS.c.due_on <= until)
        async for rows in walk(self.session, base, order, batch):
            yield [self._milestone(row) for row in rows]

    @staticmethod
    def _milestone(row: Any) -> MilestoneFacts:
        m = row._mapping
        paid = Money(m[PLANS.c.paid], m[PLANS.c.paid_currency] or m[PLANS.c.amount_currency]) \
            if m[PLANS.c.paid] is not None else None
        milestone = PaymentMilestone(m[PLANS.c.opportunity_id], m[PLANS.c.seq],
                                     Money(m[PLANS.c.amount], m[PLANS.c.amount_currency]), m[PLANS.c.due_on],
                                     m[PLANS.c.percent], m[PLANS.c.note], paid, MilestoneStatus(m[PLANS.c.status]),
                                     m[PLANS.c.id], m[PLANS.c.plan], m[PLANS.c.replaced_at])
        return MilestoneFacts(milestone, _ref(row))

    def _invoice_query(self) -> Select[Any]:
        other = INVOICES.alias("other")
        received = (select(func.coalesce(func.sum(PAYMENTS.c.amount), 0))
                    .where(PAYMENTS.c.opportunity_id == INVOICES.c.opportunity_id,
                           PAYMENTS.c.amount_currency == INVOICES.c.amount_currency).scalar_subquery())
        through = (select(func.coalesce(func.sum(other.c.amount), 0)).where(
            other.c.opportunity_id == INVOICES.c.opportunity_id, other.c.amount_currency == INVOICES.c.amount_currency,
            other.c.status.in_(COUNTED_INVOICES),
            or_(other.c.issued_on < INVOICES.c.issued_on,
                and_(other.c.issued_on == INVOICES.c.issued_on, other.c.id <= INVOICES.c.id))).scalar_subquery())
        return (select(INVOICES.c.id, INVOICES.c.amount, INVOICES.c.amount_currency,
                       INVOICES.c.status, INVOICES.c.issued_on, received.label("received"),
                       through.label("through"), *DEAL_COLUMNS[:5])
                .join(DEALS, DEALS.c.id == INVOICES.c.opportunity_id))

    async def _invoices(self, day: RiskDay, s: RiskSettings, since: date,
                        batch: int) -> AsyncIterator[Sequence[Facts]]:
        base = self._invoice_query().where(INVOICES.c.status == InvoiceStatus.ISSUED.value,
                                           INVOICES.c.issued_on >= since,
                                           INVOICES.c.issued_on < day.today - timedelta(days=s.invoice_terms_days))
        async for rows in walk(self.session, base, [INVOICES.c.id], batch):
            yield [self._invoice(row) for row in rows]

    @staticmethod
    def _invoice(row: Any) -> InvoiceFacts:
        m = row._mapping
        currency = m[INVOICES.c.amount_currency]
        return InvoiceFacts(m[INVOICES.c.id], _ref(row), Money(m[INVOICES.c.amount], currency),
                            InvoiceStatus(m[INVOICES.c.status]), m[INVOICES.c.issued_on],
                            Money(m["through"], currency), Money(m["received"], currency))

    def _lead_query(self) -> Select[Any]:
        last = select(func.max(FOLLOWUPS.c.at)).where(FOLLOWUPS.c.customer_id == LEADS.c.customer_id)
        return select(LEADS.c.id, LEADS.c.title, LEADS.c.owner_id, LEADS.c.team_id, LEADS.c.status,
                      LEADS.c.created_at, last.scalar_subquery().label("last_followup"))

    async def _leads(self, day: RiskDay, s: RiskSettings, batch: int) -> AsyncIterator[Sequence[Facts]]:
        cut = day.before(s.lead_days)
        base = self._lead_query().where(
            LEADS.c.status.in_([LeadStatus.NEW.value, LeadStatus.ASSIGNED.value]), LEADS.c.created_at < cut,
            ~exists().where(FOLLOWUPS.c.customer_id == LEADS.c.customer_id, FOLLOWUPS.c.at >= cut))
        async for rows in walk(self.session, base, [LEADS.c.id], batch):
            yield [self._lead(row) for row in rows]

    @staticmethod
    def _lead(row: Any) -> LeadFacts:
        return LeadFacts(row.id, row.title, row.owner_id, row.team_id, LeadStatus(row.status), row.created_at,
                         row.last_followup)

    async def deals_of_quotes(self, quote_ids: Iterable[int]) -> Sequence[int]:
        if not (ids := padded(quote_ids)):
            return []
        stmt = select(QUOTES.c.opportunity_id).where(QUOTES.c.id.in_(ids)).distinct()
        return list((await self.session.execute(stmt)).scalars())

    async def facts(self, subjects: Iterable[tuple[str, int]]) -> Sequence[Facts]:
        by_kind: dict[str, list[int]] = {}
        for kind, subject_id in subjects:
            by_kind.setdefault(kind, []).append(subject_id)
        found = await self._deals(by_kind.get("deal", []))
        queries = (("milestone", self._milestone_query(), PLANS.c.id, self._milestone),
                   ("invoice", self._invoice_query(), INVOICES.c.id, self._invoice),
                   ("lead", self._lead_query(), LEADS.c.id, self._lead))
        for kind, query, key, make in queries:
            if ids := padded(by_kind.get(kind, [])):
                rows = (await self.session.execute(query.where(key.in_(ids)))).all()
                found.extend(make(row) for row in rows)
        return found
