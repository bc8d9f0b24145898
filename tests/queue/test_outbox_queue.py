"""The outbox under stops and crashes, on both engines: nothing is left `sending`, stale claims are resent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from connectors.base import OutboundMessage
from domain.messaging import OutboxItem
from domain.ports import UnitOfWork
from scheduler.outbox import OutboxDispatcher
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork

Factory = Callable[[], SqlAlchemyUnitOfWork]


class GatedConnector:
    """Each send blocks until the gate opens (a slow platform)."""

    channel = "console"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()

    async def send(self, message: OutboundMessage) -> None:
        self.entered.set()
        await self.gate.wait()
        self.sent.append(message.text)

    async def start(self, dispatch: object) -> None: ...
    async def stop(self) -> None: ...


async def queue(uow_factory: Factory, *texts: str) -> None:
    async with uow_factory() as uow:
        for text in texts:
            await uow.outbox.add(OutboxItem("console", "zhangwei", text, created_at=datetime.now(UTC)))
        await uow.commit()


async def outbox_rows(uow_factory: Factory) -> dict[str, Any]:
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(OutboxRow.__table__))).all()
    return {row.text: row for row in rows}


def dispatcher(uow_factory: Factory, connector: GatedConnector) -> OutboxDispatcher:
    factory: Callable[[], UnitOfWork] = uow_factory
    return OutboxDispatcher(factory, {"console": connector}, lease_seconds=60)


async def test_a_stop_waits_for_the_send_in_flight_and_gives_back_the_rest(uow_factory: Factory) -> None:
    await queue(uow_factory, "first", "second")
    connector = GatedConnector()
    outbox = dispatcher(uow_factory, connector)
    run = asyncio.create_task(outbox.run_once())
    await connector.entered.wait()  # "first" is half-way out when the stop begins
    stopping = asyncio.create_task(outbox.stop(grace=30.0))
    await asyncio.sleep(0)
    connector.gate.set()
    await stopping
    assert await run == 1
    rows = await outbox_rows(uow_factory)
    assert connector.sent == ["first"]
    assert (rows["first"].status, rows["second"].status) == ("sent", "pending")
    assert (rows["second"].attempts, rows["second"].claimed_by) == (0, None)
    assert await outbox.run_once() == 0  # stopped: claims nothing more


async def test_a_send_that_outlives_the_grace_is_given_back_and_never_left_sending(uow_factory: Factory) -> None:
    await queue(uow_factory, "stuck", "next")
    connector = GatedConnector()
    outbox = dispatcher(uow_factory, connector)
    run = asyncio.create_task(outbox.run_once())
    await connector.entered.wait()
    await outbox.stop(grace=0.05)
    run.cancel()  # the scheduler shuts down: the send is abandoned
    await asyncio.gather(run, return_exceptions=True)
    rows = await outbox_rows(uow_factory)
    assert {text: (row.status, row.attempts) for text, row in rows.items()} == {
        "stuck": ("pending", 0), "next": ("pending", 0)}
    assert connector.sent == []


async def test_a_sending_claim_older_than_the_lease_is_released_and_sent(uow_factory: Factory) -> None:
    await queue(uow_factory, "orphan")
    async with uow_factory() as uow:  # a process claimed it two minutes ago, then was killed
        assert len(await uow.outbox.claim(datetime.now(UTC) - timedelta(minutes=2))) == 1
        await uow.commit()
    connector = GatedConnector()
    connector.gate.set()
    outbox = dispatcher(uow_factory, connector)
    assert await outbox.run_once() == 0  # still `sending`: not claimable
    assert await outbox.release_stale() == 1
    assert await outbox.run_once() == 1
    rows = await outbox_rows(uow_factory)
    assert (rows["orphan"].status, rows["orphan"].attempts) == ("sent", 2)
    assert connector.sent == ["orphan"]


async def test_a_fresh_sending_claim_is_not_released(uow_factory: Factory) -> None:
    await queue(uow_factory, "busy")
    async with uow_factory() as uow:
        await uow.outbox.claim(datetime.now(UTC))
        await uow.commit()
    assert await dispatcher(uow_factory, GatedConnector()).release_stale() == 0
    assert (await outbox_rows(uow_factory))["busy"].status == "sending"


class SlowClockConnector(GatedConnector):
    """Every send takes 40 s of the injected clock; halfway through the round, another process sweeps."""

    def __init__(self, clock: list[datetime], sweep: Callable[[], Any]) -> None:
        super().__init__()
        self.clock = clock
        self.sweep = sweep
        self.released: list[int] = []

    async def send(self, message: OutboundMessage) -> None:
        self.clock[0] += timedelta(seconds=40)
        self.released.append(await self.sweep())
        self.sent.append(message.text)


async def test_a_round_longer_than_the_lease_renews_its_claims_so_no_sweep_takes_them(uow_factory: Factory) -> None:
    await queue(uow_factory, "one", "two", "three", "four")
    clock = [datetime.now(UTC)]
    factory: Callable[[], UnitOfWork] = uow_factory
    other = OutboxDispatcher(factory, {}, clock=lambda: clock[0], lease_seconds=60)
    connector = SlowClockConnector(clock, other.release_stale)
    outbox = OutboxDispatcher(factory, {"console": connector}, clock=lambda: clock[0], lease_seconds=60)
    assert await outbox.run_once() == 4  # 160 s of sends against a 60 s lease
    assert connector.released == [0, 0, 0, 0]  # the sweep never found a stale claim of ours
    assert connector.sent == ["one", "two", "three", "four"]
    rows = await outbox_rows(uow_factory)
    assert {text: (row.status, row.attempts) for text, row in rows.items()} == {
        text: ("sent", 1) for text in ("one", "two", "three", "four")}


async def test_one_send_longer_than_the_lease_keeps_its_claim_alive_so_no_sweep_releases_it(
        uow_factory: Factory) -> None:
    """The heartbeat renews the claims while a single send hangs (a platform slower than the lease)."""
    await queue(uow_factory, "slow")
    factory: Callable[[], UnitOfWork] = uow_factory
    connector = GatedConnector()
    outbox = OutboxDispatcher(factory, {"console": connector}, lease_seconds=3.0)
    other = OutboxDispatcher(factory, {}, lease_seconds=3.0)  # another process's sweep, on the wall clock
    round_ = asyncio.ensure_future(outbox.run_once())
    await asyncio.wait_for(connector.entered.wait(), 30)
    first = (await outbox_rows(uow_factory))["slow"].claimed_at
    deadline = asyncio.get_running_loop().time() + 30
    while (await outbox_rows(uow_factory))["slow"].claimed_at <= first + timedelta(seconds=3):
        assert asyncio.get_running_loop().time() < deadline, "the claim was never renewed during the send"
        await asyncio.sleep(0.1)
    assert await other.release_stale() == 0  # the first claim time is past the lease, the renewed one is not
    connector.gate.set()
    assert await round_ == 1
    assert connector.sent == ["slow"]
    row = (await outbox_rows(uow_factory))["slow"]
    assert (row.status, row.attempts) == ("sent", 1)
