"""The usage buffer writes page views and API calls in batches: when `flush_size` wait, and everything that
waits at close (a graceful stop loses nothing)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.usage.buffer import UsageBuffer
from domain.usage import UsageEvent
from storage.models import UsageEventRow
from storage.uow import SqlAlchemyUnitOfWork

AT = datetime(2026, 11, 10, tzinfo=UTC)


def view(page: str) -> UsageEvent:
    return UsageEvent(at=AT, person_id=None, channel="web", kind="page", feature=page, latency_ms=3)


async def stored(uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(UsageEventRow)) or 0)


async def test_a_full_buffer_is_written_at_once_and_close_writes_the_rest(
        uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> None:
    buffer = UsageBuffer(uow_factory, flush_seconds=3600, flush_size=3)  # no timed flush in this test
    for page in ("/dash", "/dash", "/dash"):
        buffer.record(view(page))
    for _ in range(200):  # the background writer runs as soon as the loop lets it
        if buffer.waiting == 0 and await stored(uow_factory) == 3:
            break
        await asyncio.sleep(0.01)
    assert await stored(uow_factory) == 3
    buffer.record(view("/team/files/{file_id}"))
    assert await stored(uow_factory) == 3 and buffer.waiting == 1
    await buffer.close()
    assert await stored(uow_factory) == 4 and buffer.waiting == 0
