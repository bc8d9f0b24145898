"""Pages of leads and deals for the open API (issue #16): the scope (domain.record_scope) and filters in SQL,
keyset on the id, rows read back through their repositories (storage.repositories.api_lists for customers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lead import Lead
from domain.opportunity import Opportunity
from domain.record_scope import RecordScope
from storage.models import LeadRow, OpportunityRow
from storage.repositories.api_lists import deal_condition
from storage.repositories.deals import SqlAlchemyLeadRepository, SqlAlchemyOpportunityRepository


def lead_condition(scope: RecordScope) -> ColumnElement[bool] | None:
    """The leads `scope` admits (RecordScope.admits_lead), None: all of them."""
    if scope.everything:
        return None
    conditions: list[ColumnElement[bool]] = []
    if scope.lead_owner_id is not None:
        conditions.append(LeadRow.owner_id == scope.lead_owner_id)
    if scope.lead_team_ids:
        conditions.append(LeadRow.team_id.in_(sorted(scope.lead_team_ids)))
    return or_(*conditions) if conditions else false()


class DealLists:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.leads = SqlAlchemyLeadRepository(session)
        self.deals = SqlAlchemyOpportunityRepository(session)

    async def _ids(self, id_column: Any, conditions: list[Any], after: int, limit: int) -> list[int]:
        stmt = select(id_column).where(id_column > after, *[c for c in conditions if c is not None])
        return list(await self.session.scalars(stmt.order_by(id_column).limit(limit)))

    async def lead_page(self, scope: RecordScope, filters: dict[str, Any], after: int, limit: int) -> Sequence[Lead]:
        conditions: list[Any] = [lead_condition(scope)]
        for name in ("owner_id", "customer_id", "status"):
            if (value := filters.get(name)) is not None:
                conditions.append(getattr(LeadRow, name) == value)
        ids = await self._ids(LeadRow.id, conditions, after, limit)
        found = await self.leads.many(ids)
        return [found[i] for i in ids if i in found]

    async def lead_visible(self, scope: RecordScope, lead_id: int) -> bool:
        return bool(await self._ids(LeadRow.id, [LeadRow.id == lead_id, lead_condition(scope)], 0, 1))

    async def deal_page(self, scope: RecordScope, filters: dict[str, Any], after: int,
                        limit: int) -> Sequence[Opportunity]:
        conditions: list[Any] = [deal_condition(scope.deals)]
        for name in ("owner_id", "customer_id", "stage"):
            if (value := filters.get(name)) is not None:
                conditions.append(getattr(OpportunityRow, name) == value)
        if (since := filters.get("updated_since")) is not None:
            conditions.append(OpportunityRow.updated_at >= since)
        ids = await self._ids(OpportunityRow.id, conditions, after, limit)
        found = await self.deals.many(ids)
        return [found[i] for i in ids if i in found]
