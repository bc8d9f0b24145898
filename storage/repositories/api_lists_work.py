"""Pages of deal money and delivery records for the open API (issue #16): quotes, contracts, payment
milestones, invoices, projects and tasks. A record is visible iff its deal is (the scope's deal condition,
storage.repositories.api_lists); filters and the keyset on the id are in SQL, rows are read back through
their repositories, so the API returns the domain objects chat uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.record_scope import RecordScope
from storage.models import (
    ContractRow,
    InvoiceRow,
    OpportunityRow,
    PaymentMilestoneRow,
    ProjectRow,
    QuoteRow,
    TaskRow,
)
from storage.repositories.api_lists import changed_since, deal_condition
from storage.repositories.base import SqlRepository
from storage.repositories.delivery import SqlAlchemyProjectRepository, SqlAlchemyTaskRepository
from storage.repositories.records import (
    SqlAlchemyContractRepository,
    SqlAlchemyInvoiceRepository,
    SqlAlchemyPaymentMilestoneRepository,
    SqlAlchemyQuoteRepository,
)

# resource -> (row, repository, audit entity name)
_KINDS: dict[str, tuple[Any, type[SqlRepository[Any, Any]], str]] = {
    "quotes": (QuoteRow, SqlAlchemyQuoteRepository, "quote"),
    "contracts": (ContractRow, SqlAlchemyContractRepository, "contract"),
    "payment_milestones": (PaymentMilestoneRow, SqlAlchemyPaymentMilestoneRepository, "milestone"),
    "invoices": (InvoiceRow, SqlAlchemyInvoiceRepository, "invoice"),
    "projects": (ProjectRow, SqlAlchemyProjectRepository, "project"),
}


def visible_deals(scope: RecordScope, customer_id: int | None = None) -> Any:
    """Ids of the deals the scope admits (of one customer when given), as a subquery."""
    conditions = [c for c in (deal_condition(scope.deals),) if c is not None]
    if customer_id is not None:
        conditions.append(OpportunityRow.customer_id == customer_id)
    return select(OpportunityRow.id).where(*conditions)


def _deal_filters(row: Any, scope: RecordScope, filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not scope.everything or filters.get("customer_id") is not None:
        conditions.append(row.opportunity_id.in_(visible_deals(scope, filters.get("customer_id"))))
    if (deal := filters.get("opportunity_id")) is not None:
        conditions.append(row.opportunity_id == deal)
    return conditions


class WorkLists:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _page(self, kind: str, conditions: list[Any], after: int, limit: int) -> Sequence[Any]:
        row, repository, _ = _KINDS.get(kind) or (TaskRow, SqlAlchemyTaskRepository, "task")
        stmt = select(row.id).where(row.id > after, *conditions).order_by(row.id).limit(limit)
        ids = list(await self.session.scalars(stmt))
        found = await repository(self.session).many(ids)
        return [found[i] for i in ids if i in found]

    async def deal_child_page(self, kind: str, scope: RecordScope, filters: dict[str, Any], after: int,
                              limit: int) -> Sequence[Any]:
        """Quotes, contracts, payment milestones, invoices or projects of the deals the scope admits.
        Filters: opportunity_id, customer_id, status / approval (the `state` of the record), updated_since
        (created or changed at or after, from the audit trail)."""
        row, _, entity = _KINDS[kind]
        conditions = _deal_filters(row, scope, filters)
        for name in ("status", "approval"):
            if (value := filters.get(name)) is not None:
                conditions.append(getattr(row, name) == value)
        if kind == "payment_milestones" and not filters.get("history"):
            conditions.append(PaymentMilestoneRow.replaced_at.is_(None))
        if (since := filters.get("updated_since")) is not None:
            conditions.append(row.id.in_(changed_since(entity, since)))
        return await self._page(kind, conditions, after, limit)

    async def task_page(self, scope: RecordScope, filters: dict[str, Any], after: int, limit: int) -> Sequence[Any]:
        """Tasks of the projects of the deals the scope admits; filters project_id, opportunity_id,
        customer_id, assignee_id, status, updated_since."""
        projects = select(ProjectRow.id).where(*_deal_filters(ProjectRow, scope, filters))
        conditions: list[Any] = [TaskRow.project_id.in_(projects)]
        for name in ("project_id", "assignee_id", "status"):
            if (value := filters.get(name)) is not None:
                conditions.append(getattr(TaskRow, name) == value)
        if (since := filters.get("updated_since")) is not None:
            conditions.append(TaskRow.updated_at >= since)
        return await self._page("tasks", conditions, after, limit)
