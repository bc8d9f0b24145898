"""Pages of the open API (issue #16): records a scope admits (domain.record_scope), filtered, by id after a
cursor. Each page is one query of ids (the scope and filters in SQL, keyset on the primary key) and one read
of those rows through their repository, so the API returns the same domain objects as chat."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customer import Contact, Customer
from domain.listing import ViewScope
from domain.record_scope import RecordScope
from storage.models import AuditRow, ContactRow, CustomerRow, OpportunityRow, OpportunityShareRow
from storage.repositories.base import like_pattern
from storage.repositories.customers import SqlAlchemyContactRepository, SqlAlchemyCustomerRepository


def deal_condition(scope: ViewScope) -> ColumnElement[bool] | None:
    """The deals `scope` admits, as a condition on opportunities (None: all of them)."""
    if scope.everything:
        return None
    conditions: list[ColumnElement[bool]] = []
    if scope.owner_ids:
        conditions.append(OpportunityRow.owner_id.in_(sorted(scope.owner_ids)))
    if scope.team_ids:
        conditions.append(OpportunityRow.team_id.in_(sorted(scope.team_ids)))
    if scope.sharee_id is not None:
        shared = select(OpportunityShareRow.opportunity_id).where(OpportunityShareRow.rep_id == scope.sharee_id)
        conditions.append(OpportunityRow.id.in_(shared))
    return or_(*conditions) if conditions else false()


def customer_condition(scope: RecordScope) -> ColumnElement[bool] | None:
    """The customers `scope` admits (RecordScope.admits_customer), None: all of them."""
    if scope.everything:
        return None
    deals = deal_condition(scope.deals)
    pooled: ColumnElement[bool] = CustomerRow.owner_id.is_(None)
    if scope.pool_team_ids is not None:
        pooled = and_(pooled, or_(CustomerRow.pool_team_id.is_(None),
                                  CustomerRow.pool_team_id.in_(sorted(scope.pool_team_ids))))
    conditions = [pooled, CustomerRow.id.in_(select(OpportunityRow.customer_id).where(deals if deals is not None
                                                                                      else false()))]
    if scope.deals.owner_ids:
        conditions.append(CustomerRow.owner_id.in_(sorted(scope.deals.owner_ids)))
    return or_(*conditions)


def changed_since(entity: str, since: datetime) -> Any:
    """Ids of `entity` rows the audit trail saw created or changed at or after `since`."""
    return select(AuditRow.entity_id).where(AuditRow.entity == entity, AuditRow.at >= since)


class ApiLists:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.customers = SqlAlchemyCustomerRepository(session)
        self.contacts = SqlAlchemyContactRepository(session)

    async def _ids(self, id_column: Any, conditions: list[Any], after: int, limit: int) -> list[int]:
        stmt = select(id_column).where(id_column > after, *[c for c in conditions if c is not None])
        return list(await self.session.scalars(stmt.order_by(id_column).limit(limit)))

    async def customer_page(self, scope: RecordScope, filters: dict[str, Any], after: int,
                            limit: int) -> Sequence[Customer]:
        conditions = [customer_condition(scope), *customer_filters(filters)]
        ids = await self._ids(CustomerRow.id, conditions, after, limit)
        found = await self.customers.many(ids)
        return [found[i] for i in ids if i in found]

    async def customer_visible(self, scope: RecordScope, customer_id: int) -> bool:
        condition = customer_condition(scope)
        return bool(await self._ids(CustomerRow.id, [CustomerRow.id == customer_id, condition], 0, 1))

    async def customer_changed_at(self, ids: Sequence[int]) -> dict[int, datetime]:
        """When the audit trail last saw each of these customers created or changed (the rows `changed_since`
        reads for the `updated_since` filter); customers without an entry are left out."""
        if not ids:
            return {}
        stmt = (select(AuditRow.entity_id, func.max(AuditRow.at))
                .where(AuditRow.entity == "customer", AuditRow.entity_id.in_(sorted(set(ids))))
                .group_by(AuditRow.entity_id))
        return {row[0]: row[1] for row in await self.session.execute(stmt)}

    async def contact_page(self, scope: RecordScope, filters: dict[str, Any], after: int,
                           limit: int) -> Sequence[Contact]:
        condition = customer_condition(scope)
        conditions: list[Any] = []
        if condition is not None:
            conditions.append(ContactRow.customer_id.in_(select(CustomerRow.id).where(condition)))
        if (customer_id := filters.get("customer_id")) is not None:
            conditions.append(ContactRow.customer_id == customer_id)
        if q := filters.get("q"):  # lower() on both sides: LIKE's case rule differs between engines
            conditions.append(func.lower(ContactRow.name).like(like_pattern(q.lower()), escape="\\"))
        if email := (filters.get("email") or "").strip().lower():  # addresses match whatever their case, as in mail
            conditions.append(func.lower(ContactRow.email) == email)
        ids = await self._ids(ContactRow.id, conditions, after, limit)
        found = await self.contacts.many(ids)
        return [found[i] for i in ids if i in found]


def customer_filters(filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if q := filters.get("q"):
        conditions.append(CustomerRow.search_text.like(like_pattern(q.casefold()), escape="\\"))
    if tag := filters.get("tag"):
        pattern = like_pattern(json.dumps(tag, ensure_ascii=False))
        conditions.append(cast(CustomerRow.tags, Text).like(pattern, escape="\\"))
    if (owner := filters.get("owner_id")) is not None:
        conditions.append(CustomerRow.owner_id == owner)
    if (since := filters.get("updated_since")) is not None:
        conditions.append(or_(CustomerRow.created_at >= since, CustomerRow.id.in_(changed_since("customer", since))))
    if region := filters.get("region"):
        conditions.append(CustomerRow.region == region)
    return conditions
