"""A process that stalls inside a transaction (SIGSTOP, a frozen VM) while it row-locks its claims: the
sweeps of the other processes skip locked rows (FOR UPDATE SKIP LOCKED), so without a limit those rows
could never be taken over while the stalled process lives. PostgreSQL ends such a session after
`idle_in_transaction` seconds (storage.engine; serve: the lease, at least 5 s): its locks go, the others take
the rows over, and the stalled process's late commit fails instead of overwriting anything."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError

from domain.messaging import Claim
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.queue.test_inbox_claims import NOW, claim, record, rows, store

STALLED, PEER = "stalled:1:aaaaaa", "peer:2:bbbbbb"
KEY = ("wecom", "m1")
LATER = NOW + timedelta(seconds=1)  # the stalled one's lease has run out


@pytest.fixture(params=["postgresql", "mysql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL and MySQL only: SQLite has one writer and no row locks."""
    backend: str = request.param
    return backend


async def test_a_stalled_transactions_row_locks_end_and_its_expired_claims_are_taken_over(db_url: str) -> None:
    await store(db_url, record("m1"), by=Claim(STALLED, NOW))  # its lease runs out at NOW
    stalled, peer = make_engine(db_url, idle_in_transaction=1.0), make_engine(db_url)
    try:
        frozen = SqlAlchemyUnitOfWork(make_session_factory(stalled), worker_id=STALLED)
        await frozen.__aenter__()
        assert await frozen.inbox.lock([KEY], STALLED) == {KEY}  # the start of a batch, then nothing
        taken: list[str] = []
        deadline = time.monotonic() + 30
        while not taken and time.monotonic() < deadline:
            async with SqlAlchemyUnitOfWork(make_session_factory(peer), worker_id=PEER) as uow:
                taken = [r.external_id for r in await uow.inbox.take(claim(PEER, LATER), LATER, limit=10)]
                await uow.commit()
            await asyncio.sleep(0.2)
        assert taken == ["m1"]
        with pytest.raises(DBAPIError):  # the stalled one resumes: its session is gone, nothing is written
            await frozen.inbox.mark_done([KEY], STALLED, NOW)
            await frozen.commit()
        await frozen.__aexit__(None, None, None)
    finally:
        await stalled.dispose()
        await peer.dispose()
    row = (await rows(db_url))["m1"]
    assert (row.state, row.claimed_by, row.processed_at) == ("claimed", PEER, None)
