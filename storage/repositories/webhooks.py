"""Webhook subscriptions (table webhooks) and their deliveries (outbox rows on channel "webhook")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from domain.messaging import OutboxItem, OutboxStatus
from domain.webhooks import CHANNEL, Subscription
from storage.mapping import RowMapper
from storage.models import OutboxRow, WebhookRow
from storage.repositories.base import SqlRepository, statement
from storage.repositories.messaging import OUTBOX


class SqlAlchemyWebhookRepository(SqlRepository[Subscription, WebhookRow]):
    row, mapper, what, ref_prefix = WebhookRow, RowMapper(Subscription), ("推送", "webhook"), "W"

    async def list(self) -> Sequence[Subscription]:
        """Every subscription, oldest first."""
        return await self._all(select(self.table()).order_by(self.table().c.id), {})

    async def active(self) -> Sequence[Subscription]:
        """The subscriptions that receive events (read at every commit that raised one)."""
        def build() -> Any:
            table = self.table()
            return select(table).where(table.c.active.is_(True)).order_by(table.c.id)

        return await self._all(statement(type(self), "active", build), {})

    async def delivery(self, delivery_id: int) -> OutboxItem | None:
        """A webhook delivery (outbox row) by its id; None for any other outbox row."""
        stmt = select(OutboxRow).where(OutboxRow.id == delivery_id, OutboxRow.channel == CHANNEL)
        row = await self.session.scalar(stmt)
        return None if row is None else OUTBOX.load(row)

    async def dead_letters(self, limit: int = 20) -> Sequence[tuple[OutboxItem, datetime | None]]:
        """Deliveries given up on, newest first, with when they were last tried."""
        stmt = (select(OutboxRow).where(OutboxRow.channel == CHANNEL, OutboxRow.status == OutboxStatus.FAILED.value)
                .order_by(OutboxRow.id.desc()).limit(limit))
        return [(OUTBOX.load(row), row.claimed_at) for row in await self.session.scalars(stmt)]
