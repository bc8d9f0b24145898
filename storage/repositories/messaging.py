"""Outbox (claimed atomically by senders); the inbox lives in storage.repositories.inbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.messaging import OutboxItem, OutboxStatus
from storage.mapping import RowMapper
from storage.models import OutboxRow
from storage.repositories.base import before_write, dialect_insert, statement, table_of
from storage.repositories.inbox import INBOX, SqlAlchemyInboxRepository

__all__ = ["INBOX", "SqlAlchemyInboxRepository", "SqlAlchemyOutboxRepository"]

OUTBOX = RowMapper(OutboxItem)
_NO_SYNC = {"synchronize_session": False}
OUTBOX_TABLE = table_of(OutboxRow)


class SqlAlchemyOutboxRepository:
    """`worker_id` is written to claimed rows (claimed_by), to see which process holds them."""

    def __init__(self, session: AsyncSession, worker_id: str = "") -> None:
        self.session = session
        self.worker_id = worker_id

    async def add(self, item: OutboxItem) -> OutboxItem | None:
        """None when an item with the same dedupe_key exists. Sets `item.id` when stored."""
        await before_write(self.session)
        stmt = (dialect_insert(self.session, OutboxRow)
                .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxRow.id))
        new_id = (await self.session.execute(stmt, OUTBOX.columns(item, with_id=False))).scalar_one_or_none()
        if new_id is None:
            return None
        item.id = new_id
        return item

    async def add_many(self, items: Sequence[OutboxItem]) -> None:
        if not items:
            return
        await before_write(self.session)
        dialect = self.session.get_bind().dialect.name
        stmt = statement(__name__, f"add_many:{dialect}", lambda: dialect_insert(self.session, OUTBOX_TABLE)
                         .on_conflict_do_nothing(index_elements=["dedupe_key"]))
        await self.session.execute(stmt, [OUTBOX.columns(item, with_id=False) for item in items])

    async def claim(self, now: datetime, limit: int = 50,
                    channels: Iterable[str] | None = None) -> Sequence[OutboxItem]:
        """Take due pending items and mark them sending (attempts + 1), oldest first.

        PostgreSQL: the candidate rows are locked FOR UPDATE SKIP LOCKED, so concurrent claimers get
        disjoint rows without waiting. SQLite: transactions start with BEGIN IMMEDIATE (storage.engine),
        so claimers take turns. The ids are selected first and updated second: an UPDATE ... WHERE id IN
        (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) may re-run its subquery and take more than n rows.
        """
        due = (select(OutboxRow.id)
               .where(OutboxRow.status == OutboxStatus.PENDING.value,
                      or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now))
               .order_by(OutboxRow.id).limit(limit).with_for_update(skip_locked=True))
        if channels is not None:
            due = due.where(OutboxRow.channel.in_(list(channels)))
        ids = list(await self.session.scalars(due))
        if not ids:
            return []
        stmt = (update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.PENDING.value)
                .values(status=OutboxStatus.SENDING.value, claimed_by=self.worker_id, claimed_at=now,
                        attempts=OutboxRow.attempts + 1)
                .returning(*OutboxRow.__table__.columns))
        rows = (await self.session.execute(stmt, execution_options=_NO_SYNC)).all()
        return sorted((OUTBOX.load(row) for row in rows), key=lambda item: item.id or 0)

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        await self._set(item_id, status=OutboxStatus.SENT.value, sent_at=at, last_error="")

    async def mark_retry(self, item_id: int, not_before: datetime, error: str, attempted: bool = True) -> None:
        """Back to pending, not before `not_before`; attempted=False gives the claim's attempt back."""
        extra = {} if attempted else {"attempts": OutboxRow.attempts - 1}
        await self._set(item_id, status=OutboxStatus.PENDING.value, not_before=not_before, last_error=error,
                        claimed_by=None, claimed_at=None, **extra)

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._set(item_id, status=OutboxStatus.FAILED.value, last_error=error)

    async def pending_for(self, channel: str, recipient: str) -> Sequence[OutboxItem]:
        """Items still waiting to be sent to this recipient, oldest first."""
        stmt = (select(OutboxRow)
                .where(OutboxRow.channel == channel, OutboxRow.recipient == recipient,
                       OutboxRow.status == OutboxStatus.PENDING.value)
                .order_by(OutboxRow.id))
        return [OUTBOX.load(row) for row in await self.session.scalars(stmt)]

    async def count_failed(self) -> int:
        stmt = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == OutboxStatus.FAILED.value)
        return int((await self.session.execute(stmt)).scalar_one())

    async def release_stale(self, claimed_before: datetime) -> int:
        """Return items stuck in sending (their claimer died) to pending; how many were released."""
        stmt = (update(OutboxRow)
                .where(OutboxRow.status == OutboxStatus.SENDING.value, OutboxRow.claimed_at < claimed_before)
                .values(status=OutboxStatus.PENDING.value, claimed_by=None, claimed_at=None))
        result = await self.session.execute(stmt, execution_options=_NO_SYNC)
        return int(getattr(result, "rowcount", 0))

    async def release(self, item_ids: Iterable[int]) -> int:
        """Give back this worker's claims that were not sent (graceful stop): pending, attempt not counted."""
        ids = list(item_ids)
        if not ids:
            return 0
        await before_write(self.session)
        stmt = (update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.SENDING.value,
                       OutboxRow.claimed_by == self.worker_id)
                .values(status=OutboxStatus.PENDING.value, claimed_by=None, claimed_at=None,
                        attempts=case((OutboxRow.attempts > 0, OutboxRow.attempts - 1), else_=0)))
        result = await self.session.execute(stmt, execution_options=_NO_SYNC)
        return int(getattr(result, "rowcount", 0))

    async def renew(self, item_ids: Iterable[int], at: datetime) -> set[int]:
        """Move the claim time of this worker's items still sending to `at`: release_stale leaves them alone."""
        ids = list(item_ids)
        if not ids:
            return set()
        await before_write(self.session)
        stmt = (update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.SENDING.value,
                       OutboxRow.claimed_by == self.worker_id)
                .values(claimed_at=at).returning(OutboxRow.id))
        return set((await self.session.scalars(stmt, execution_options=_NO_SYNC)).all())

    async def _set(self, item_id: int, **values: Any) -> None:
        await before_write(self.session)
        stmt = update(OutboxRow).where(OutboxRow.id == item_id).values(**values)
        await self.session.execute(stmt, execution_options=_NO_SYNC)
