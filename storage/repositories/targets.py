"""domain.analytics.TargetRepository: sales targets per team or rep and period (table targets)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import Target
from storage.repositories.analytics_sql import TARGETS
from storage.repositories.base import before_write, dialect_insert


def _target(row: Any) -> Target:
    return Target(row.scope_kind, row.scope_id, row.period, row.amount, row.amount_currency)


class SqlAlchemyTargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def set(self, target: Target, by: int | None, at: datetime) -> None:
        """Insert, or replace the amount of the target already set for that scope and period."""
        await before_write(self.session)
        values = {"scope_kind": target.scope_kind, "scope_id": target.scope_id, "period": target.period,
                  "amount": target.amount, "amount_currency": target.currency, "set_by": by, "updated_at": at}
        insert = dialect_insert(self.session, TARGETS).values(**values)
        await self.session.execute(insert.on_conflict_do_update(
            index_elements=["scope_kind", "scope_id", "period"],
            set_={"amount": insert.excluded.amount, "amount_currency": insert.excluded.amount_currency,
                  "set_by": insert.excluded.set_by, "updated_at": insert.excluded.updated_at}))

    async def get(self, scope_kind: str, scope_id: int, period: str) -> Target | None:
        row = (await self.session.execute(select(TARGETS).where(
            TARGETS.c.scope_kind == scope_kind, TARGETS.c.scope_id == scope_id, TARGETS.c.period == period))).first()
        return None if row is None else _target(row)

    async def for_period(self, period: str) -> Sequence[Target]:
        rows = await self.session.execute(select(TARGETS).where(TARGETS.c.period == period)
                                          .order_by(TARGETS.c.scope_kind, TARGETS.c.scope_id))
        return [_target(row) for row in rows]

    async def for_scopes(self, scope_kind: str, scope_ids: Iterable[int], period: str) -> Sequence[Target]:
        """The targets of these teams (or reps) for one period (beyond the port: an answer's few scopes)."""
        wanted = sorted(set(scope_ids))
        if not wanted:
            return []
        rows = await self.session.execute(select(TARGETS).where(
            TARGETS.c.scope_kind == scope_kind, TARGETS.c.scope_id.in_(wanted), TARGETS.c.period == period)
            .order_by(TARGETS.c.scope_id))
        return [_target(row) for row in rows]
