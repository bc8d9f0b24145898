"""The bot on the inbox work queue, on both engines: takeovers, redeliveries, retries, graceful stop."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.context import Directory
from bot.message_records import to_record
from connectors.base import InboundMessage
from domain.messaging import Claim, OutboxItem
from domain.ports import UnitOfWork
from storage.models import CustomerRow, InboxRow, OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import Clock, Console, start_console

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
async def console(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "zhangwei", NOW)
    yield session
    await session.app.close()


async def inbox_rows(console: Console) -> list[Any]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return list((await uow.session.execute(select(InboxRow.__table__).order_by(InboxRow.id))).all())


async def count(console: Console, row: type[CustomerRow] | type[OutboxRow]) -> int:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return int(await uow.session.scalar(select(func.count()).select_from(row)) or 0)


async def store(console: Console, msg: InboundMessage, claim: Claim | None = None) -> None:
    async with console.app.uow_factory() as uow:
        await uow.inbox.add(to_record(msg), claim)
        await uow.commit()


async def test_the_expired_claim_of_a_dead_process_is_taken_over_and_processed_once(console: Console) -> None:
    msg = console.connector.message("新客户 杭州明途信息技术有限公司")
    await store(console, msg, Claim("dead-host:4242:abcdef", datetime.now(UTC) - timedelta(seconds=1)))
    assert await console.app.bot.process_pending() == 1
    await console.app.dispatcher.drain()
    assert "已创建客户" in console.read()
    [row] = await inbox_rows(console)
    assert (row.state, row.claimed_by, row.attempts) == ("done", console.app.bot.queue.worker, 2)
    assert await console.app.bot.process_pending() == 0
    assert await count(console, CustomerRow) == 1


async def test_a_claim_that_is_still_live_is_left_to_its_holder(console: Console) -> None:
    msg = console.connector.message("新客户 杭州明途信息技术有限公司")
    await store(console, msg, Claim("busy-host:1:abcdef", datetime.now(UTC) + timedelta(minutes=5)))
    assert not await console.app.bot.accept(msg)  # redelivered while another process works on it
    assert await console.app.bot.process_pending() == 0
    [row] = await inbox_rows(console)
    assert (row.state, row.claimed_by) == ("claimed", "busy-host:1:abcdef")


async def test_a_redelivery_of_a_stored_but_unprocessed_message_queues_it(console: Console) -> None:
    msg = console.connector.message("新客户 杭州明途信息技术有限公司")
    await store(console, msg)  # stored pending (e.g. its claim was released), then the platform redelivers
    await console.app.bot.receive(msg)
    await console.app.dispatcher.drain()
    assert "已创建客户" in console.read()
    await console.app.bot.receive(msg)  # once more: done already, nothing happens
    [row] = await inbox_rows(console)
    assert (row.state, row.attempts) == ("done", 1)
    assert await count(console, CustomerRow) == 1
    assert await count(console, OutboxRow) == 1


class FailingHandler:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, uow: UnitOfWork, directory: Directory, messages: Sequence[InboundMessage],
                       now: datetime) -> list[OutboxItem]:
        self.calls += 1
        raise RuntimeError("boom: the handler broke")


async def test_a_failing_message_is_retried_with_backoff_then_dead_lettered(console: Console) -> None:
    bot, handler = console.app.bot, FailingHandler()
    bot.batch_handlers["boom"] = handler
    clock = bot.queue.clock = Clock(datetime.now(UTC))
    await bot.receive(dataclasses.replace(console.connector.message("新客户 明途"), channel="boom"))
    for attempt, delay in ((1, 2), (2, 4), (3, 8), (4, 16)):
        [row] = await inbox_rows(console)
        assert (row.state, row.attempts, row.claimed_by) == ("pending", attempt, None)
        assert row.next_attempt_at == clock.now + timedelta(seconds=delay)
        assert "boom: the handler broke" in row.last_error
        assert await bot.process_pending() == 0  # not due yet
        clock.now = row.next_attempt_at
        assert await bot.process_pending() == 1
    [row] = await inbox_rows(console)
    assert (row.state, row.attempts, handler.calls) == ("dead", 5, 5)
    clock.now += timedelta(days=1)
    assert await bot.process_pending() == 0
    async with console.app.uow_factory() as uow:
        assert await uow.inbox.count_dead() == 1
    assert await count(console, OutboxRow) == 0


async def test_a_graceful_stop_gives_back_what_it_holds_and_another_process_finishes_it(
        console: Console, db_url: str) -> None:
    bot = console.app.bot
    messages = [console.connector.message(f"新客户 测试{index}号科技有限公司") for index in range(3)]
    for msg in messages:
        assert await bot.accept(msg)
    for msg in messages[:2]:
        bot.submit(msg)  # queued in memory, not processed yet; the third was accepted and never queued
    await bot.close(grace=5.0)
    rows = await inbox_rows(console)
    assert [(r.state, r.claimed_by, r.attempts) for r in rows] == [("pending", None, 0)] * 3
    with pytest.raises(RuntimeError):
        await bot.accept(console.connector.message("新客户 太晚了"))
    other = await start_console(db_url, "zhangwei", NOW)
    try:
        assert await other.app.bot.process_pending() == 3
    finally:
        await other.app.close()
    assert {r.state for r in await inbox_rows(console)} == {"done"}
    assert await count(console, CustomerRow) == 3


async def test_the_background_sweep_of_a_running_bot_takes_over_a_dead_process_s_work(console: Console) -> None:
    bot = console.app.bot
    bot.queue.settings = dataclasses.replace(bot.queue.settings, sweep_interval=0.02)
    msg = console.connector.message("新客户 杭州明途信息技术有限公司")
    await store(console, msg, Claim("dead-host:4242:abcdef", datetime.now(UTC) - timedelta(seconds=1)))
    bot.start()
    for _ in range(500):  # bounded wait for the background sweep (not a timing assertion)
        if [r.state for r in await inbox_rows(console)] == ["done"]:
            break
        await asyncio.sleep(0.02)
    await console.app.dispatcher.drain()
    assert "已创建客户" in console.read()
    assert await count(console, CustomerRow) == 1


async def test_the_sweep_renews_the_leases_of_what_waits_in_memory(console: Console) -> None:
    queue, start = console.app.bot.queue, datetime.now(UTC)
    msg = console.connector.message("新客户 杭州明途信息技术有限公司")
    await store(console, msg, Claim(queue.worker, start + timedelta(seconds=60)))
    queue.clock = Clock(start + timedelta(seconds=30))
    assert await queue.sweep({(msg.channel, msg.external_id)}, backlog=1) == []
    [row] = await inbox_rows(console)
    assert (row.state, row.claimed_by, row.lease_until) == ("claimed", queue.worker, start + timedelta(seconds=90))


class DeadlockDetected(Exception):
    """What PostgreSQL's driver raises for the victim of a deadlock between two processes' batches."""

    sqlstate = "40P01"


async def test_a_deadlock_with_another_process_retries_the_batch_instead_of_apologising(console: Console) -> None:
    bot = console.app.bot
    route, failures = bot.router.route, [DeadlockDetected("deadlock detected")]

    async def route_once_deadlocked(ctx: Any, text: str) -> Any:
        reply = await route(ctx, text)  # its writes are rolled back with the batch
        if failures:
            raise failures.pop()
        return reply

    bot.router.route = route_once_deadlocked  # type: ignore[method-assign,assignment]
    clock = bot.queue.clock = Clock(datetime.now(UTC))
    await bot.receive(console.connector.message("新客户 杭州明途信息技术有限公司"))
    [row] = await inbox_rows(console)  # rolled back, no apology queued: retried after the backoff
    assert (row.state, row.attempts, await count(console, OutboxRow), await count(console, CustomerRow)) == (
        "pending", 1, 0, 0)
    clock.now = row.next_attempt_at
    assert await bot.process_pending() == 1
    await console.app.dispatcher.drain()
    assert "已创建客户" in console.read()
    assert await count(console, CustomerRow) == 1
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        texts = list(await uow.session.scalars(select(OutboxRow.text)))
    assert len(texts) == 1 and "抱歉" not in texts[0]
    [row] = await inbox_rows(console)
    assert row.state == "done"


def test_only_deadlocks_serialization_failures_and_lock_timeouts_are_transient() -> None:
    from sqlalchemy.exc import DBAPIError

    from storage.errors import is_transient

    assert is_transient(DBAPIError("UPDATE", {}, DeadlockDetected()))
    assert is_transient(DeadlockDetected())
    assert not is_transient(DBAPIError("INSERT", {}, ValueError("bad value")))
    assert not is_transient(RuntimeError("boom"))
    # MySQL/MariaDB (asyncmy): deadlock 1213 and lock wait timeout 1205 are transient; a duplicate key is not
    from asyncmy.errors import IntegrityError, OperationalError

    assert is_transient(DBAPIError("INSERT", {}, OperationalError(1213, "Deadlock found when trying to get lock")))
    assert is_transient(OperationalError(1205, "Lock wait timeout exceeded"))
    assert not is_transient(DBAPIError("INSERT", {}, IntegrityError(1062, "Duplicate entry")))
    assert not is_transient(RuntimeError(1213))
