"""The outbox: dedupe keys, claiming due items atomically (also across processes), delivery states."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from storage_helpers import Factory

from domain.messaging import OutboxItem, OutboxStatus
from storage.engine import make_engine, make_session_factory
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork


async def _queue(uow_factory: Factory, *items: OutboxItem) -> list[int]:
    async with uow_factory() as uow:
        stored = [await uow.outbox.add(item) for item in items]
        await uow.commit()
    return [item.id or 0 for item in stored if item is not None]


def _item(now: datetime, recipient: str = "zhangsan", channel: str = "wecom", **extra: object) -> OutboxItem:
    return OutboxItem(channel, recipient, f"给{recipient}的消息", now, **extra)  # type: ignore[arg-type]


async def test_an_item_with_a_taken_dedupe_key_is_not_added(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        first = await uow.outbox.add(_item(now, dedupe_key="digest:1:2025-03-03", markdown="**日报**"))
        assert first is not None and first.id is not None
        assert await uow.outbox.add(_item(now, dedupe_key="digest:1:2025-03-03")) is None
        assert await uow.outbox.add(_item(now)) is not None  # no key: never a duplicate
        assert await uow.outbox.add(_item(now)) is not None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.add(_item(now, dedupe_key="digest:1:2025-03-03")) is None
        assert await uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 3
        assert (await uow.outbox.pending_for("wecom", "zhangsan"))[0] == first


async def test_claim_takes_due_pending_items_oldest_first_and_marks_them_sending(
        uow_factory: Factory, now: datetime) -> None:
    ids = await _queue(uow_factory, _item(now, "a"), _item(now, "b", not_before=now - timedelta(minutes=1)),
                       _item(now, "later", not_before=now + timedelta(minutes=1)), _item(now, "c"))
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim(now, limit=2)
        more = await uow.outbox.claim(now)
        await uow.commit()
    assert [item.id for item in claimed] == ids[:2] and [item.id for item in more] == [ids[3]]
    assert all(i.status is OutboxStatus.SENDING and i.attempts == 1 for i in [*claimed, *more])
    async with uow_factory() as uow:
        assert await uow.outbox.claim(now) == []  # claimed items are not handed out twice
        assert [i.id for i in await uow.outbox.claim(now + timedelta(minutes=1))] == [ids[2]]
        claimer = await uow.session.scalar(select(OutboxRow.claimed_by).where(OutboxRow.id == ids[0]))
    assert claimer == "test-worker"


async def test_claim_can_be_limited_to_channels(uow_factory: Factory, now: datetime) -> None:
    ids = await _queue(uow_factory, _item(now, channel="wecom"), _item(now, channel="email"),
                       _item(now, channel="dingtalk"))
    async with uow_factory() as uow:
        assert [i.id for i in await uow.outbox.claim(now, channels=["email", "dingtalk"])] == ids[1:]
        assert await uow.outbox.claim(now, channels=[]) == []


async def test_delivery_states_sent_retry_and_failed(uow_factory: Factory, now: datetime) -> None:
    sent, retried, failed = await _queue(uow_factory, _item(now, "a"), _item(now, "b"), _item(now, "c"))
    async with uow_factory() as uow:
        await uow.outbox.claim(now)
        await uow.outbox.mark_sent(sent, now + timedelta(seconds=1))
        await uow.outbox.mark_retry(retried, now + timedelta(minutes=5), "429 too many requests")
        await uow.outbox.mark_failed(failed, "用户不存在")
        await uow.commit()
    async with uow_factory() as uow:
        assert [i.id for i in await uow.outbox.pending_for("wecom", "b")] == [retried]
        assert await uow.outbox.claim(now + timedelta(minutes=4)) == []
        [again] = await uow.outbox.claim(now + timedelta(minutes=5))
        rows = {row.id: row for row in await uow.session.scalars(select(OutboxRow))}
        states = {key: (row.status, row.last_error) for key, row in rows.items()}
        sent_at = rows[sent].sent_at
    assert again.id == retried and again.attempts == 2 and again.last_error == "429 too many requests"
    assert states[sent] == ("sent", "") and sent_at == now + timedelta(seconds=1)
    assert states[failed] == ("failed", "用户不存在")


async def test_items_of_a_dead_claimer_can_be_released(uow_factory: Factory, now: datetime) -> None:
    [old, recent] = await _queue(uow_factory, _item(now, "a"), _item(now, "b"))
    async with uow_factory() as uow:
        await uow.outbox.claim(now, limit=1)
        await uow.outbox.claim(now + timedelta(minutes=10))
        assert await uow.outbox.release_stale(now + timedelta(minutes=5)) == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert [i.id for i in await uow.outbox.claim(now + timedelta(minutes=11))] == [old]
    assert recent != old


async def _claim_and_commit(uow: SqlAlchemyUnitOfWork, now: datetime, limit: int) -> Sequence[OutboxItem]:
    async with uow:
        claimed = await uow.outbox.claim(now, limit=limit)
        await uow.commit()
    return claimed


async def test_two_processes_claiming_at_once_never_get_the_same_item(
        db_url: str, db_backend: str, uow_factory: Factory, now: datetime) -> None:
    """PostgreSQL, MySQL: the second claim skips rows the first has locked, without waiting.
    SQLite: the second claim waits for the first transaction, then sees the rows as taken."""
    ids = await _queue(uow_factory, *(_item(now, f"r{i}") for i in range(10)))
    engines = [make_engine(db_url), make_engine(db_url)]
    first, second = (SqlAlchemyUnitOfWork(make_session_factory(engine), worker_id=worker)
                     for engine, worker in zip(engines, "ab", strict=True))
    try:
        async with first:
            mine = await first.outbox.claim(now, limit=4)
            other = asyncio.create_task(_claim_and_commit(second, now, 4))
            if db_backend != "sqlite":
                theirs = await asyncio.wait_for(other, timeout=30)  # not blocked by our open transaction
            await first.commit()
        theirs = await other
    finally:
        for engine in engines:
            await engine.dispose()
    assert [i.id for i in mine] == ids[:4] and [i.id for i in theirs] == ids[4:8]


async def test_concurrent_claimers_drain_the_outbox_exactly_once(
        db_url: str, uow_factory: Factory, now: datetime) -> None:
    ids = await _queue(uow_factory, *(_item(now, f"r{i}") for i in range(60)))
    engines = [make_engine(db_url) for _ in range(3)]

    async def drain(index: int) -> list[int]:
        factory = make_session_factory(engines[index])
        taken: list[int] = []
        while batch := await _claim_and_commit(SqlAlchemyUnitOfWork(factory, worker_id=str(index)), now, 5):
            taken += [item.id or 0 for item in batch]
            await asyncio.sleep(0)
        return taken

    try:
        results = await asyncio.gather(*(drain(i) for i in range(3)))
    finally:
        for engine in engines:
            await engine.dispose()
    every = [item_id for taken in results for item_id in taken]
    assert sorted(every) == ids  # each item exactly once
