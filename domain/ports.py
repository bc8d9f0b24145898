"""What the domain needs from persistence. storage/ implements these; tests use Fake* versions.

Repositories return domain objects. `add` assigns `id`; `get` raises NotFound; `save` writes back
an object read earlier in the same unit of work; `delete` removes it (used by undo).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

from domain.activity import FollowUp, Reminder
from domain.analytics import AnalyticsReader, TargetRepository
from domain.approvals import ApprovalRequest
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.customer import Contact, Customer, CustomerNames
from domain.daily_report import DailyReport
from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, ProjectFile, Rating, Task
from domain.lead import Lead, LeadStatus
from domain.listing import DealTotals, ViewScope
from domain.opportunity import CloseDateMove, Opportunity, Stage
from domain.people import Rep, Team
from domain.quote import Quote
from domain.system_ports import (
    AuditRepository as AuditRepository,
)
from domain.system_ports import (
    InboxRepository as InboxRepository,
)
from domain.system_ports import (
    MailQuarantineRepository as MailQuarantineRepository,
)
from domain.system_ports import (
    MailThreadRepository as MailThreadRepository,
)
from domain.system_ports import (
    OutboxRepository as OutboxRepository,
)
from domain.system_ports import (
    SettingsRepository as SettingsRepository,
)
from domain.webhooks import EventSink

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

    async def by_refs(self, refs: Iterable[str]) -> dict[str, Opportunity]:
        """The deals with these refs (their ids in an imported system), by ref; empty refs are never looked up."""
        ...
    async def after(self, after_id: int, limit: int = 500) -> Sequence[Opportunity]:
        """The deals with an id above `after_id`, by id, at most `limit` (keyset paging: exports)."""
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
    async def for_opportunities(self, opportunity_ids: Iterable[int]) -> dict[int, list[FollowUp]]:
        """for_opportunity for many deals at once, by deal id (deals without follow-ups are left out)."""
        ...
    async def by_rep(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[FollowUp]:
        """The rep's follow-ups with `since` <= at < `until`, oldest first, at most `limit` (daily reports)."""
        ...


class MilestoneRepository(PerOpportunity[PaymentMilestone], Protocol):
    """`for_opportunity`: the payment plan in force (milestones not replaced), by seq."""

    async def history(self, opportunity_id: int) -> Sequence[PaymentMilestone]:
        """Every plan's milestones, replaced ones included, by plan then seq."""
        ...


class PerProject(Repository[T], Protocol):
    async def for_project(self, project_id: int) -> Sequence[T]:
        """Oldest first (milestones by seq, change requests by time)."""
        ...


class ProjectEventRepository(PerProject[ProjectEvent], Protocol):
    async def recent(self, project_id: int, limit: int = 20, public_only: bool = False) -> Sequence[ProjectEvent]:
        """The newest `limit` events, newest first (only those shown to the customer when `public_only`)."""
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


class ApprovalRepository(Repository[ApprovalRequest], Protocol):
    """Approval requests (domain.approvals); lists oldest first, at most `limit`."""

    async def to_decide(self, approver_id: int, limit: int = 50) -> Sequence[ApprovalRequest]:
        """Pending requests waiting for this approver."""
        ...
    async def waiting(self, requester_id: int, limit: int = 50) -> Sequence[ApprovalRequest]:
        """Pending requests this person made."""
        ...
    async def all_pending(self, limit: int = 50) -> Sequence[ApprovalRequest]: ...
    async def stale(self, created_before: datetime, after_id: int = 0, limit: int = 500) -> Sequence[ApprovalRequest]:
        """Pending requests made before `created_before`, by id above `after_id` (keyset pages)."""
        ...
    async def pending_for_deal(self, opportunity_id: int) -> Sequence[ApprovalRequest]: ...


class UnitOfWork(Protocol):
    reps: RepRepository
    teams: TeamRepository
    customers: CustomerRepository
    contacts: ContactRepository
    leads: LeadRepository
    opportunities: OpportunityRepository
    followups: FollowUpRepository
    quotes: PerOpportunity[Quote]
    close_moves: PerOpportunity[CloseDateMove]
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
    approvals: ApprovalRepository  # issue #14

    # Delivery (issue #15), read-only so an implementation may hold richer repositories.
    @property
    def project_milestones(self) -> PerProject[Milestone]: ...
    @property
    def tasks(self) -> PerProject[Task]: ...
    @property
    def change_requests(self) -> PerProject[ChangeRequest]: ...
    @property
    def ratings(self) -> PerProject[Rating]: ...
    @property
    def project_events(self) -> ProjectEventRepository: ...
    @property
    def project_files(self) -> PerProject[ProjectFile]: ...
    @property
    def events(self) -> EventSink:
        """Issue #16: webhook events no audit entry shows (undo's, the risk scan's), queued at commit."""
        ...

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
