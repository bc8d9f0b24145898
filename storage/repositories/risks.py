"""Risk candidates in SQL (domain.risk_ports.RiskScanner): a full scan walks a few keyset scans one page
at a time (ScanCursor), each page in its own unit of work, so memory stays flat however many deals there
are and no transaction lasts the whole scan.

The scans, in order, and what they walk:
- open deals: every open deal by id (the primary key); per page, the stage changes and the quotes of its
  id range (ix_stage_changes_opportunity_id, uq quotes opportunity_id, version). The stalled, close-date,
  next-step and quote rules read nothing else, so each open deal is read and judged once, however many
  rules it breaks.
- won without contract: closed_at in [lookback, today - N), no contract — ix_opportunities_closed_at_stage.
- payments: current plan milestones not paid, due_on in [lookback, today + N] — ix_payment_milestones_due_on.
- invoices: issued, issued_on in [lookback, today - terms), walked by id.
- delivery (issue #15): overdue tasks and slipping milestones, storage.repositories.delivery_risks.
- leads: new / assigned (ix_leads_status), created before the cut, no follow-up with the customer since
  (ix_followups_customer_id_at).
`facts` (delivery, and the incremental scans between full ones) reads given subjects with padded IN lists.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, true
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.billing import InvoiceStatus, MilestoneStatus, PaymentMilestone
from domain.lead import LeadStatus
from domain.money import Money
from domain.opportunity import OPEN_STAGES, Stage
from domain.risk_ports import ScanCursor
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
from storage.repositories.approvals import counts_as_signed
from storage.repositories.base import table_of
from storage.repositories.delivery_risks import DELIVERY_SCANS, delivery_facts

DEALS, CHANGES, CONTRACTS = table_of(OpportunityRow), table_of(StageChangeRow), table_of(ContractRow)
QUOTES, LEADS, FOLLOWUPS = table_of(QuoteRow), table_of(LeadRow), table_of(FollowUpRow)
PLANS, PAYMENTS, INVOICES = table_of(PaymentMilestoneRow), table_of(PaymentRow), table_of(InvoiceRow)
DEAL_COLUMNS = (DEALS.c.id, DEALS.c.name, DEALS.c.owner_id, DEALS.c.team_id, DEALS.c.stage, DEALS.c.created_at,
                DEALS.c.expected_close, DEALS.c.next_at, DEALS.c.next_step, DEALS.c.closed_at)
OPEN = [s.value for s in OPEN_STAGES]
STAGE_OF = {s.value: s for s in Stage}
COUNTED_INVOICES = [InvoiceStatus.ISSUED.value, InvoiceStatus.REVERSED.value, InvoiceStatus.RED.value]
Make = Callable[[Sequence[Row[Any]]], Awaitable[list[Facts]]]
Scan = tuple[Select[Any], list[Any], Make]

def _after(columns: Sequence[ColumnElement[Any]], last: Sequence[Any] | None) -> ColumnElement[bool]:
    """Keyset condition: rows after `last` in the order of `columns` (the last column is unique). The
    leading `>=` is what both engines use as the index range: without it each page walked the index from
    the start of the scan's range (the OR alone is only a filter), so a scan cost pages² / 2."""
    if last is None:
        return true()
    first: ColumnElement[bool] = columns[0] > last[0]
    if len(columns) == 1:
        return first
    return and_(columns[0] >= last[0], or_(first, and_(columns[0] == last[0], columns[1] > last[1])))


async def page(session: AsyncSession, base: Select[Any], order: Sequence[ColumnElement[Any]],
               last: Sequence[Any] | None, batch: int) -> tuple[Sequence[Row[Any]], tuple[Any, ...] | None]:
    """The next `batch` rows of `base` after `last` in the order of `order` (keyset), and the key of the
    last row when there may be more (None: this was the last page)."""
    rows = (await session.execute(base.where(_after(order, last)).order_by(*order).limit(batch))).all()
    if len(rows) < batch:
        return rows, None
    return rows, tuple(rows[-1]._mapping[c] for c in order)


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


def _deal_facts(row: Any, entered: Any, signed: bool, quotes: list[tuple[int, Money]]) -> DealFacts:
    """A row that starts with DEAL_COLUMNS (read by position: a full scan turns every open deal into facts)."""
    latest = quotes[-2:]
    deal_id, name, owner, team, stage, created, close, next_at, next_step, closed = row[:10]
    return DealFacts(DealRef(deal_id, name, owner, team, STAGE_OF[stage]), created, entered, close, next_at,
                     next_step, closed, signed, tuple(m for _, m in latest), latest[-1][0] if latest else 0)


class SqlAlchemyRiskScanner:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def candidates(self, day: RiskDay, settings: RiskSettings, cursor: ScanCursor,
                         batch: int = 2000) -> tuple[Sequence[Facts], ScanCursor | None]:
        scans = (self._open_scan, self._won_scan, self._milestone_scan, self._invoice_scan, self._lead_scan,
                 *DELIVERY_SCANS)
        base, order, make = scans[cursor.scan](day, settings)  # only the scan walked: built once per page
        rows, last = await page(self.session, base, order, cursor.last, batch)
        facts = await make(rows)
        if last is not None:
            return facts, ScanCursor(cursor.scan, last)
        return facts, ScanCursor(cursor.scan + 1) if cursor.scan + 1 < len(scans) else None

    # Each candidate scan, in the order they are walked: (query, keyset order, rows -> facts).

    def _open_scan(self, day: RiskDay, s: RiskSettings) -> Scan:
        """Every open deal: the rules on open deals (stalled, close date, next step, quote) read nothing else
        but when it entered its stage and its quotes, read per page by id range. Walked on the primary key
        (both engines plan it so: a page reads about twice its size in rows, half of the deals being open)."""
        return select(*DEAL_COLUMNS).where(DEALS.c.stage.in_(OPEN)), [DEALS.c.id], self._open_deals

    def _won_scan(self, day: RiskDay, s: RiskSettings) -> Scan:
        won = select(*DEAL_COLUMNS).where(
            DEALS.c.closed_at >= day.start_of(day.today - timedelta(days=s.lookback_days)),
            DEALS.c.closed_at < day.before(s.contract_days), DEALS.c.stage == Stage.WON,
            ~exists().where(CONTRACTS.c.opportunity_id == DEALS.c.id, counts_as_signed(CONTRACTS)))
        return won, [DEALS.c.closed_at, DEALS.c.id], self._won_deals

    def _milestone_scan(self, day: RiskDay, s: RiskSettings) -> Scan:
        milestones = self._milestone_query().where(
            PLANS.c.due_on >= day.today - timedelta(days=s.lookback_days),
            PLANS.c.due_on <= day.today + timedelta(days=s.payment_soon_days))
        return milestones, [PLANS.c.due_on, PLANS.c.id], self._rows_as(self._milestone)

    def _invoice_scan(self, day: RiskDay, s: RiskSettings) -> Scan:
        invoices = self._invoice_query().where(
            INVOICES.c.status == InvoiceStatus.ISSUED.value,
            INVOICES.c.issued_on >= day.today - timedelta(days=s.lookback_days),
            INVOICES.c.issued_on < day.today - timedelta(days=s.invoice_terms_days))
        return invoices, [INVOICES.c.id], self._rows_as(self._invoice)

    def _lead_scan(self, day: RiskDay, s: RiskSettings) -> Scan:
        cut = day.before(s.lead_days)
        leads = self._lead_query().where(
            LEADS.c.status.in_([LeadStatus.NEW.value, LeadStatus.ASSIGNED.value]), LEADS.c.created_at < cut,
            ~exists().where(FOLLOWUPS.c.customer_id == LEADS.c.customer_id, FOLLOWUPS.c.at >= cut))
        return leads, [LEADS.c.id], self._rows_as(self._lead)

    async def _open_deals(self, rows: Sequence[Row[Any]]) -> list[Facts]:
        """A page of open deals as facts: two range reads (stage changes, quotes) over the page's ids, not a
        correlated lookup per deal (PostgreSQL runs those one by one: ~40 µs each, 20 s at 1M deals)."""
        if not rows:
            return []
        first, last = rows[0].id, rows[-1].id
        entered = {deal: at for deal, at in await self.session.execute(
            select(CHANGES.c.opportunity_id, func.max(CHANGES.c.at))
            .where(CHANGES.c.opportunity_id.between(first, last)).group_by(CHANGES.c.opportunity_id))}
        quotes = await self._quotes(QUOTES.c.opportunity_id.between(first, last))
        return [_deal_facts(row, entered.get(row.id), False, quotes.get(row.id, [])) for row in rows]

    @staticmethod
    async def _won_deals(rows: Sequence[Row[Any]]) -> list[Facts]:
        """Won deals without a contract (the query says so): the contract rule reads nothing else."""
        return [_deal_facts(row, None, False, []) for row in rows]

    @staticmethod
    def _rows_as(make: Callable[[Any], Facts]) -> Make:
        async def facts(rows: Sequence[Row[Any]]) -> list[Facts]:
            return [make(row) for row in rows]
        return facts

    async def _quotes(self, *where: ColumnElement[bool]) -> dict[int, list[tuple[int, Money]]]:
        """Quotes (version, amount) per deal, oldest version first."""
        stmt = (select(QUOTES.c.opportunity_id, QUOTES.c.version, QUOTES.c.amount, QUOTES.c.amount_currency)
                .where(*where)
                .order_by(QUOTES.c.opportunity_id, QUOTES.c.version))
        quotes: dict[int, list[tuple[int, Money]]] = {}
        for q in await self.session.execute(stmt):
            quotes.setdefault(q.opportunity_id, []).append((q.version, Money(q.amount, q.amount_currency)))
        return quotes

    async def _deals(self, ids: Iterable[int]) -> list[Facts]:
        """Deal facts for these (few) deals: the deal with its latest stage change and whether it has a
        contract in one statement, then its quotes."""
        wanted = padded(ids)
        if not wanted:
            return []
        entered = select(func.max(CHANGES.c.at)).where(CHANGES.c.opportunity_id == DEALS.c.id).scalar_subquery()
        signed = exists().where(CONTRACTS.c.opportunity_id == DEALS.c.id, counts_as_signed(CONTRACTS))
        rows = (await self.session.execute(select(*DEAL_COLUMNS, entered.label("entered"), signed.label("signed"))
                                           .where(DEALS.c.id.in_(wanted)))).all()
        quotes = await self._quotes(QUOTES.c.opportunity_id.in_(wanted))
        return [_deal_facts(row, row.entered, bool(row.signed), quotes.get(row.id, [])) for row in rows]

    def _milestone_query(self) -> Select[Any]:
        return (select(PLANS, *DEAL_COLUMNS[:5]).join(DEALS, DEALS.c.id == PLANS.c.opportunity_id)
                .where(PLANS.c.replaced_at.is_(None), PLANS.c.status != MilestoneStatus.PAID.value))

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
        return [*found, *await delivery_facts(self.session, by_kind, padded)]
