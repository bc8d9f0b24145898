"""Group commit for the inbox, the hottest write (DESIGN.md §2).

Concurrent `put` calls are queued; one writer task inserts whatever has queued up in a single
transaction (ON CONFLICT DO NOTHING) and answers each caller only after that transaction committed.

New rows are born claimed by this worker with a lease (the fast path needs no other round trip); in the
same transaction, a redelivery of a stored row that is pending or whose lease expired is claimed too.
`put` is True for both: the caller queues the message for processing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.messaging import Claim, InboxRecord, InboxState
from storage.engine import make_session_factory
from storage.models import InboxRow
from storage.repositories.base import dialect_insert
from storage.repositories.inbox import INBOX, SqlAlchemyInboxRepository
from storage.uow import default_worker_id

log = logging.getLogger(__name__)

_Pending = tuple[InboxRecord, asyncio.Future[bool]]
_STOP = None


class GroupCommitInbox:
    """`put(record)` -> True when the row is now claimed by `worker` (stored now, or a redelivery of a
    row nobody holds), False when it is stored and held (or finished) already.

    `max_batch` caps the rows per transaction; `linger` (seconds) is how long the writer waits for
    more rows after the first one arrives (0: take only what has queued already).
    """

    def __init__(self, target: AsyncEngine | async_sessionmaker[AsyncSession], *,
                 max_batch: int = 500, linger: float = 0.001, busy_window: float = 0.01,
                 worker: str | None = None, lease_seconds: float = 60.0, max_attempts: int | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions = make_session_factory(target) if isinstance(target, AsyncEngine) else target
        self.worker = worker or default_worker_id()
        self._lease = timedelta(seconds=lease_seconds)
        self._max_attempts = max_attempts
        self._clock = clock or (lambda: datetime.now(UTC))
        self._max_batch = max_batch
        self._linger = linger
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self._writing = False
        self._last_put = float("-inf")
        self._busy_window = busy_window
        self.batches_written = 0  # transactions committed, for tests and metrics

    async def start(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._run(), name="inbox-group-commit")

    async def close(self) -> None:
        """Write what is queued, then stop. Later `put` calls raise RuntimeError."""
        if self._closing:
            return
        self._closing = True
        if self._writer is not None:
            self._queue.put_nowait(_STOP)
            await self._writer

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    @property
    def waiting(self) -> bool:
        """Rows are queued or being written, or arrived a moment ago (more are likely on their way)."""
        recent = time.monotonic() - self._last_put < self._busy_window
        return self._writing or recent or not self._queue.empty()

    async def put(self, record: InboxRecord) -> bool:
        """Resolves once the record's batch is committed; raises if the batch could not be stored."""
        if self._writer is None or self._closing:
            raise RuntimeError("GroupCommitInbox is not running (call start() first)")
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._last_put = time.monotonic()
        self._queue.put_nowait((record, future))
        return await future

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is _STOP:
                break
            if self._linger > 0 and self._queue.qsize() < self._max_batch:
                await asyncio.sleep(self._linger)
            batch = [first]
            while len(batch) < self._max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            self._writing = True
            try:
                await self._write(batch)
            finally:
                self._writing = False

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            inserted = await self._insert([record for record, _ in batch])
        except Exception as exc:
            if len(batch) > 1:  # find the bad row: write one by one
                for pending in batch:
                    await self._write([pending])
                return
            log.exception("inbox write failed")
            _settle(batch[0][1], exc)
            return
        self.batches_written += 1
        for record, future in batch:
            new_id = inserted.pop((record.channel, record.external_id), None)
            if new_id is not None:
                record.id = new_id
            _settle(future, new_id is not None)

    async def _insert(self, records: list[InboxRecord]) -> dict[tuple[str, str], int]:
        """Insert the batch in one transaction, born claimed; the keys (and ids) of the rows now ours."""
        now = self._clock()
        claim = Claim(self.worker, now + self._lease)
        unique: dict[tuple[str, str], dict[str, object]] = {}
        born = {"state": InboxState.CLAIMED.value, "claimed_by": claim.worker, "lease_until": claim.until,
                "attempts": 1}
        for record in records:  # the first of several callers with one key gets True
            unique.setdefault((record.channel, record.external_id), INBOX.columns(record, with_id=False) | born)
        async with self._sessions() as session, session.begin():
            rows = [unique[key] for key in sorted(unique)]  # one order in every process: no deadlocks
            stmt = (dialect_insert(session, InboxRow).values(rows)
                    .on_conflict_do_nothing(index_elements=["channel", "external_id"])
                    .returning(InboxRow.id, InboxRow.channel, InboxRow.external_id))
            ours = {(row.channel, row.external_id): row.id for row in (await session.execute(stmt)).all()}
            if redelivered := [key for key in unique if key not in ours]:
                taken = await SqlAlchemyInboxRepository(session).take_over(redelivered, claim, now,
                                                                           self._max_attempts)
                ours.update({(r.channel, r.external_id): r.id or 0 for r in taken})
        return ours


def _settle(future: asyncio.Future[bool], outcome: bool | BaseException) -> None:
    if future.done():  # the caller gave up (cancelled); the row is stored all the same
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
