"""What a rep did on one local day and what is due: the lines of a daily report, its plan, a morning list.

Every read is bounded: the rep's follow-ups of the day (followups.by_rep), the rep's audit entries of the
day (audit.by_actor: stage moves, new deals and leads, quotes, contracts, payments), then the records
they name by id (`many`); what is due comes from the rep's open reminders and own open deals' next steps,
most urgent first, cut at FETCH.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.activity import FollowUp, ReminderKind
from domain.audit import AuditEntry
from domain.billing import Contract, Payment
from domain.customer import Customer
from domain.daily_report import AgendaItem, day_bounds
from domain.daily_text import (
    agenda_line,
    contract_line,
    deal_item,
    followup_line,
    new_deal_line,
    payment_line,
    quote_line,
    stage_line,
    t,
)
from domain.opportunity import Opportunity, Stage
from domain.people import Rep
from domain.ports import UnitOfWork
from domain.quote import Quote
from domain.visit import VisitRepository, count_line

MAX_LINES = 30  # of today's work in one report; the rest is counted
FETCH = 100  # rows read per source (follow-ups, audit entries, reminders, deals)
MONEY = ("quote", "payment", "contract")


@dataclass(frozen=True, slots=True)
class Agenda:
    items: list[AgendaItem]  # most urgent first, all of those found
    day_start: datetime  # items before it are overdue


def _deal(opp: Opportunity | None, opp_id: int | None) -> str:
    if opp is not None:
        return f"#{opp.id} {opp.name}"
    return f"#{opp_id}" if opp_id is not None else ""


async def day_lines(uow: UnitOfWork, rep: Rep, day: date) -> list[str]:
    """Today's work in the rep's language, in the order it happened."""
    assert rep.id is not None
    start, end = day_bounds(day, rep.timezone)
    followups = list(await uow.followups.by_rep(rep.id, start, end, FETCH))
    entries = [e for e in await uow.audit.by_actor(rep.id, start, end, FETCH) if e.entity != "followup"]
    named = await _named(uow, followups, entries)
    customers = await uow.customers.many(f.customer_id for f in followups if f.customer_id is not None)
    timed: list[tuple[datetime, str]] = []
    for f in followups:
        customer = customers.get(f.customer_id) if f.customer_id is not None else None
        who = (customer.short_name or customer.name) if customer is not None else ""
        deal = _deal(named.deals.get(f.opportunity_id) if f.opportunity_id else None, f.opportunity_id)
        timed.append((f.at, followup_line(f, _subject(deal, who, rep.locale), rep.locale)))
    timed += [(e.at, line) for e in entries if (line := _entry_line(e, named, rep.locale))]
    lines = [line for _, line in sorted(timed, key=lambda pair: pair[0])]
    visits: VisitRepository | None = getattr(uow, "visits", None)  # each visit is listed as its follow-up
    if visits is not None and (counted := await visits.count(start, end, rep_id=rep.id)).visits:
        lines.insert(0, count_line(counted, rep.locale))
    if len(lines) > MAX_LINES:
        more = len(lines) - MAX_LINES + 1
        lines = [*lines[:MAX_LINES - 1], t(rep.locale, f"……另有 {more} 条记录", f"… and {more} more records")]
    return lines


async def _named(uow: UnitOfWork, followups: list[FollowUp], entries: list[AuditEntry]) -> _Named:
    ids = {kind: {e.entity_id for e in entries if e.entity == kind and e.action == "create"} for kind in MONEY}
    quotes, payments = await uow.quotes.many(ids["quote"]), await uow.payments.many(ids["payment"])
    contracts = await uow.contracts.many(ids["contract"])
    deal_ids = {f.opportunity_id for f in followups} | {e.entity_id for e in entries if e.entity == "opportunity"}
    deal_ids |= {q.opportunity_id for q in quotes.values()} | {p.opportunity_id for p in payments.values()}
    deal_ids |= {c.opportunity_id for c in contracts.values()}
    deals = await uow.opportunities.many(i for i in deal_ids if i is not None)
    return _Named(dict(deals), dict(quotes), dict(payments), dict(contracts))


def _subject(deal: str, customer: str, locale: str) -> str:
    if deal and customer:
        return t(locale, f"{deal}（{customer}）", f"{deal} ({customer})")
    return deal or customer


@dataclass(frozen=True, slots=True)
class _Named:
    """The records the day's audit entries name, by id."""

    deals: dict[int, Opportunity]
    quotes: dict[int, Quote]
    payments: dict[int, Payment]
    contracts: dict[int, Contract]


def _entry_line(e: AuditEntry, named: _Named, locale: str) -> str | None:
    if e.entity == "opportunity":
        deal = _deal(named.deals.get(e.entity_id), e.entity_id)
        stage = e.changes.get("stage")
        if e.action == "create":
            return new_deal_line(deal, locale)
        if isinstance(stage, list) and len(stage) == 2 and stage[0] != stage[1]:
            return stage_line(deal, Stage(stage[0]), Stage(stage[1]), locale)
        return None
    if e.action != "create":
        return None
    if e.entity == "lead":
        customer = str(e.changes.get("customer", ""))
        return t(locale, f"新线索 L{e.entity_id} {customer}", f"New lead L{e.entity_id} {customer}").rstrip()
    if (quote := named.quotes.get(e.entity_id) if e.entity == "quote" else None) is not None:
        return quote_line(_deal(named.deals.get(quote.opportunity_id), quote.opportunity_id), quote, locale)
    if (paid := named.payments.get(e.entity_id) if e.entity == "payment" else None) is not None:
        return payment_line(_deal(named.deals.get(paid.opportunity_id), paid.opportunity_id), paid, locale)
    if (contract := named.contracts.get(e.entity_id) if e.entity == "contract" else None) is not None:
        return contract_line(_deal(named.deals.get(contract.opportunity_id), contract.opportunity_id),
                             contract, locale)
    return None


async def agenda(uow: UnitOfWork, rep: Rep, since: datetime, until: datetime, day_start: datetime) -> Agenda:
    """The rep's open reminders and own open deals' next steps due in [since, until), earliest first; a
    deal's next-step reminder is left out when the deal's next step is listed already."""
    assert rep.id is not None
    reminders = await uow.reminders.open_due(rep.id, since, until, FETCH)
    deals = await uow.opportunities.next_steps_due(rep.id, since, until, FETCH)
    customers = await uow.customers.many({d.customer_id for d in deals if d.customer_id is not None})
    steps = [AgendaItem(d.next_at, deal_item(d.id or 0, _short(customers.get(d.customer_id or 0)), d.next_step),
                        d.id) for d in deals if d.next_at is not None]
    listed = {s.opportunity_id for s in steps}
    items = steps + [AgendaItem(r.due_at, _with_ref(r.text, r.opportunity_id), r.opportunity_id) for r in reminders
                     if not (r.kind is ReminderKind.NEXT_STEP and r.opportunity_id in listed)]
    return Agenda(sorted(items, key=lambda i: i.due_at), day_start)


def _short(customer: Customer | None) -> str:
    return (customer.short_name or customer.name) if customer is not None else ""


def _with_ref(text: str, opportunity_id: int | None) -> str:
    """A reminder about a deal names it by #id (reminders stored before they all did get it here)."""
    return text if opportunity_id is None or text.startswith("#") else f"#{opportunity_id} {text}"


async def plan_lines(uow: UnitOfWork, rep: Rep, day: date, limit: int = 10) -> list[str]:
    """What is due the day after `day`: the plan of that day's report."""
    start, end = day_bounds(day + timedelta(days=1), rep.timezone)
    found = await agenda(uow, rep, start, end, start)
    return lines_of(found, rep, limit)[0]


def lines_of(found: Agenda, rep: Rep, limit: int) -> tuple[list[str], int]:
    """The first `limit` items as lines, and how many more there are."""
    shown = [agenda_line(i, found.day_start, rep.timezone, rep.locale) for i in found.items[:limit]]
    return shown, max(0, len(found.items) - limit)

