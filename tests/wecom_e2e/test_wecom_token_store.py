"""The database token store: one access token and one refresher for all bot processes.

Each store here has its own engine on the same database, as two bot processes would."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack

import pytest

from bot.channels.tokens import LOCK_PREFIX, DatabaseTokenStore, TokenLockTimeout
from connectors.base import DeliveryError
from connectors.http import HttpTransport
from connectors.wecom.token import AccessTokenProvider
from domain.ports import UnitOfWork
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.wecom.wecom_support import SECRET
from tests.wecom_e2e.harness import GETTOKEN, TimedFakeWeCom

KEY = "wecom:test:1"
NOW = 1_800_000_000.0

Process = Callable[..., DatabaseTokenStore]


class WallClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def processes(db_url: str) -> AsyncIterator[Process]:
    """`processes(**options)` -> a DatabaseTokenStore on its own engine (a separate bot process)."""
    async with AsyncExitStack() as stack:
        def make(**options: object) -> DatabaseTokenStore:
            engine = make_engine(db_url)
            stack.push_async_callback(engine.dispose)
            sessions = make_session_factory(engine)

            def uow_factory() -> UnitOfWork:
                return SqlAlchemyUnitOfWork(sessions)

            return DatabaseTokenStore(uow_factory, **options)  # type: ignore[arg-type]

        yield make


@pytest.fixture
async def transport() -> AsyncIterator[HttpTransport]:
    transport = HttpTransport(timeout=5.0, secrets=[SECRET])
    yield transport
    await transport.close()


def provider(store: DatabaseTokenStore, fake: TimedFakeWeCom, transport: HttpTransport) -> AccessTokenProvider:
    return AccessTokenProvider(transport, store, api_base=fake.url, corp_id=fake.corp_id, secret=fake.secret,
                               key=KEY, clock=lambda: NOW)


async def test_two_processes_asking_at_once_make_one_gettoken(
        processes: Process, fake_wecom: TimedFakeWeCom, transport: HttpTransport,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake_wecom.token_delay = 0.3  # the first refresher is still waiting for WeCom when the second asks
    first, second = provider(processes(), fake_wecom, transport), provider(processes(), fake_wecom, transport)
    tokens = await asyncio.gather(first.token(), second.token(), first.token(), second.token())
    assert len(fake_wecom.received(GETTOKEN)) == 1
    assert set(tokens) == {fake_wecom.issued[0]}
    for secret in (*fake_wecom.issued, SECRET):
        assert secret not in caplog.text


async def test_a_token_refused_in_two_processes_is_replaced_once(
        processes: Process, fake_wecom: TimedFakeWeCom, transport: HttpTransport) -> None:
    first, second = provider(processes(), fake_wecom, transport), provider(processes(), fake_wecom, transport)
    old = await first.token()
    assert await second.token() == old
    fake_wecom.token_delay = 0.3
    new = await asyncio.gather(first.refresh(old), second.refresh(old))
    assert list(new) == [fake_wecom.issued[1]] * 2
    assert len(fake_wecom.received(GETTOKEN)) == 2


async def test_a_token_stored_by_another_process_is_used_without_gettoken(
        processes: Process, fake_wecom: TimedFakeWeCom, transport: HttpTransport) -> None:
    await processes().put(KEY, "SHAREDTOKEN", NOW + 7200)
    assert await provider(processes(), fake_wecom, transport).token() == "SHAREDTOKEN"
    assert fake_wecom.received(GETTOKEN) == []


async def test_lock_waits_a_bounded_time_for_a_live_holder_then_asks_for_a_retry(processes: Process) -> None:
    clock = WallClock()
    holder, waiter = processes(clock=clock, lease=30.0), processes(clock=clock, wait=0.2, poll=0.02)
    async with holder.lock(KEY):
        with pytest.raises(TokenLockTimeout) as err:
            async with waiter.lock(KEY):
                pytest.fail("two holders at once")
    assert isinstance(err.value, DeliveryError) and err.value.retry_after == 30.0
    async with waiter.lock(KEY):  # released by its holder: free again
        pass


async def test_the_lease_of_a_holder_that_died_runs_out(
        processes: Process, uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = WallClock()
    async with uow_factory() as uow:  # a holder took the lease and crashed
        await uow.settings.put(LOCK_PREFIX + KEY, {"holder": "dead:1", "expires_at": NOW + 30})
        await uow.commit()
    other = processes(clock=clock, wait=0.0)
    with pytest.raises(TokenLockTimeout):
        async with other.lock(KEY):
            pass
    clock.now += 31
    async with other.lock(KEY):
        pass


async def test_a_holder_past_its_lease_does_not_release_its_successors_lease(processes: Process) -> None:
    clock = WallClock()
    slow, successor = processes(clock=clock, lease=30.0), processes(clock=clock, lease=30.0)
    inside, done = asyncio.Event(), asyncio.Event()

    async def take_over() -> None:
        async with successor.lock(KEY):
            inside.set()
            await done.wait()

    async with slow.lock(KEY):
        clock.now += 31
        task = asyncio.create_task(take_over())
        await inside.wait()
    with pytest.raises(TokenLockTimeout):  # the successor still holds it
        async with processes(clock=clock, wait=0.0).lock(KEY):
            pass
    done.set()
    await task


async def test_a_malformed_stored_token_counts_as_none(
        processes: Process, uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        await uow.settings.put(KEY, {"token": 42})
        await uow.commit()
    assert await processes().get(KEY) is None
