"""Usage events recorded outside a message's transaction — page views, API calls — wait in memory and are
written together: one multi-row insert and one commit every `flush_seconds`, or as soon as `flush_size` wait
(group commit). Recording costs a list append on the request's path; nothing waits for the database.

The loss window is bounded: a crash (not a graceful stop, which flushes) loses what waits, at most
`flush_seconds` of page views and API calls and never more than `flush_size` of them. A failed write is logged
and those events are dropped (analytics, not records of business): the request paths never see an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from bot.usage.events import stored_usage
from domain.ports import UnitOfWork
from domain.usage import UsageEvent

log = logging.getLogger(__name__)


class UsageBuffer:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], flush_seconds: float = 5.0,
                 flush_size: int = 200) -> None:
        self.uow_factory = uow_factory
        self.flush_seconds = flush_seconds
        self.flush_size = flush_size
        self._pending: list[UsageEvent] = []
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        return len(self._pending)

    def record(self, event: UsageEvent) -> None:
        """Keep `event` for the next write (started in the background on first use)."""
        self._pending.append(event)
        if len(self._pending) >= self.flush_size:
            self._full.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="dealbot-usage-flush")

    async def flush(self) -> int:
        """Write what waits now, in one transaction; how many events were written."""
        events, self._pending = self._pending, []
        self._full.clear()
        if events:
            try:
                await self._write(events)
            except Exception:
                log.exception("could not write %d usage events; they are dropped", len(events))
                return 0
        return len(events)

    async def _write(self, events: Sequence[UsageEvent]) -> None:
        async with self.uow_factory() as uow:
            await stored_usage(uow, events)
            await uow.commit()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self.flush_seconds)
            await self.flush()

    async def close(self) -> None:
        """Stop the background writer and write what waits (a graceful stop loses nothing)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
