"""The inbox work queue in storage, on both engines: claims, leases, takeovers, dead letters."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.messaging import Claim, InboxRecord, InboxState, RetryPolicy
from storage.engine import make_engine, make_session_factory
from storage.models import InboxRow
from storage.uow import SqlAlchemyUnitOfWork

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def record(external_id: str) -> InboxRecord:
    return InboxRecord("wecom", external_id, "conv", "zhangwei", f"text {external_id}", NOW)


def claim(worker: str, at: datetime = NOW) -> Claim:
    return Claim(worker, at + LEASE)


async def store(db_url: str, *records: InboxRecord, by: Claim | None = None) -> None:
    engine = make_engine(db_url)
    try:
        async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            for item in records:
                await uow.inbox.add(item, by)
            await uow.commit()
    finally:
        await engine.dispose()


async def rows(db_url: str) -> dict[str, InboxRow]:
    engine = make_engine(db_url)
    try:
        async with make_session_factory(engine)() as session:
            return {row.external_id: row for row in await session.scalars(select(InboxRow))}
    finally:
        await engine.dispose()


async def take_in_rounds(db_url: str, worker: str, rounds: int) -> list[str]:
    """One process's sweeps: its own engine (its own connection pool), 10 rows per transaction."""
    engine = make_engine(db_url)
    taken: list[str] = []
    try:
        for _ in range(rounds):
            async with SqlAlchemyUnitOfWork(make_session_factory(engine), worker_id=worker) as uow:
                got = await uow.inbox.take(claim(worker), NOW, limit=10)
                await asyncio.sleep(0.01)  # hold the row locks a moment: the other worker runs meanwhile
                await uow.commit()
            taken += [r.external_id for r in got]
            await asyncio.sleep(0)
    finally:
        await engine.dispose()
    return taken


async def test_two_workers_on_separate_pools_claim_disjoint_rows(db_url: str) -> None:
    await store(db_url, *(record(f"m{i}") for i in range(120)))
    # each worker on its own thread and event loop, like two processes (SQLite blocks the loop that waits)
    first, second = await asyncio.gather(asyncio.to_thread(asyncio.run, take_in_rounds(db_url, "w1", 8)),
                                         asyncio.to_thread(asyncio.run, take_in_rounds(db_url, "w2", 8)))
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(f"m{i}" for i in range(120))
    stored = await rows(db_url)
    assert {stored[key].claimed_by for key in first} == {"w1"}
    assert {stored[key].claimed_by for key in second} == {"w2"}
    assert {row.attempts for row in stored.values()} == {1}


async def test_a_done_mark_is_refused_once_the_claim_was_taken_over(db_url: str) -> None:
    await store(db_url, record("m1"), record("m2"), by=claim("slow", NOW - 2 * LEASE))  # leases ran out
    engine = make_engine(db_url)
    try:
        sessions = make_session_factory(engine)
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            taken = await uow.inbox.take(claim("rescuer"), NOW)
            await uow.commit()
        assert [r.external_id for r in taken] == ["m1", "m2"]
        assert all(r.state is InboxState.CLAIMED and r.attempts == 2 for r in taken)
        async with SqlAlchemyUnitOfWork(sessions) as uow:  # the slow worker wakes up
            assert await uow.inbox.hold([("wecom", "m1"), ("wecom", "m2")], claim("slow")) == set()
            assert await uow.inbox.mark_done([("wecom", "m1")], "slow", NOW) == 0
            assert await uow.inbox.release([("wecom", "m2")], "slow") == 0
            await uow.commit()
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            assert await uow.inbox.mark_done([("wecom", "m1"), ("wecom", "m2")], "rescuer", NOW) == 2
            await uow.commit()
    finally:
        await engine.dispose()
    assert {(r.state, r.claimed_by) for r in (await rows(db_url)).values()} == {("done", "rescuer")}


async def test_a_live_lease_is_not_swept_and_a_backoff_is_respected(db_url: str) -> None:
    await store(db_url, record("held"), by=claim("alive"))
    await store(db_url, record("later"))
    engine = make_engine(db_url)
    try:
        sessions = make_session_factory(engine)
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            assert [r.external_id for r in await uow.inbox.take(claim("w"), NOW)] == ["later"]
            policy = RetryPolicy(max_attempts=3, base_delay=2.0)
            assert await uow.inbox.fail(("wecom", "later"), "w", "boom", NOW, policy) is InboxState.PENDING
            assert await uow.inbox.take(claim("w"), NOW + timedelta(seconds=1)) == []  # backing off
            again = await uow.inbox.take(claim("w"), NOW + timedelta(seconds=2))
            await uow.commit()
    finally:
        await engine.dispose()
    assert [(r.external_id, r.attempts, r.last_error) for r in again] == [("later", 2, "boom")]


async def test_a_row_whose_worker_died_on_it_every_time_is_dead_lettered(db_url: str) -> None:
    await store(db_url, record("poison"), by=claim("w1", NOW - 2 * LEASE))
    engine = make_engine(db_url)
    try:
        sessions = make_session_factory(engine)
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            assert len(await uow.inbox.take(claim("w2", NOW - LEASE - timedelta(seconds=1)), NOW, max_attempts=3)) == 1
            assert len(await uow.inbox.take(claim("w3", NOW), NOW + 2 * LEASE, max_attempts=3)) == 1
            assert await uow.inbox.take(claim("w4"), NOW + 4 * LEASE, max_attempts=3) == []
            assert await uow.inbox.count_dead() == 1
            dead = await uow.inbox.dead()
            assert await uow.inbox.retry_dead(dead[0].id or 0)
            assert not await uow.inbox.retry_dead(dead[0].id or 0)  # not dead any more
            await uow.commit()
    finally:
        await engine.dispose()
    row = (await rows(db_url))["poison"]
    assert (row.state, row.attempts, row.claimed_by) == ("pending", 0, None)
    assert "lease ran out" in row.last_error
