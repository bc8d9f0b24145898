"""In-memory fakes of domain.ports. One FakeStore holds the committed data; each FakeUnitOfWork works on
a private copy taken when it is entered and writes its changed rows back only on commit().

    store = FakeStore()
    async with store.uow() as uow:
        await uow.customers.add(Customer("明途科技"))
        await uow.commit()

Repositories hand out and keep copies, so a change made to a loaded object is lost unless `save`d, as
with the real storage. Ids come from one counter per table, starting at 1; ids of rolled-back rows are
not reused. Orders, NotFound refs ("#9", leads "L9") and edge cases follow storage/repositories: lists
are by id unless the port says otherwise; outbox `claim` counts an attempt and locks the rows until the
claiming unit of work ends (other units skip them, like SKIP LOCKED); `mark_*` and `mark_processed` on
an unknown id change nothing, like an UPDATE; inbox/outbox uniqueness is re-checked on commit
(FakeIntegrityError, as a unique index would refuse the second writer).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from domain.activity import FollowUp, Reminder, ReminderStatus
from domain.audit import AuditEntry
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.customer import Contact, Customer, normalize_name, normalize_phone
from domain.delivery import Project
from domain.errors import NotFound
from domain.lead import Lead, LeadStatus
from domain.mail import MailKey, MailLink, MailThread
from domain.messaging import InboxRecord, OutboxItem, OutboxStatus
from domain.opportunity import OPEN_STAGES, Opportunity, Stage
from domain.people import Rep, Team
from domain.ports import (
    AuditRepository,
    ContactRepository,
    CustomerRepository,
    FollowUpRepository,
    InboxRepository,
    LeadRepository,
    MailThreadRepository,
    OpportunityRepository,
    OutboxRepository,
    PerOpportunity,
    ReminderRepository,
    RepRepository,
    SettingsRepository,
    TeamRepository,
    UnitOfWork,
)
from domain.quote import Quote

Rows = dict[Hashable, Any]
_TABLES = ("reps", "teams", "customers", "contacts", "leads", "opportunities", "followups", "quotes",
           "contracts", "milestones", "payments", "invoices", "projects", "reminders", "audit", "inbox",
           "audit_undone", "outbox", "settings", "mail_threads")
_WHAT = {
    "reps": ("销售", "rep"), "teams": ("团队", "team"), "customers": ("客户", "customer"),
    "contacts": ("联系人", "contact"), "leads": ("线索", "lead"), "opportunities": ("商机", "deal"),
    "followups": ("跟进", "follow-up"), "quotes": ("报价", "quote"), "contracts": ("合同", "contract"),
    "milestones": ("回款节点", "payment milestone"), "payments": ("回款", "payment"),
    "invoices": ("发票", "invoice"), "projects": ("项目", "project"), "reminders": ("提醒", "reminder"),
    "inbox": ("消息", "message"), "outbox": ("待发消息", "outbox item"),
}
_UNIQUE: dict[str, Callable[[Any], Hashable]] = {
    "inbox": lambda r: (r.channel, r.external_id),
    "outbox": lambda r: r.dedupe_key,  # None is never a duplicate
    "mail_threads": lambda r: (r.kind, r.key),
}
_tokens = itertools.count(1)
UNDO_ACTION = "undo"


class FakeIntegrityError(RuntimeError):
    """A commit would store a second row with the same unique key."""


class FakeStore:
    """The committed state shared by every FakeUnitOfWork created from it."""

    def __init__(self) -> None:
        self.tables: dict[str, Rows] = {name: {} for name in _TABLES}
        self.locks: dict[tuple[str, Hashable], int] = {}  # row -> token of the unit of work holding it
        self._ids = {name: itertools.count(1) for name in _TABLES}

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def next_id(self, table: str) -> int:
        return next(self._ids[table])

    def write(self, data: dict[str, Rows], dirty: set[tuple[str, Hashable]]) -> None:
        for table, key in dirty:
            unique = _UNIQUE.get(table)
            row = data[table].get(key)
            if unique is not None and row is not None and unique(row) is not None and any(
                    k != key and unique(other) == unique(row) for k, other in self.tables[table].items()):
                raise FakeIntegrityError(f"{table}: duplicate {unique(row)!r}")
        for table, key in dirty:
            if key in data[table]:
                self.tables[table][key] = copy.deepcopy(data[table][key])
            else:
                self.tables[table].pop(key, None)

    def release(self, token: int) -> None:
        for row in [row for row, holder in self.locks.items() if holder == token]:
            del self.locks[row]


class _HasId(Protocol):
    id: int | None


class _PerOpportunityRow(_HasId, Protocol):
    @property
    def opportunity_id(self) -> int | None: ...


E = TypeVar("E", bound=_HasId)
P = TypeVar("P", bound=_PerOpportunityRow)


class _Table(Generic[E]):
    def __init__(self, uow: FakeUnitOfWork, table: str) -> None:
        self._uow, self._table = uow, table
        self._what = _WHAT.get(table, ("记录", "record"))  # for NotFound

    @property
    def _rows(self) -> Rows:
        return self._uow.data[self._table]

    def _select(self, keep: Callable[[E], bool] = lambda _: True,
                key: Callable[[E], Any] = lambda row: row.id) -> Sequence[E]:
        return [copy.deepcopy(row) for row in sorted((r for r in self._rows.values() if keep(r)), key=key)]

    def _put(self, item: E) -> None:
        assert item.id is not None
        self._rows[item.id] = copy.deepcopy(item)
        self._uow.dirty.add((self._table, item.id))

    def _row(self, item_id: int) -> E:
        row: E | None = self._rows.get(item_id)
        if row is None:
            prefix = "L" if self._table == "leads" else "#"
            raise NotFound(self._what[0], f"{prefix}{item_id}", self._what[1])
        return row

    def _insert(self, item: E) -> E:
        """Always a fresh id (a preset one is replaced), as the database assigns it."""
        item.id = self._uow.store.next_id(self._table)
        self._put(item)
        return item


class FakeRepository(_Table[E]):
    async def add(self, item: E) -> E:
        return self._insert(item)

    async def get(self, item_id: int) -> E:
        return copy.deepcopy(self._row(item_id))

    async def many(self, item_ids: Iterable[int]) -> dict[int, E]:
        wanted = set(item_ids)
        return {row.id: row for row in self._select(lambda r: r.id in wanted) if row.id is not None}

    async def find(self, item_id: int) -> E | None:
        return copy.deepcopy(self._rows.get(item_id))

    async def save(self, item: E) -> None:
        self._row(item.id if item.id is not None else -1)
        self._put(item)

    async def delete(self, item: E) -> None:
        if item.id is not None and self._rows.pop(item.id, None) is not None:
            self._uow.dirty.add((self._table, item.id))


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
        needle = text.strip().casefold()
        return self._select(
            lambda c: any(needle in n.casefold() for n in (c.name, c.short_name, *c.aliases)))[:limit]

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
    async def list(self, owner_ids: Iterable[int] | None = None, stages: Iterable[Stage] | None = None,
                   customer_id: int | None = None, limit: int = 200) -> Sequence[Opportunity]:
        owners = None if owner_ids is None else set(owner_ids)
        wanted = None if stages is None else set(stages)

        def keep(o: Opportunity) -> bool:
            mine = owners is None or o.owner_id in owners or bool(owners.intersection(o.shared_with))
            return mine and (wanted is None or o.stage in wanted) and (
                customer_id is None or o.customer_id == customer_id)

        return self._select(keep)[:limit]


class FakePerOpportunity(FakeRepository[P]):
    def __init__(self, uow: FakeUnitOfWork, table: str,
                 order: Callable[[P], Any] = lambda row: row.id) -> None:
        super().__init__(uow, table)
        self._order = order

    async def for_opportunity(self, opportunity_id: int) -> Sequence[P]:
        return self._select(lambda r: r.opportunity_id == opportunity_id, key=self._order)


class FakeFollowUpRepository(FakePerOpportunity[FollowUp]):
    async def add_many(self, items: Sequence[FollowUp]) -> None:
        for item in items:
            self._insert(copy.copy(item))


class FakeReminderRepository(FakeRepository[Reminder]):
    async def due(self, now: datetime, limit: int = 100) -> Sequence[Reminder]:
        return self._select(lambda r: r.status is ReminderStatus.PENDING and r.due_at <= now,
                            key=lambda r: (r.due_at, r.id))[:limit]

    async def pending_for(self, rep_id: int) -> Sequence[Reminder]:
        return self._select(lambda r: r.status is ReminderStatus.PENDING and r.rep_id == rep_id,
                            key=lambda r: (r.due_at, r.id))


class FakeAuditRepository(_Table[AuditEntry]):
    """Undone entries are kept as ids in the "audit_undone" table, like the real `undone` column."""

    async def add(self, entry: AuditEntry) -> AuditEntry:
        return self._insert(entry)

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            self._insert(copy.copy(entry))

    async def for_entity(self, entity: str, entity_id: int) -> Sequence[AuditEntry]:
        """Oldest first."""
        return self._select(lambda e: e.entity == entity and e.entity_id == entity_id)

    async def last_batch(self, actor_id: int) -> Sequence[AuditEntry]:
        """Newest first. Entries of an undo (action "undo") or without a batch never form a batch."""
        undone = self._uow.data["audit_undone"]
        live = [e for e in self._select(lambda e: e.actor_id == actor_id and e.id not in undone)
                if e.batch]
        batches = [e.batch for e in live if e.action != UNDO_ACTION]
        return [e for e in reversed(live) if e.batch == batches[-1]] if batches else []

    async def mark_undone(self, batch: str) -> None:
        for row in self._rows.values():
            if row.batch == batch:
                self._uow.data["audit_undone"][row.id] = True
                self._uow.dirty.add(("audit_undone", row.id))


class FakeInboxRepository(_Table[InboxRecord]):
    def _stored(self, channel: str, external_id: str) -> InboxRecord | None:
        rows = (*self._rows.values(), *self._uow.store.tables[self._table].values())
        return next((r for r in rows if (r.channel, r.external_id) == (channel, external_id)), None)

    async def add(self, record: InboxRecord) -> bool:
        if self._stored(record.channel, record.external_id) is not None:
            return False
        self._insert(record)
        return True

    async def mark_processed(self, channel: str, external_id: str, at: datetime) -> None:
        row = next((r for r in self._rows.values() if (r.channel, r.external_id) == (channel, external_id)),
                   None)
        if row is not None:  # an unknown message is ignored, like an UPDATE matching no row
            row.processed_at = at
            self._uow.dirty.add((self._table, row.id))

    async def mark_processed_many(self, keys: Iterable[tuple[str, str]], at: datetime) -> None:
        for channel, external_id in keys:
            await self.mark_processed(channel, external_id, at)

    async def unprocessed(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Oldest (first stored) first."""
        return self._select(lambda r: r.processed_at is None)[:limit]


class FakeOutboxRepository(_Table[OutboxItem]):
    async def add(self, item: OutboxItem) -> OutboxItem | None:
        if item.dedupe_key is not None and any(
                r.dedupe_key == item.dedupe_key
                for r in (*self._rows.values(), *self._uow.store.tables[self._table].values())):
            return None
        return self._insert(item)

    async def add_many(self, items: Sequence[OutboxItem]) -> None:
        for item in items:
            await self.add(copy.copy(item))

    async def claim(self, now: datetime, limit: int = 50,
                    channels: Iterable[str] | None = None) -> Sequence[OutboxItem]:
        """Due pending items, oldest first; each gets status sending and one more attempt."""
        wanted = None if channels is None else set(channels)
        store = self._uow.store

        def claimable(r: OutboxItem) -> bool:
            committed = store.tables[self._table].get(r.id)
            return (r.status is OutboxStatus.PENDING and (r.not_before is None or r.not_before <= now)
                    and (wanted is None or r.channel in wanted)
                    and store.locks.get((self._table, r.id), self._uow.token) == self._uow.token
                    and (committed is None or committed.status is OutboxStatus.PENDING))

        taken = self._select(claimable)[:limit]
        for item in taken:
            item.status, item.attempts = OutboxStatus.SENDING, item.attempts + 1
            store.locks[(self._table, item.id)] = self._uow.token
            self._put(item)
        return taken

    def _update(self, item_id: int, **changes: Any) -> None:
        """Like an UPDATE by id: an unknown id changes nothing."""
        row = self._rows.get(item_id)
        if row is not None:
            for name, value in changes.items():
                setattr(row, name, value)
            self._uow.dirty.add((self._table, item_id))

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        self._update(item_id, status=OutboxStatus.SENT, sent_at=at, last_error="")

    async def mark_retry(self, item_id: int, not_before: datetime, error: str, attempted: bool = True) -> None:
        row = self._rows.get(item_id)
        attempts = {} if attempted or row is None else {"attempts": max(0, row.attempts - 1)}
        self._update(item_id, status=OutboxStatus.PENDING, not_before=not_before, last_error=error, **attempts)

    async def mark_failed(self, item_id: int, error: str) -> None:
        self._update(item_id, status=OutboxStatus.FAILED, last_error=error)

    async def pending_for(self, channel: str, recipient: str) -> Sequence[OutboxItem]:
        return self._select(
            lambda r: r.status is OutboxStatus.PENDING and (r.channel, r.recipient) == (channel, recipient))


class FakeMailThreadRepository(_Table[MailThread]):
    async def find(self, keys: Iterable[str]) -> Sequence[MailThread]:
        wanted = set(keys)
        return self._select(lambda t: t.key in wanted)

    async def add_many(self, threads: Iterable[MailThread]) -> None:
        for thread in threads:
            same = next((r for r in self._rows.values() if (r.kind, r.key) == (thread.kind, thread.key)), None)
            if same is None:
                self._insert(copy.copy(thread))
            elif thread.kind is MailKey.SENDER:
                self._put(dataclasses.replace(thread, id=same.id))

    async def recent(self, senders: Iterable[str], since: datetime) -> Sequence[tuple[str, datetime]]:
        wanted = set(senders)
        return [(t.sender, t.at) for t in self._select(
            lambda t: t.kind is MailKey.MESSAGE and not t.outbound and t.sender in wanted and t.at >= since)]

    async def token_for(self, *, lead_id: int | None = None, opportunity_id: int | None = None) -> str | None:
        tokens = self._select(lambda t: t.kind is MailKey.TOKEN)
        for token in tokens:
            if opportunity_id is not None and token.opportunity_id == opportunity_id:
                return token.key
        for token in tokens:
            if lead_id is not None and token.lead_id == lead_id:
                return token.key
        return None

    async def messages_of(self, *, lead_id: int | None = None, opportunity_id: int | None = None,
                          limit: int = 10) -> Sequence[MailThread]:
        def mine(t: MailThread) -> bool:
            return t.kind is MailKey.MESSAGE and (
                (opportunity_id is not None and t.opportunity_id == opportunity_id)
                or (lead_id is not None and t.lead_id == lead_id))
        return list(reversed(self._select(mine, key=lambda t: (t.at, t.id))))[:limit]

    async def open_work(self, customer_ids: Iterable[int]) -> Sequence[MailLink]:
        wanted = set(customer_ids)
        deals = sorted((o for o in self._uow.data["opportunities"].values()
                        if o.customer_id in wanted and o.stage in OPEN_STAGES),
                       key=lambda o: (o.updated_at is not None, o.updated_at, o.id), reverse=True)
        leads = sorted((x for x in self._uow.data["leads"].values() if x.customer_id in wanted
                        and x.status in (LeadStatus.NEW, LeadStatus.ASSIGNED)), key=lambda x: x.id, reverse=True)
        return ([MailLink(o.customer_id, o.contact_id, o.lead_id, o.id) for o in deals]
                + [MailLink(x.customer_id, x.contact_id, x.id) for x in leads])


class FakeSettingsRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def get(self, key: str) -> Any | None:
        return copy.deepcopy(self._uow.data["settings"].get(key))

    async def put(self, key: str, value: Any) -> None:
        self._uow.data["settings"][key] = copy.deepcopy(value)
        self._uow.dirty.add(("settings", key))


class FakeUnitOfWork:
    """domain.ports.UnitOfWork in memory. `committed` turns True on the first commit()."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store if store is not None else FakeStore()
        self.token = next(_tokens)
        self.committed = False
        self.data: dict[str, Rows] = {}
        self.dirty: set[tuple[str, Hashable]] = set()
        self._begin()
        self.reps: RepRepository = FakeRepRepository(self, "reps")
        self.teams: TeamRepository = FakeTeamRepository(self, "teams")
        self.customers: CustomerRepository = FakeCustomerRepository(self, "customers")
        self.contacts: ContactRepository = FakeContactRepository(self, "contacts")
        self.leads: LeadRepository = FakeLeadRepository(self, "leads")
        self.opportunities: OpportunityRepository = FakeOpportunityRepository(self, "opportunities")
        self.followups: FollowUpRepository = FakeFollowUpRepository(self, "followups", lambda f: (f.at, f.id))
        self.quotes: PerOpportunity[Quote] = FakePerOpportunity(self, "quotes", lambda q: (q.version, q.id))
        self.contracts: PerOpportunity[Contract] = FakePerOpportunity(self, "contracts")
        self.milestones: PerOpportunity[PaymentMilestone] = FakePerOpportunity(
            self, "milestones", lambda m: (m.seq, m.id))
        self.payments: PerOpportunity[Payment] = FakePerOpportunity(
            self, "payments", lambda p: (p.received_on, p.id))
        self.invoices: PerOpportunity[Invoice] = FakePerOpportunity(self, "invoices")
        self.projects: PerOpportunity[Project] = FakePerOpportunity(self, "projects")
        self.reminders: ReminderRepository = FakeReminderRepository(self, "reminders")
        self.audit: AuditRepository = FakeAuditRepository(self, "audit")
        self.inbox: InboxRepository = FakeInboxRepository(self, "inbox")
        self.outbox: OutboxRepository = FakeOutboxRepository(self, "outbox")
        self.settings: SettingsRepository = FakeSettingsRepository(self)
        self.mail_threads: MailThreadRepository = FakeMailThreadRepository(self, "mail_threads")

    def _begin(self) -> None:
        self.data = copy.deepcopy(self.store.tables)
        self.dirty = set()

    async def __aenter__(self) -> Self:
        self._begin()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.rollback()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        data, dirty = copy.deepcopy(self.data), set(self.dirty)
        try:
            yield
        except BaseException:
            self.data, self.dirty = data, dirty
            raise

    async def commit(self) -> None:
        self.store.write(self.data, self.dirty)
        self.store.release(self.token)
        self.dirty = set()
        self.committed = True

    async def rollback(self) -> None:
        """Forget uncommitted changes and look at the store afresh."""
        self.store.release(self.token)
        self._begin()


def as_port(uow: FakeUnitOfWork) -> UnitOfWork:
    """Lets mypy check that FakeUnitOfWork satisfies the UnitOfWork protocol."""
    return uow
