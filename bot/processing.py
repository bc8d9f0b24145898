"""Process accepted messages in batches: one transaction per batch, one savepoint per message.

One commit per message tops out near 1,000/s (DESIGN.md §2); a batch shares the commit while every
message stays all-or-nothing inside its own savepoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections import deque
from collections.abc import Awaitable, Callable

from connectors.base import InboundMessage

log = logging.getLogger(__name__)

BatchHandler = Callable[[list[InboundMessage]], Awaitable[int]]  # returns how many it processed
FailureHandler = Callable[[InboundMessage, BaseException], Awaitable[None]]


class BatchProcessor:
    def __init__(self, handle_batch: BatchHandler, max_batch: int = 64,
                 give_way: Callable[[], bool] = lambda: False, max_wait: float = 0.2,
                 on_failure: FailureHandler | None = None) -> None:
        self.handle_batch = handle_batch
        self.on_failure = on_failure  # a message failed on its own: record the attempt (retry or dead letter)
        self.max_batch = max_batch
        self.give_way = give_way  # True while acknowledgements wait: they go first (WeCom's 5-second rule)
        self.max_wait = max_wait  # ...but processing waits no longer than this, so it always moves on
        self._queue: asyncio.Queue[tuple[InboundMessage, asyncio.Future[None]]] = asyncio.Queue()
        self._pending: deque[tuple[InboundMessage, asyncio.Future[None]]] = deque()
        self._task: asyncio.Task[None] | None = None
        self._busy = False  # a batch is being processed
        self._stopping = False

    @property
    def backlog(self) -> int:
        return len(self._pending) + self._queue.qsize()

    def submit(self, msg: InboundMessage) -> asyncio.Future[None]:
        """Queue a message; the future is done once its batch is committed (or has failed and been logged)."""
        self.wake()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((msg, future))
        return future

    def wake(self) -> None:
        """Make sure the processing task runs (the inbox sweep calls this too: the leases of what waits here
        are renewed, so a task that died must not leave its messages waiting while their claims live on)."""
        if self._task is not None and self._task.done() and not self._task.cancelled() and self._task.exception():
            log.error("the processing task stopped; restarting it", exc_info=self._task.exception())
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="dealbot-processor")

    async def close(self, grace: float = 0.0) -> list[InboundMessage]:
        """Stop: the batch in progress may finish within `grace` seconds; what was not processed is
        returned (its futures are cancelled) so that the caller can give its claims back."""
        self._stopping = True
        if self._task is not None:
            if self._busy and grace > 0:
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(self._task), grace)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        while not self._queue.empty():
            self._pending.append(self._queue.get_nowait())
        left = [msg for msg, future in self._pending if not future.done()]
        for _, future in self._pending:
            future.cancel()
        self._pending.clear()
        self._stopping = False
        return left

    async def _run(self) -> None:
        while not self._stopping:
            if not self._pending:
                self._pending.append(await self._queue.get())
            await self._let_acknowledgements_go_first()
            while len(self._pending) < self.max_batch and not self._queue.empty():
                self._pending.append(self._queue.get_nowait())
            self._busy = True
            try:
                done = await self._process([msg for msg, _ in self._pending])
            finally:
                self._busy = False
            for _ in range(done):
                _, future = self._pending.popleft()
                if not future.done():
                    future.set_result(None)
            await asyncio.sleep(0)  # let acknowledgements and the inbox writer in between batches

    async def _let_acknowledgements_go_first(self) -> None:
        waited = 0.0
        while self.give_way() and waited < self.max_wait:
            await asyncio.sleep(0.002)
            waited += 0.002

    async def _process(self, messages: list[InboundMessage]) -> int:
        """How many of `messages` (from the front) are done; a failing batch is retried one by one."""
        try:
            return max(1, await self.handle_batch(messages))
        except Exception:
            if len(messages) == 1:
                log.exception("processing %s message %s failed; it will be retried",
                              messages[0].channel, messages[0].external_id)
                await self._failed(messages[0], sys.exc_info()[1])
                return 1
        for msg in messages:  # isolate the message that broke the batch
            await self._process([msg])
        return len(messages)

    async def _failed(self, msg: InboundMessage, error: BaseException | None) -> None:
        if self.on_failure is None or error is None:
            return
        try:
            await self.on_failure(msg, error)
        except Exception:  # e.g. the database is away: the lease runs out and a sweep retries it
            log.exception("could not record the failure of %s message %s", msg.channel, msg.external_id)
