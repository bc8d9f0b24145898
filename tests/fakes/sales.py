"""Fake repositories of the sales records: people, customers, leads, deals and their children."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from domain.activity import FollowUp, Reminder, ReminderStatus
from domain.billing import PaymentMilestone
from domain.customer import Contact, Customer, CustomerNames, normalize_name, normalize_phone
from domain.customer_names import PREFIX, SUBSTRING, exact_tier, name_keys, search_text, substring_needle
from domain.lead import Lead, LeadStatus
from domain.listing import DealTotals, ViewScope, urgency_sort_key
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Team
from tests.fakes.store import (
    FakeRepository,
    P,
)

if TYPE_CHECKING:
    from tests.fakes.uow import FakeUnitOfWork


N = TypeVar("N", Rep, Team)


def _by_name(rows: Sequence[N], name: str) -> N | None:
    exact = [r for r in rows if r.name == name] or [r for r in rows if r.name.lower() == name.lower()]
    return exact[0] if exact else None


class FakeRepRepository(FakeRepository[Rep]):
    async def by_identity(self, channel: str, external_id: str) -> Rep | None:
        found = self._select(lambda r: r.identities.get(channel) == external_id)
        return found[0] if found else None

    async def by_name(self, name: str) -> Rep | None:
        """Exact name first, then case-insensitive."""
        return _by_name(self._select(), name)

    async def list(self) -> Sequence[Rep]:
        return self._select()


class FakeTeamRepository(FakeRepository[Team]):
    async def by_name(self, name: str) -> Team | None:
        """Exact name first, then case-insensitive."""
        return _by_name(self._select(), name)

    async def list(self) -> Sequence[Team]:
        return self._select()


class FakeCustomerRepository(FakeRepository[Customer]):
    async def search(self, text: str, limit: int = 10) -> Sequence[Customer]:
        """The ranking of domain.customer_names, by brute force."""
        key, needle = normalize_name(text), substring_needle(text)
        ranked: list[tuple[int, str, int, Customer]] = []
        for customer in self._select():
            keys = name_keys(customer)
            exact = [exact_tier(kind) for kind, k in keys if key and k == key]
            prefixes = sorted(k for _, k in keys if key and k.startswith(key) and k != key)
            if exact:
                ranked.append((min(exact), "", customer.id or 0, customer))
            elif prefixes:
                ranked.append((PREFIX, prefixes[0], customer.id or 0, customer))
            elif needle and needle in search_text(customer):
                ranked.append((SUBSTRING, "", customer.id or 0, customer))
        return [found for *_, found in sorted(ranked, key=lambda r: r[:3])][:limit]

    async def by_name_key(self, key: str) -> Customer | None:
        found = self._select(lambda c: normalize_name(c.name) == key)
        return found[0] if found else None

    async def by_contact_point(self, phone: str = "", email: str = "") -> Customer | None:
        """First match of: customer phone, customer email, a contact's phone, a contact's email."""
        phone, email = normalize_phone(phone), email.strip().lower()
        checks: list[Callable[[Customer | Contact], bool]] = []
        if phone:
            checks.append(lambda point: normalize_phone(point.phone) == phone)
        if email:
            checks.append(lambda point: point.email.lower() == email)
        for check in checks:
            if found := self._select(check):
                return found[0]
        contacts = sorted(self._uow.data["contacts"].values(), key=lambda c: c.id)
        for check in checks:
            if owners := [c.customer_id for c in contacts if check(c)]:
                return await self.find(min(owners))
        return None

    async def by_domain(self, domain: str) -> Customer | None:
        wanted = domain.strip().lstrip("@").casefold()
        found = self._select(lambda c: bool(c.domain) and c.domain.casefold() == wanted)
        return found[0] if found else None

    async def by_domains(self, domains: Iterable[str]) -> dict[str, Customer]:
        found: dict[str, Customer] = {}
        for domain in domains:
            if (customer := await self.by_domain(domain)) is not None:
                found[customer.domain.lower()] = customer
        return found

    async def list(self, offset: int = 0, limit: int = 100) -> Sequence[Customer]:
        return self._select()[offset:offset + limit]

    async def count(self) -> int:
        return len(self._rows)

    async def names_after(self, after_id: int, limit: int = 1000) -> Sequence[CustomerNames]:
        rows = sorted((c for c in self._rows.values() if (c.id or 0) > after_id), key=lambda c: c.id or 0)
        return [CustomerNames(c.id or 0, c.name, c.short_name, tuple(c.aliases)) for c in rows[:limit]]

    async def max_id(self) -> int:
        return max((row.id or 0 for row in self._rows.values()), default=0)


class FakeContactRepository(FakeRepository[Contact]):
    async def for_customer(self, customer_id: int) -> Sequence[Contact]:
        return self._select(lambda c: c.customer_id == customer_id)

    async def by_email(self, email: str) -> Contact | None:
        key = email.strip().lower()
        found = self._select(lambda c: bool(key) and c.email.lower() == key)
        return found[0] if found else None

    async def by_emails(self, emails: Iterable[str]) -> dict[str, Contact]:
        found: dict[str, Contact] = {}
        for email in emails:
            if (contact := await self.by_email(email)) is not None:
                found[contact.email.lower()] = contact
        return found


class FakeLeadRepository(FakeRepository[Lead]):
    async def list(self, owner_ids: Iterable[int] | None = None,
                   status: LeadStatus | None = None) -> Sequence[Lead]:
        owners = None if owner_ids is None else set(owner_ids)
        return self._select(lambda x: (owners is None or x.owner_id in owners)
                            and (status is None or x.status is status))


class FakeOpportunityRepository(FakeRepository[Opportunity]):
    async def next_steps_due(self, owner_id: int, since: datetime, until: datetime,
                             limit: int = 100) -> Sequence[Opportunity]:
        return self._select(lambda o: o.owner_id == owner_id and not o.stage.is_closed and o.next_at is not None
                            and since <= o.next_at < until, key=lambda o: (o.next_at, o.id))[:limit]

    async def list(self, owner_ids: Iterable[int] | None = None, stages: Iterable[Stage] | None = None,
                   customer_id: int | None = None, limit: int = 200) -> Sequence[Opportunity]:
        owners = None if owner_ids is None else set(owner_ids)
        wanted = None if stages is None else set(stages)

        def keep(o: Opportunity) -> bool:
            mine = owners is None or o.owner_id in owners or bool(owners.intersection(o.shared_with))
            return mine and (wanted is None or o.stage in wanted) and (
                customer_id is None or o.customer_id == customer_id)

        return self._select(keep)[:limit]

    async def lock(self, item_id: int) -> None:
        """One writer at a time in memory: nothing to lock."""

    async def by_refs(self, refs: Iterable[str]) -> dict[str, Opportunity]:
        wanted, found = {ref for ref in refs if ref}, dict[str, Opportunity]()
        for deal in self._select(lambda o: o.ref in wanted):
            found.setdefault(deal.ref, deal)
        return found

    async def after(self, after_id: int, limit: int = 500) -> Sequence[Opportunity]:
        return self._select(lambda o: (o.id or 0) > after_id)[:limit]

    async def visible(self, scope: ViewScope, stages: Iterable[Stage] | None = None,
                      customer_id: int | None = None, limit: int = 30) -> Sequence[Opportunity]:
        return sorted(self._in_scope(scope, stages, customer_id), key=urgency_sort_key)[:limit]

    async def totals(self, scope: ViewScope, stages: Iterable[Stage] | None = None,
                     customer_id: int | None = None) -> DealTotals:
        deals = self._in_scope(scope, stages, customer_id)
        amounts: dict[str, Decimal] = {}
        for deal in deals:
            if deal.amount is not None:
                amounts[deal.amount.currency] = amounts.get(deal.amount.currency, Decimal(0)) + deal.amount.amount
        return DealTotals(len(deals), amounts)

    def _in_scope(self, scope: ViewScope, stages: Iterable[Stage] | None,
                  customer_id: int | None) -> builtins.list[Opportunity]:
        wanted = None if stages is None else set(stages)
        return builtins.list(self._select(lambda o: scope.admits(o) and (wanted is None or o.stage in wanted)
                                          and (customer_id is None or o.customer_id == customer_id)))


class FakePerOpportunity(FakeRepository[P]):
    def __init__(self, uow: FakeUnitOfWork, table: str,
                 order: Callable[[P], Any] = lambda row: row.id) -> None:
        super().__init__(uow, table)
        self._order = order

    async def for_opportunity(self, opportunity_id: int) -> Sequence[P]:
        return self._select(lambda r: r.opportunity_id == opportunity_id, key=self._order)


class FakeMilestoneRepository(FakePerOpportunity[PaymentMilestone]):
    async def for_opportunity(self, opportunity_id: int) -> Sequence[PaymentMilestone]:
        return self._select(lambda m: m.opportunity_id == opportunity_id and m.replaced_at is None,
                            key=lambda m: (m.seq, m.id))

    async def history(self, opportunity_id: int) -> Sequence[PaymentMilestone]:
        return await super().for_opportunity(opportunity_id)


class FakeFollowUpRepository(FakePerOpportunity[FollowUp]):
    async def add_many(self, items: Sequence[FollowUp]) -> None:
        for item in items:
            self._insert(copy.copy(item))

    async def for_opportunities(self, opportunity_ids: Iterable[int]) -> dict[int, builtins.list[FollowUp]]:
        wanted, found = set(opportunity_ids), dict[int, builtins.list[FollowUp]]()
        for followup in self._select(lambda f: f.opportunity_id in wanted, key=lambda f: (f.at, f.id)):
            assert followup.opportunity_id is not None
            found.setdefault(followup.opportunity_id, []).append(followup)
        return found

    async def by_rep(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[FollowUp]:
        return self._select(lambda f: f.rep_id == rep_id and since <= f.at < until,
                            key=lambda f: (f.at, f.id))[:limit]


class FakeReminderRepository(FakeRepository[Reminder]):
    async def due(self, now: datetime, limit: int = 100) -> Sequence[Reminder]:
        return self._select(lambda r: r.status is ReminderStatus.PENDING and r.due_at <= now,
                            key=lambda r: (r.due_at, r.id))[:limit]

    async def pending_for(self, rep_id: int) -> Sequence[Reminder]:
        return self._select(lambda r: r.status is ReminderStatus.PENDING and r.rep_id == rep_id,
                            key=lambda r: (r.due_at, r.id))

    async def pending_for_deal(self, opportunity_id: int) -> Sequence[Reminder]:
        return self._select(lambda r: r.status is ReminderStatus.PENDING and r.opportunity_id == opportunity_id,
                            key=lambda r: (r.due_at, r.id))

    async def open_due(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[Reminder]:
        open_ = (ReminderStatus.PENDING, ReminderStatus.SENT)
        return self._select(lambda r: r.rep_id == rep_id and r.status in open_ and since <= r.due_at < until,
                            key=lambda r: (r.due_at, r.id))[:limit]

    async def open_for_deal(self, opportunity_id: int) -> Sequence[Reminder]:
        return self._select(lambda r: r.status in OPEN and r.opportunity_id == opportunity_id,
                            key=lambda r: (r.due_at, r.id))

    async def open_for(self, rep_id: int, limit: int = 50) -> Sequence[Reminder]:
        return self._select(lambda r: r.status in OPEN and r.rep_id == rep_id, key=lambda r: (r.due_at, r.id))[:limit]

    async def overdue(self, sent_before: datetime, limit: int = 100) -> Sequence[Reminder]:
        return self._select(lambda r: r.status is ReminderStatus.SENT and r.escalated_at is None
                            and r.sent_at is not None and r.sent_at <= sent_before,
                            key=lambda r: (r.due_at, r.id))[:limit]


OPEN = (ReminderStatus.PENDING, ReminderStatus.SENT)


