"""The inbox stores each (channel, external_id) once, through a unit of work or by group commit."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from storage_helpers import Factory

from domain.messaging import Claim, InboxRecord
from storage.inbox import GroupCommitInbox
from storage.models import InboxRow


def _record(external_id: str, at: datetime, channel: str = "wecom", text: str = "跟进 明途") -> InboxRecord:
    payload = {"thread_refs": ["<a@b>"], "extra": {"群": 1}}
    return InboxRecord(channel, external_id, conversation_id="c1", sender_id="zhangsan", text=text,
                       received_at=at, sender_name="张三", payload=payload)


async def test_a_message_is_stored_once_per_channel(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        first = _record("m1", now)
        assert await uow.inbox.add(first) is True
        assert first.id is not None
        duplicate = _record("m1", now, text="redelivered")
        assert await uow.inbox.add(duplicate) is False
        assert duplicate.id is None
        assert await uow.inbox.add(_record("m1", now, channel="dingtalk")) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.inbox.add(_record("m1", now)) is False
        stored = await uow.inbox.unprocessed()
    assert [(r.channel, r.external_id, r.text) for r in stored] == [
        ("wecom", "m1", "跟进 明途"), ("dingtalk", "m1", "跟进 明途")]
    assert stored[0] == first


async def test_processed_messages_leave_the_unprocessed_list(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        for index in range(4):
            await uow.inbox.add(_record(f"m{index}", now + timedelta(seconds=index)))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.inbox.mark_processed("wecom", "m1", now)
        await uow.commit()
    async with uow_factory() as uow:
        assert [r.external_id for r in await uow.inbox.unprocessed()] == ["m0", "m2", "m3"]
        assert [r.external_id for r in await uow.inbox.unprocessed(limit=2)] == ["m0", "m2"]
        stmt = select(InboxRow.processed_at).where(InboxRow.external_id == "m1")
        processed = await uow.session.scalar(stmt)
    assert processed == now


async def _rows_per_key(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with session_factory() as session:
        stmt = select(InboxRow.external_id, func.count()).group_by(InboxRow.external_id)
        return {key: count for key, count in (await session.execute(stmt)).all()}


async def test_group_commit_answers_each_of_200_concurrent_callers_correctly(
        engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], uow_factory: Factory,
        now: datetime) -> None:
    async with uow_factory() as uow:  # stored before and held by a live worker: every put says False
        for index in range(10):
            await uow.inbox.add(_record(f"k{index}", now), Claim("other", datetime.now(UTC) + timedelta(hours=1)))
        await uow.commit()
    rng = random.Random(7)
    keys = [f"k{i}" for i in range(120)] + [f"k{rng.randrange(120)}" for _ in range(80)]
    rng.shuffle(keys)
    records = [_record(key, now) for key in keys]
    async with GroupCommitInbox(engine) as inbox:
        answers = await asyncio.gather(*(inbox.put(record) for record in records))
        assert inbox.batches_written < len(records)  # rows of concurrent callers share transactions
    winners = [record.external_id for record, new in zip(records, answers, strict=True) if new]
    assert sorted(winners) == sorted(f"k{i}" for i in range(10, 120))  # exactly one True per new key
    first_caller = {key: keys.index(key) for key in set(keys)}
    assert all(answers[first_caller[key]] for key in winners)  # ... and it is the first caller
    assert all(record.id is not None for record, new in zip(records, answers, strict=True) if new)
    assert await _rows_per_key(session_factory) == {f"k{i}": 1 for i in range(120)}


async def test_a_put_returns_only_after_its_row_is_committed(
        session_factory: async_sessionmaker[AsyncSession], uow_factory: Factory, now: datetime) -> None:
    async with GroupCommitInbox(session_factory, linger=0) as inbox:
        for index in range(3):
            assert await inbox.put(_record(f"d{index}", now)) is True
            async with uow_factory() as uow:  # a separate transaction already sees it
                assert [r.external_id for r in await uow.inbox.unprocessed()][-1] == f"d{index}"


async def test_a_bad_row_fails_only_its_own_caller(engine: AsyncEngine, now: datetime) -> None:
    naive = datetime(2025, 3, 3, 9, 0)
    async with GroupCommitInbox(engine) as inbox:
        results = await asyncio.gather(inbox.put(_record("ok1", now)), inbox.put(_record("bad", naive)),
                                       inbox.put(_record("ok2", now)), return_exceptions=True)
    assert results[0] is True and results[2] is True
    assert isinstance(results[1], Exception) and "naive datetime" in str(results[1])


async def test_put_needs_a_running_inbox(engine: AsyncEngine, now: datetime) -> None:
    inbox = GroupCommitInbox(engine)
    with pytest.raises(RuntimeError, match="not running"):
        await inbox.put(_record("x", now))
    await inbox.start()
    assert await inbox.put(_record("x", now)) is True
    await inbox.close()
    with pytest.raises(RuntimeError, match="not running"):
        await inbox.put(_record("y", now))
