"""What the domain needs from persistence. storage/ implements these; tests use Fake* versions.

Repositories return domain objects. `add` assigns `id`; `get` raises NotFound; `save` writes back
an object read earlier in the same unit of work; `delete` removes it (used by undo).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from domain.activity import FollowUp, Reminder
from domain.analytics import AnalyticsReader, TargetRepository
from domain.audit import AuditEntry
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.customer import Contact, Customer, CustomerNames
from domain.daily_report import DailyReport
from domain.delivery import Project
from domain.lead import Lead, LeadStatus
from domain.listing import DealTotals, ViewScope
from domain.mail import MailLink, MailThread, QuarantineEntry
from domain.messaging import Claim, InboxRecord, InboxState, OutboxItem, OutboxStatus, RetryPolicy
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Team
from domain.quote import Quote

T = TypeVar("T")


class Repository(Protocol[T]):
    async def add(self, item: T) -> T: ...
    async def get(self, item_id: int) -> T: ...
    async def find(self, item_id: int) -> T | None: ...
    async def save(self, item: T) -> None: ...
    async def delete(self, item: T) -> None: ...
    async def many(self, item_ids: Iterable[int]) -> dict[int, T]:
        """The items with these ids, by id; missing ids are left out."""
        ...

    async def count_by(self, field: str, value: int) -> int:
        """How many rows hold `value` in `field` (a reference such as customer_id): undo's dependency check."""
        ...


class RepRepository(Repository[Rep], Protocol):
    async def by_identity(self, channel: str, external_id: str) -> Rep | None: ...
    async def by_name(self, name: str) -> Rep | None: ...
    async def list(self) -> Sequence[Rep]: ...


class TeamRepository(Repository[Team], Protocol):
    async def by_name(self, name: str) -> Team | None: ...
    async def list(self) -> Sequence[Team]: ...


class CustomerRepository(Repository[Customer], Protocol):
    async def search(self, text: str, limit: int = 10) -> Sequence[Customer]:
        """Customers whose name, short name or an alias matches, best first: the full name (normalized:
        domain.customer.normalize_name), then a short name or alias, then a prefix of any of them, then a
        case-insensitive substring (3 characters or more); within each, by id (prefixes by the name)."""
        ...
    async def by_name_key(self, key: str) -> Customer | None:
        """Match on domain.customer.normalize_name(name)."""
        ...
    async def by_contact_point(self, phone: str = "", email: str = "") -> Customer | None: ...
    async def by_domain(self, domain: str) -> Customer | None: ...
    async def by_domains(self, domains: Iterable[str]) -> dict[str, Customer]:
        """by_domain for many domains in one query, keyed by the lower-cased domain."""
        ...
    async def list(self, offset: int = 0, limit: int = 100) -> Sequence[Customer]: ...
    async def count(self) -> int: ...
    async def names_after(self, after_id: int, limit: int = 1000) -> Sequence[CustomerNames]:
        """The names of the customers with an id above `after_id`, by id (keyset paging)."""
        ...
    async def max_id(self) -> int:
        """The highest customer id (0 when there are none): a new customer raises it."""
        ...


class ContactRepository(Repository[Contact], Protocol):
    async def for_customer(self, customer_id: int) -> Sequence[Contact]: ...
    async def by_email(self, email: str) -> Contact | None: ...
    async def by_emails(self, emails: Iterable[str]) -> dict[str, Contact]:
        """by_email for many addresses in one query, keyed by the lower-cased address."""
        ...


class LeadRepository(Repository[Lead], Protocol):
    async def list(self, owner_ids: Iterable[int] | None = None,
                   status: LeadStatus | None = None) -> Sequence[Lead]: ...


class OpportunityRepository(Repository[Opportunity], Protocol):
    async def list(self, owner_ids: Iterable[int] | None = None, stages: Iterable[Stage] | None = None,
                   customer_id: int | None = None, limit: int = 200) -> Sequence[Opportunity]:
        """owner_ids None = everyone's. Deals shared with one of owner_ids are included."""
        ...
    async def next_steps_due(self, owner_id: int, since: datetime, until: datetime,
                             limit: int = 100) -> Sequence[Opportunity]:
        """The owner's open deals whose next step falls in [since, until), earliest first (morning lists)."""
        ...
    async def visible(self, scope: ViewScope, stages: Iterable[Stage] | None = None,
                      customer_id: int | None = None, limit: int = 30) -> Sequence[Opportunity]:
        """The deals in `scope` (permissions.view_scope), most urgent first (domain.listing.urgency)."""
        ...
    async def totals(self, scope: ViewScope, stages: Iterable[Stage] | None = None,
                     customer_id: int | None = None) -> DealTotals:
        """How many deals `visible` would list without a limit, and their amounts per currency."""
        ...

    async def lock(self, item_id: int) -> None:
        """Hold the deal's row until the commit (PostgreSQL FOR UPDATE; SQLite has one writer): numbering a
        deal's children (quote versions) after this sees every number another transaction committed."""
        ...


class PerOpportunity(Repository[T], Protocol):
    async def for_opportunity(self, opportunity_id: int) -> Sequence[T]:
        """Oldest first (quotes by version, milestones by seq)."""
        ...


class FollowUpRepository(PerOpportunity[FollowUp], Protocol):
    async def add_many(self, items: Sequence[FollowUp]) -> None:
        """Several follow-ups in one statement (captured mail); their ids are not set."""
        ...
    async def by_rep(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[FollowUp]:
        """The rep's follow-ups with `since` <= at < `until`, oldest first, at most `limit` (daily reports)."""
        ...


class MilestoneRepository(PerOpportunity[PaymentMilestone], Protocol):
    """`for_opportunity`: the payment plan in force (milestones not replaced), by seq."""

    async def history(self, opportunity_id: int) -> Sequence[PaymentMilestone]:
        """Every plan's milestones, replaced ones included, by plan then seq."""
        ...


class ReminderRepository(Repository[Reminder], Protocol):
    async def due(self, now: datetime, limit: int = 100) -> Sequence[Reminder]: ...
    async def pending_for(self, rep_id: int) -> Sequence[Reminder]: ...
    async def pending_for_deal(self, opportunity_id: int) -> Sequence[Reminder]:
        """Pending reminders about one deal, whoever they are for, earliest first."""
        ...
    async def open_due(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[Reminder]:
        """The rep's reminders not done or cancelled (pending, or sent and waiting) with `since` <= due_at <
        `until`, earliest first, at most `limit` (morning lists, a daily report's plan)."""
        ...
    async def open_for_deal(self, opportunity_id: int) -> Sequence[Reminder]:
        """Reminders about one deal still to act on (pending or sent), whoever they are for, earliest first."""
        ...
    async def open_for(self, rep_id: int, limit: int = 50) -> Sequence[Reminder]:
        """One person's reminders still to act on (pending or sent, not done or cancelled), earliest first."""
        ...
    async def overdue(self, sent_before: datetime, limit: int = 100) -> Sequence[Reminder]:
        """Sent reminders neither done nor escalated, pushed at or before `sent_before`, earliest first."""
        ...


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> AuditEntry: ...
    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        """Several entries in one statement, in order; their ids are not set."""
        ...
    async def for_entity(self, entity: str, entity_id: int) -> Sequence[AuditEntry]: ...
    async def last_batch(self, actor_id: int) -> Sequence[AuditEntry]:
        """Entries of the actor's most recent batch that was not undone, newest first."""
        ...
    async def mark_undone(self, batch: str) -> None:
        """Flag every entry of `batch` as undone, so last_batch moves on to the batch before it."""
        ...
    async def max_id(self) -> int:
        """The highest entry id (0 when there are none)."""
        ...
    async def changes_after(self, entity: str, after_id: int, limit: int = 1000) -> Sequence[tuple[int, int]]:
        """(entry id, entity id) of the entries about `entity` with an id above `after_id`, by id."""
        ...
    async def by_actor(self, actor_id: int, since: datetime, until: datetime,
                       limit: int = 200) -> Sequence[AuditEntry]:
        """The actor's entries with `since` <= at < `until` that were not undone, oldest first, at most
        `limit` (daily reports: what a rep recorded that day)."""
        ...


class InboxRepository(Protocol):
    """The inbox as a work queue: pending -> claimed (worker, lease) -> done | dead (DESIGN.md §1)."""

    async def add(self, record: InboxRecord, claim: Claim | None = None) -> bool:
        """False when (channel, external_id) is already stored; with `claim` the new row is born claimed."""
        ...
    async def take(self, claim: Claim, now: datetime, limit: int = 100,
                   max_attempts: int | None = None) -> Sequence[InboxRecord]:
        """Claim due pending rows and rows whose lease expired (SKIP LOCKED); expired and spent ones die."""
        ...
    async def take_over(self, keys: Iterable[tuple[str, str]], claim: Claim, now: datetime,
                        max_attempts: int | None = None) -> Sequence[InboxRecord]:
        """`take`, limited to these (channel, external_id) keys (a redelivery)."""
        ...
    async def hold(self, keys: Iterable[tuple[str, str]], claim: Claim) -> set[tuple[str, str]]:
        """Renew the lease of the keys still claimed by claim.worker (row-locked until commit); those keys."""
        ...
    async def lock(self, keys: Iterable[tuple[str, str]], worker: str) -> set[tuple[str, str]]:
        """The keys still claimed by `worker`, row-locked until commit (start of a batch); writes nothing."""
        ...
    async def mark_done(self, keys: Iterable[tuple[str, str]], worker: str, at: datetime) -> int:
        """Done, only for rows still claimed by `worker`; how many."""
        ...
    async def fail(self, key: tuple[str, str], worker: str, error: str, now: datetime,
                   policy: RetryPolicy) -> InboxState | None:
        """Back to pending after a backoff, or dead; None when `worker` does not hold the row."""
        ...
    async def release(self, keys: Iterable[tuple[str, str]], worker: str) -> int:
        """Give claims back (pending, attempt not counted); how many."""
        ...
    async def held_by(self, worker: str, limit: int = 500) -> Sequence[InboxRecord]: ...
    async def dead(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Dead letters, newest first."""
        ...
    async def count_dead(self) -> int: ...
    async def retry_dead(self, record_id: int) -> bool:
        """A dead row back to pending with fresh attempts; False when it is not dead."""
        ...
    async def mark_processed(self, channel: str, external_id: str, at: datetime) -> None: ...
    async def mark_processed_many(self, keys: Iterable[tuple[str, str]], at: datetime) -> None:
        """mark_processed for many (channel, external_id) keys in one go."""
        ...
    async def unprocessed(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Pending or claimed rows, oldest first."""
        ...


class OutboxRepository(Protocol):
    async def add(self, item: OutboxItem) -> OutboxItem | None:
        """None when an item with the same dedupe_key exists."""
        ...
    async def add_many(self, items: Sequence[OutboxItem]) -> None:
        """Several items in one statement; items whose dedupe_key exists are skipped; ids are not set."""
        ...
    async def claim(self, now: datetime, limit: int = 50,
                    channels: Iterable[str] | None = None) -> Sequence[OutboxItem]:
        """Atomically take due pending items (FOR UPDATE SKIP LOCKED on PostgreSQL) and mark them sending."""
        ...
    async def mark_sent(self, item_id: int, at: datetime) -> None: ...
    async def mark_retry(self, item_id: int, not_before: datetime, error: str, attempted: bool = True) -> None:
        """Back to pending, not before `not_before`. attempted=False: the claim's attempt is given back
        (the channel deferred the message without trying it)."""
        ...
    async def mark_failed(self, item_id: int, error: str) -> None: ...
    async def release(self, item_ids: Iterable[int]) -> int:
        """Give back this worker's unsent claims (pending again, attempt not counted); how many."""
        ...
    async def renew(self, item_ids: Iterable[int], at: datetime) -> set[int]:
        """Extend this worker's claims on items still sending (a long round); the ids it still holds."""
        ...
    async def release_stale(self, claimed_before: datetime) -> int:
        """Items left sending by a claimer that died (claimed before `claimed_before`) back to pending."""
        ...
    async def pending_for(self, channel: str, recipient: str, due_by: datetime | None = None) -> Sequence[OutboxItem]:
        """Items still waiting to be sent to this recipient, oldest first; with `due_by`, only those whose
        not_before (quiet hours, a retry's wait) has come by then."""
        ...
    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these dedupe keys are already queued (or sent): what a proactive job has done."""
        ...
    async def listing(self, statuses: Iterable[OutboxStatus], limit: int = 100,
                      with_error: bool = False) -> Sequence[OutboxItem]:
        """Items in any of `statuses` (`with_error`: that failed at least once), oldest first (`dealbot outbox`)."""
        ...
    async def count_failed(self) -> int:
        """Items the dispatcher gave up on (status failed) and still kept: the digest's line for admins."""
        ...


class MailThreadRepository(Protocol):
    """Threading keys of the email channel (domain.mail): Message-IDs, reply tokens, senders."""

    async def find(self, keys: Iterable[str]) -> Sequence[MailThread]:
        """Rows of any kind whose key is one of `keys`."""
        ...
    async def add_many(self, threads: Iterable[MailThread]) -> None:
        """Insert; an existing (kind, key) is kept, except SENDER rows, which are replaced."""
        ...
    async def recent(self, senders: Iterable[str], since: datetime) -> Sequence[tuple[str, datetime]]:
        """(sender, at) of captured (not sent) messages from these senders at or after `since`."""
        ...
    async def token_for(self, *, lead_id: int | None = None, opportunity_id: int | None = None) -> str | None:
        """The reply token already given to this deal (checked first) or lead."""
        ...
    async def messages_of(self, *, lead_id: int | None = None, opportunity_id: int | None = None,
                          limit: int = 10) -> Sequence[MailThread]:
        """MESSAGE rows linked to the deal or the lead, newest first."""
        ...
    async def open_work(self, customer_ids: Iterable[int]) -> Sequence[MailLink]:
        """Links to the open deals (latest updated first), then open leads (newest first), of these customers."""
        ...
    async def settle_held(self, code: str, status: str) -> bool:
        """Move the HELD row `code` from held to `status`; False if it is not (or no longer) held."""
        ...


class MailQuarantineRepository(Protocol):
    """Captured mails that could not be stored (domain.mail.QuarantineEntry), for admins to look at."""

    async def add(self, entry: QuarantineEntry) -> bool:
        """False when that mailbox/UIDVALIDITY/UID is already recorded."""
        ...
    async def latest(self, limit: int = 20) -> Sequence[QuarantineEntry]:
        """Newest first."""
        ...
    async def count(self) -> int: ...


class SettingsRepository(Protocol):
    """Small key/value state shared by processes: round-robin cursors, token caches."""

    async def get(self, key: str) -> Any | None: ...
    async def put(self, key: str, value: Any) -> None: ...
    async def take(self, key: str) -> Any | None: ...


class DailyReportRepository(Protocol):
    """Daily reports (domain.daily_report), one per rep and local day."""

    async def get(self, rep_id: int, day: date) -> DailyReport | None: ...
    async def add(self, report: DailyReport) -> DailyReport | None:
        """Insert; None (nothing written) when that rep already has a report for that day."""
        ...
    async def save(self, report: DailyReport) -> None:
        """Write back status, lines, plan, note and submitted_at of a report read earlier."""
        ...
    async def for_reps(self, rep_ids: Iterable[int], day: date) -> Sequence[DailyReport]:
        """The reports of these reps for that day, by rep id."""
        ...


class UnitOfWork(Protocol):
    reps: RepRepository
    teams: TeamRepository
    customers: CustomerRepository
    contacts: ContactRepository
    leads: LeadRepository
    opportunities: OpportunityRepository
    followups: FollowUpRepository
    quotes: PerOpportunity[Quote]
    contracts: PerOpportunity[Contract]
    milestones: MilestoneRepository
    payments: PerOpportunity[Payment]
    invoices: PerOpportunity[Invoice]
    projects: PerOpportunity[Project]
    reminders: ReminderRepository
    audit: AuditRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    settings: SettingsRepository
    mail_threads: MailThreadRepository
    mail_quarantine: MailQuarantineRepository
    daily_reports: DailyReportRepository
    analytics: AnalyticsReader  # read-only aggregates (issue #11)
    targets: TargetRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        """Rolls back whatever was not committed."""
        ...
    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: an exception inside undoes only what was done inside, then propagates."""
        ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
