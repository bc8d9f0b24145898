"""Outbox (claimed atomically by senders); the inbox lives in storage.repositories.inbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.messaging import OutboxItem, OutboxStatus
from storage.mapping import RowMapper
from storage.models import OutboxRow
from storage.repositories.base import before_write, dialect_insert, statement, table_of
from storage.repositories.inbox import INBOX, SqlAlchemyInboxRepository
from storage.repositories.returning import update_returning
from storage.repositories.skip_locked import lock_skipping

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

        In order per recipient: an item is taken only if every older item to the same recipient on the
        same channel that is being sent, is due, or waits for a retry is taken with it (items held for quiet
        hours and never tried let later ones pass). So another process sending a recipient's earlier items,
        or an earlier item waiting for its retry (a channel that is down), holds the later ones back, and a
        backlog goes out in the order it was queued, whichever process claims it.

        PostgreSQL: the candidate rows are locked FOR UPDATE SKIP LOCKED, so concurrent claimers get
        disjoint rows without waiting. SQLite: transactions start with BEGIN IMMEDIATE (storage.engine),
        so claimers take turns. The ids are selected first and updated second: an UPDATE ... WHERE id IN
        (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) may re-run its subquery and take more than n rows.
        """
        due = and_(OutboxRow.status == OutboxStatus.PENDING.value,
                   or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now),
                   *([OutboxRow.channel.in_(list(channels))] if channels is not None else []))
        candidates = await lock_skipping(self.session, OutboxRow, OutboxRow.id, due,
                                         (OutboxRow.id, OutboxRow.channel, OutboxRow.recipient), limit)
        if not candidates:
            return []
        ids = await self._first_in_line(candidates, now)
        rows = await update_returning(
            self.session, OUTBOX_TABLE, OutboxRow.id.in_(ids),  # locked by us above: still pending; by key alone,
            # so MySQL reads them through the primary key, not the status index (where it would wait on others' rows)
            {"status": OutboxStatus.SENDING.value, "claimed_by": self.worker_id, "claimed_at": now,
             "attempts": OutboxRow.attempts + 1}, list(OUTBOX_TABLE.columns))
        return sorted((OUTBOX.load(row) for row in rows), key=lambda item: item.id or 0)

    async def _first_in_line(self, candidates: Sequence[Any], now: datetime) -> list[int]:
        """The candidates (id, channel, recipient) with nobody else's item ahead of them in their line."""
        mine = {row.id for row in candidates}
        line = (select(OutboxRow.id, OutboxRow.channel, OutboxRow.recipient)
                .where(OutboxRow.channel.in_({row.channel for row in candidates}),
                       OutboxRow.recipient.in_({row.recipient for row in candidates}),
                       OutboxRow.id <= max(mine), _in_line(OutboxRow, now))
                .order_by(OutboxRow.id))
        blocked: set[tuple[str, str]] = set()
        taken: list[int] = []
        for row in (await self.session.execute(line)).all():
            key = (row.channel, row.recipient)
            if key in blocked:
                continue
            if row.id in mine:
                taken.append(row.id)
            else:
                blocked.add(key)
        return taken

    async def listing(self, statuses: Iterable[OutboxStatus], limit: int = 100,
                      with_error: bool = False) -> Sequence[OutboxItem]:
        wanted = [OutboxStatus(s).value for s in statuses]
        stmt = select(OutboxRow).where(OutboxRow.status.in_(wanted)).order_by(OutboxRow.id).limit(limit)
        if with_error:
            stmt = stmt.where(OutboxRow.last_error != "")
        return [OUTBOX.load(row) for row in await self.session.scalars(stmt)]

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        await self._set(item_id, status=OutboxStatus.SENT.value, sent_at=at, last_error="")

    async def mark_retry(self, item_id: int, not_before: datetime, error: str, attempted: bool = True) -> None:
        """Back to pending, not before `not_before`; attempted=False gives the claim's attempt back."""
        extra = {} if attempted else {"attempts": OutboxRow.attempts - 1}
        await self._set(item_id, status=OutboxStatus.PENDING.value, not_before=not_before, last_error=error,
                        claimed_by=None, claimed_at=None, **extra)

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._set(item_id, status=OutboxStatus.FAILED.value, last_error=error)

    async def pending_for(self, channel: str, recipient: str, due_by: datetime | None = None) -> Sequence[OutboxItem]:
        """Items still waiting to be sent to this recipient, oldest first; with `due_by`, only those due by then
        (not held for quiet hours or a retry's wait)."""
        stmt = (select(OutboxRow)
                .where(OutboxRow.channel == channel, OutboxRow.recipient == recipient,
                       OutboxRow.status == OutboxStatus.PENDING.value)
                .order_by(OutboxRow.id))
        if due_by is not None:
            stmt = stmt.where(or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= due_by))
        return [OUTBOX.load(row) for row in await self.session.scalars(stmt)]

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these dedupe keys are stored (unique index), looked up in chunks of 500."""
        wanted = sorted(set(keys))
        found: set[str] = set()
        stmt = statement(__name__, "existing_keys", lambda: select(OutboxRow.dedupe_key).where(
            OutboxRow.dedupe_key.in_(bindparam("keys", expanding=True))))
        for start in range(0, len(wanted), 500):
            rows = await self.session.scalars(stmt, {"keys": wanted[start:start + 500]})
            found.update(key for key in rows if key is not None)
        return found

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
        mine = and_(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.SENDING.value,
                    OutboxRow.claimed_by == self.worker_id)
        rows = await update_returning(self.session, OUTBOX_TABLE, mine, {"claimed_at": at}, [OutboxRow.id])
        return {int(row[0]) for row in rows}

    async def _set(self, item_id: int, **values: Any) -> None:
        await before_write(self.session)
        stmt = update(OutboxRow).where(OutboxRow.id == item_id).values(**values)
        await self.session.execute(stmt, execution_options=_NO_SYNC)


def _in_line(table: Any, now: datetime) -> Any:
    """Items that keep later ones to their recipient waiting: sending, due, or waiting for a retry."""
    tried = or_(table.attempts > 0, table.last_error != "", table.not_before.is_(None), table.not_before <= now)
    waiting = table.status.in_((OutboxStatus.SENDING.value, OutboxStatus.PENDING.value))  # the index's third column
    pending_and_tried = and_(table.status == OutboxStatus.PENDING.value, tried)
    return and_(waiting, or_(table.status == OutboxStatus.SENDING.value, pending_and_tried))
