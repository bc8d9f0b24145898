"""FakeUnitOfWork: domain.ports.UnitOfWork in memory."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

from domain.analytics import AnalyticsReader, TargetRepository
from domain.billing import Contract, Invoice, Payment
from domain.delivery import Project
from domain.opportunity import CloseDateMove
from domain.ports import (
    ApprovalRepository,
    AuditRepository,
    ContactRepository,
    CustomerRepository,
    DailyReportRepository,
    FollowUpRepository,
    InboxRepository,
    LeadRepository,
    MailQuarantineRepository,
    MailThreadRepository,
    MilestoneRepository,
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
from domain.webhooks import Candidate
from tests.fakes.analytics import FakeAnalyticsReader, FakeTargetRepository
from tests.fakes.approvals import FakeApprovalRepository
from tests.fakes.daily import FakeDailyReportRepository
from tests.fakes.mail import FakeMailQuarantineRepository, FakeMailThreadRepository, FakeSettingsRepository
from tests.fakes.messaging import FakeAuditRepository, FakeInboxRepository, FakeOutboxRepository
from tests.fakes.sales import (
    FakeContactRepository,
    FakeCustomerRepository,
    FakeFollowUpRepository,
    FakeLeadRepository,
    FakeMilestoneRepository,
    FakeOpportunityRepository,
    FakePerOpportunity,
    FakeReminderRepository,
    FakeRepRepository,
    FakeTeamRepository,
)
from tests.fakes.store import (
    FakeStore,
    Rows,
    _tokens,
)


class FakeEventSink:
    """domain.webhooks.EventSink that keeps what was emitted."""

    def __init__(self) -> None:
        self.emitted: list[Candidate] = []

    def emit(self, candidate: Candidate) -> None:
        self.emitted.append(candidate)


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
        self.close_moves: PerOpportunity[CloseDateMove] = FakePerOpportunity(self, "close_moves")
        self.contracts: PerOpportunity[Contract] = FakePerOpportunity(self, "contracts")
        self.milestones: MilestoneRepository = FakeMilestoneRepository(
            self, "milestones", lambda m: (m.plan, m.seq, m.id))
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
        self.mail_quarantine: MailQuarantineRepository = FakeMailQuarantineRepository(self, "mail_quarantine")
        self.daily_reports: DailyReportRepository = FakeDailyReportRepository(self, "daily_reports")
        self.analytics: AnalyticsReader = FakeAnalyticsReader()
        self.targets: TargetRepository = FakeTargetRepository(self)
        self.approvals: ApprovalRepository = FakeApprovalRepository(self, "approvals")
        self.events = FakeEventSink()  # webhook events are delivered by storage.events only; here just kept

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

