"""This process's share of the inbox work queue (DESIGN.md §1): claims, the sweep, the lease heartbeat.

The in-memory processor queue is only a fast path. What this process accepted is born claimed by it
(`worker`); a periodic sweep (every process) claims rows that were never claimed, whose backoff is over,
or whose claimer's lease ran out (a dead process), and feeds them to the processor; a heartbeat renews
the leases of what waits in memory; a graceful stop gives back whatever was not processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.messaging import Claim, InboxRecord, InboxState, RetryPolicy
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (channel, external_id)


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """The `[queue]` config section."""

    lease_seconds: float = 60.0
    sweep_interval: float = 5.0
    max_attempts: int = 5
    retry_base_delay: float = 2.0
    sweep_batch: int = 200  # rows claimed per sweep at most
    max_backlog: int = 2000  # the sweep claims nothing while this many messages wait in memory

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> QueueSettings:
        return cls(lease_seconds=float(section.get("lease_seconds", 60.0)),
                   sweep_interval=float(section.get("sweep_interval", 5.0)),
                   max_attempts=int(section.get("max_attempts", 5)),
                   retry_base_delay=float(section.get("retry_base_delay", 2.0)))

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.max_attempts, base_delay=self.retry_base_delay)


class InboxQueue:
    """`held()` tells which keys wait in this process's memory; `submit` queues a claimed message."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], settings: QueueSettings, worker: str,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.uow_factory = uow_factory
        self.settings = settings
        self.worker = worker
        self.clock = clock or (lambda: datetime.now(UTC))  # wall time: leases are shared between processes
        self._lease = timedelta(seconds=settings.lease_seconds)
        self._renewed = datetime.min.replace(tzinfo=UTC)
        self._task: asyncio.Task[None] | None = None

    def claim(self) -> Claim:
        return Claim(self.worker, self.clock() + self._lease)

    async def accept(self, uow: UnitOfWork, record: InboxRecord) -> bool:
        """Store `record` born claimed, or claim a stored row nobody holds (a redelivery); True: queue it."""
        claim = self.claim()
        if await uow.inbox.add(record, claim):
            return True
        key = (record.channel, record.external_id)
        return bool(await uow.inbox.take_over([key], claim, self.clock(), self.settings.max_attempts))

    async def sweep(self, held: Collection[Key], backlog: int) -> list[InboxRecord]:
        """Renew the leases of `held` when a third of the lease has passed; claim what is due and not
        held, as long as fewer than `max_backlog` messages wait in memory."""
        now = self.clock()
        room = min(self.settings.sweep_batch, self.settings.max_backlog - backlog)
        async with self.uow_factory() as uow:
            if held and now - self._renewed >= self._lease / 3:
                await uow.inbox.hold(list(held), self.claim())
                self._renewed = now
            taken = list(await uow.inbox.take(self.claim(), now, room, self.settings.max_attempts)) if room > 0 else []
            await uow.commit()
        return [record for record in taken if (record.channel, record.external_id) not in held]

    async def orphans(self, held: Collection[Key], limit: int) -> list[InboxRecord]:
        """Rows this worker claimed (accepted) but that wait nowhere in memory."""
        async with self.uow_factory() as uow:
            mine = await uow.inbox.held_by(self.worker, limit + len(held))
        return [r for r in mine if (r.channel, r.external_id) not in held][:limit]

    async def fail(self, key: Key, error: str) -> InboxState | None:
        """Record a failed attempt: pending again after a backoff, or dead after max_attempts."""
        async with self.uow_factory() as uow:
            state = await uow.inbox.fail(key, self.worker, error, self.clock(), self.settings.policy)
            await uow.commit()
        if state is InboxState.DEAD:
            log.error("%s message %s failed %d times; dead-lettered (dealbot inbox --failed)",
                      key[0], key[1], self.settings.max_attempts)
        return state

    async def release(self, keys: Iterable[Key]) -> int:
        wanted = list(keys)
        if not wanted:
            return 0
        async with self.uow_factory() as uow:
            count = await uow.inbox.release(wanted, self.worker)
            await uow.commit()
        log.info("released %d inbox claims for other workers", count)
        return count

    def start(self, feed: Callable[[list[InboxRecord]], None], held: Callable[[], Collection[Key]],
              backlog: Callable[[], int]) -> None:
        """Sweep every `sweep_interval` seconds in the background until `stop`."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(feed, held, backlog), name="inbox-sweep")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, feed: Callable[[list[InboxRecord]], None], held: Callable[[], Collection[Key]],
                   backlog: Callable[[], int]) -> None:
        while True:
            try:
                feed(await self.sweep(held(), backlog()))
            except Exception:  # the database may be away for a moment: try again next time
                log.exception("inbox sweep failed")
            await asyncio.sleep(self.settings.sweep_interval)
