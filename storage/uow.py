"""The unit of work: one session, one transaction, every repository. Rolls back unless committed."""

from __future__ import annotations

import asyncio
import functools
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import tzinfo
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.analytics import AnalyticsReader, TargetRepository
from domain.billing import Contract, Invoice, Payment
from domain.delivery import Project
from domain.health import HealthReader
from domain.opportunity import CloseDateMove
from domain.pool_ports import PoolRepository
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
from domain.risk_ports import RiskRepository
from domain.sms_ports import SmsRepository
from domain.visit import VisitRepository
from domain.win_ports import WinDataRepository
from storage.events import EventJournal
from storage.repositories import deal_children
from storage.repositories.analytics import DEFAULT_ZONE, SqlAlchemyAnalyticsReader
from storage.repositories.approvals import SqlAlchemyApprovalRepository
from storage.repositories.base import RELEASE_SAVEPOINT, ROLLBACK_TO_SAVEPOINT, SAVEPOINT
from storage.repositories.customers import SqlAlchemyContactRepository, SqlAlchemyCustomerRepository
from storage.repositories.daily_reports import SqlAlchemyDailyReportRepository
from storage.repositories.deals import (
    SqlAlchemyLeadRepository,
    SqlAlchemyOpportunityRepository,
    SqlAlchemyReminderRepository,
)
from storage.repositories.delivery import (
    SqlAlchemyChangeRequestRepository,
    SqlAlchemyMilestoneRepository,
    SqlAlchemyProjectEventRepository,
    SqlAlchemyProjectFileRepository,
    SqlAlchemyProjectRepository,
    SqlAlchemyRatingRepository,
    SqlAlchemyTaskRepository,
)
from storage.repositories.esign import SqlAlchemyContractSignatureRepository
from storage.repositories.handover import SqlAlchemyHandoverRepository
from storage.repositories.health import SqlAlchemyHealthReader
from storage.repositories.mail import SqlAlchemyMailQuarantineRepository, SqlAlchemyMailThreadRepository
from storage.repositories.messaging import SqlAlchemyInboxRepository, SqlAlchemyOutboxRepository
from storage.repositories.people import SqlAlchemyRepRepository, SqlAlchemyTeamRepository
from storage.repositories.pool import SqlAlchemyPoolRepository
from storage.repositories.records import (
    SqlAlchemyCloseDateMoveRepository,
    SqlAlchemyContractRepository,
    SqlAlchemyFollowUpRepository,
    SqlAlchemyInvoiceRepository,
    SqlAlchemyPaymentMilestoneRepository,
    SqlAlchemyPaymentRepository,
    SqlAlchemyQuoteRepository,
)
from storage.repositories.risk_alerts import SqlAlchemyRiskRepository
from storage.repositories.sms import SqlAlchemySmsRepository
from storage.repositories.system import SqlAlchemyAuditRepository, SqlAlchemySettingsRepository
from storage.repositories.targets import SqlAlchemyTargetRepository
from storage.repositories.usage import SqlAlchemyUsageRepository
from storage.repositories.visits import SqlAlchemyVisitRepository
from storage.repositories.webhooks import SqlAlchemyWebhookRepository
from storage.repositories.win_data import SqlAlchemyWinDataRepository
from storage.sqlite_inline import OFF_LOOP


class _LazySavepoint:
    def __init__(self, depth: int) -> None:
        self.open = False
        self.depth = depth  # savepoints opened around this one (each depth has its own name)


@functools.cache
def default_worker_id() -> str:
    """This process's name in claims: hostname:pid:random (a pid can be reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a session; leaving the block rolls back whatever was not committed.

    Implements domain.ports.UnitOfWork, plus delivery repositories (project_milestones, tasks,
    change_requests, ratings) and `session` for queries the repositories do not cover.
    """

    # Typed as the domain.ports protocols, so this class is a domain.ports.UnitOfWork (and mypy checks
    # that every repository below implements its protocol).
    reps: RepRepository
    teams: TeamRepository
    customers: CustomerRepository
    contacts: ContactRepository
    leads: LeadRepository
    opportunities: OpportunityRepository
    followups: FollowUpRepository
    quotes: PerOpportunity[Quote]
    close_moves: PerOpportunity[CloseDateMove]  # expected close dates moved later (issue #13)
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
    analytics: AnalyticsReader
    targets: TargetRepository
    approvals: ApprovalRepository  # issue #14 approvals
    # Beyond the protocol: delivery rows.
    project_milestones: SqlAlchemyMilestoneRepository
    tasks: SqlAlchemyTaskRepository
    change_requests: SqlAlchemyChangeRequestRepository
    ratings: SqlAlchemyRatingRepository
    project_events: SqlAlchemyProjectEventRepository  # issue #15 a project's timeline
    project_files: SqlAlchemyProjectFileRepository  # issue #15 files attached to a project
    risks: RiskRepository  # issue #11 risk warnings: candidate scans and the risk_alerts ledger
    wins: WinDataRepository  # issue #13 win model: deal histories page by page, win_scores
    health: HealthReader  # issue #13 customer health facts
    pool: PoolRepository  # issue #14 the lead pool: its events log, list and reclaim scan
    handover: SqlAlchemyHandoverRepository  # issue #14 a leaver's book moved in set-based statements
    visits: VisitRepository  # issue #14 visit check-ins
    webhooks: SqlAlchemyWebhookRepository  # issue #16 webhook subscriptions and their deliveries
    events: EventJournal  # issue #16 webhook events raised by this transaction, queued at commit
    usage: SqlAlchemyUsageRepository  # issue #16 usage events and feedback
    sms: SmsRepository  # issue #16 SMS: subscriptions, customer opt-outs, the sends ledger
    signatures: SqlAlchemyContractSignatureRepository  # issue #16 e-signature requests of contracts
    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *,
                 worker_id: str | None = None, zone: tzinfo = DEFAULT_ZONE) -> None:
        """`zone`: the company's time zone, whose days make the analytics periods."""
        self._session_factory = session_factory
        self.zone = zone
        self.worker_id = worker_id or default_worker_id()

    async def __aenter__(self) -> Self:
        session = self.session = self._session_factory()
        self.reps = SqlAlchemyRepRepository(session)
        self.teams = SqlAlchemyTeamRepository(session)
        self.customers = SqlAlchemyCustomerRepository(session)
        self.contacts = SqlAlchemyContactRepository(session)
        self.leads = SqlAlchemyLeadRepository(session)
        self.opportunities = SqlAlchemyOpportunityRepository(session)
        self.followups = SqlAlchemyFollowUpRepository(session)
        self.quotes = SqlAlchemyQuoteRepository(session)
        self.close_moves = SqlAlchemyCloseDateMoveRepository(session)
        self.contracts = SqlAlchemyContractRepository(session)
        self.milestones = SqlAlchemyPaymentMilestoneRepository(session)
        self.payments = SqlAlchemyPaymentRepository(session)
        self.invoices = SqlAlchemyInvoiceRepository(session)
        self.projects = SqlAlchemyProjectRepository(session)
        self.project_milestones = SqlAlchemyMilestoneRepository(session)
        self.tasks = SqlAlchemyTaskRepository(session)
        self.change_requests = SqlAlchemyChangeRequestRepository(session)
        self.ratings = SqlAlchemyRatingRepository(session)
        self.project_events = SqlAlchemyProjectEventRepository(session)
        self.project_files = SqlAlchemyProjectFileRepository(session)
        self.reminders = SqlAlchemyReminderRepository(session)
        self.events = EventJournal(self)
        self.audit = self._audit = SqlAlchemyAuditRepository(session, observer=self.events.observe)
        self.inbox = SqlAlchemyInboxRepository(session)
        self.outbox = SqlAlchemyOutboxRepository(session, self.worker_id)
        self.settings = SqlAlchemySettingsRepository(session)
        self.mail_threads = SqlAlchemyMailThreadRepository(session)
        self.mail_quarantine = SqlAlchemyMailQuarantineRepository(session)
        self.daily_reports = SqlAlchemyDailyReportRepository(session)
        self.analytics = SqlAlchemyAnalyticsReader(session, self.zone)
        self.targets = SqlAlchemyTargetRepository(session)
        self.approvals = SqlAlchemyApprovalRepository(session)
        self.risks = SqlAlchemyRiskRepository(session)
        self.wins = SqlAlchemyWinDataRepository(session)
        self.health = SqlAlchemyHealthReader(session)
        self.pool = SqlAlchemyPoolRepository(session)
        self.handover = SqlAlchemyHandoverRepository(session)
        self.visits = SqlAlchemyVisitRepository(session)
        self.webhooks = SqlAlchemyWebhookRepository(session)
        self.usage = SqlAlchemyUsageRepository(session)
        self.sms = SqlAlchemySmsRepository(session)
        self.signatures = SqlAlchemyContractSignatureRepository(session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        """Rolls back whatever was not committed, then gives the connection back."""
        try:
            await self.session.rollback()
        finally:
            await self.session.close()
            if OFF_LOOP.get():  # a scheduled job: let a request waiting for the (SQLite: only) connection
                await asyncio.sleep(0)  # take it before the job's next unit of work does

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Lazy: SAVEPOINT is emitted by the first write inside the block (repositories call
        `before_write`), so a block that only reads costs nothing extra."""
        outer = self.session.info.get("savepoint")
        depth = min(outer.depth + outer.open, len(SAVEPOINT) - 1) if outer is not None else 0
        lazy = self.session.info["savepoint"] = _LazySavepoint(depth)
        audit_mark, event_mark = len(self._audit.pending), self.events.mark()
        try:
            yield
        except BaseException:
            del self._audit.pending[audit_mark:]  # write-behind audit rows of the failed block
            self.events.forget(event_mark)  # and the webhook events its writes raised
            if lazy.open:
                await self.session.execute(ROLLBACK_TO_SAVEPOINT[lazy.depth])
                await self.session.execute(RELEASE_SAVEPOINT[lazy.depth])
            raise
        finally:
            self.session.info.pop("savepoint", None)
            deal_children.forget(self.session)
        if lazy.open:
            await self.session.execute(RELEASE_SAVEPOINT[lazy.depth])

    async def commit(self) -> None:
        await self.events.publish()  # webhook deliveries: in this transaction, with the changes raising them
        await self._audit.flush()
        await self.session.commit()

    async def rollback(self) -> None:
        self._audit.pending.clear()
        self.events.forget()
        await self.session.rollback()


if TYPE_CHECKING:
    def _conforms(uow: SqlAlchemyUnitOfWork) -> UnitOfWork:  # mypy: this class is a UnitOfWork
        return uow
