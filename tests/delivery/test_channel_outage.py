"""A channel down for an hour, on both engines with an injected clock: every message waits, then goes out
after, in the order it was queued per recipient, within the per-recipient limit, none lost or doubled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from connectors.base import DeliveryError, OutboundMessage
from connectors.throttle import RateLimit, Throttle
from domain.messaging import OutboxItem, OutboxStatus
from domain.ports import UnitOfWork
from scheduler.outbox import OutboxDispatcher
from storage.uow import SqlAlchemyUnitOfWork
from tests.fakes import FakeStore

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
PEOPLE = ("zhangwei", "lina", "wangfang")
LIMIT = RateLimit(5, 60.0)  # per recipient, as WeCom's per-member limit (scaled down)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class FlakyChannel:
    """Down (network error, retry in 15 s) until `back_at`; then up, with a per-recipient throttle that
    defers as the WeCom connector does. `received` is what recipients got, with the time."""

    channel = "console"

    def __init__(self, clock: Clock, back_at: datetime) -> None:
        self.clock = clock
        self.back_at = back_at
        self.throttle = Throttle((LIMIT,))
        self.received: list[tuple[datetime, str, str]] = []
        self.refused = 0

    async def send(self, message: OutboundMessage) -> None:
        if self.clock() < self.back_at:
            self.refused += 1
            raise DeliveryError("console: connection refused", retry_after=15.0)
        wait = self.throttle.reserve(message.recipient, self.clock().timestamp())
        if wait > 0:
            raise DeliveryError("per-recipient limit reached", retry_after=wait, deferred=True)
        self.received.append((self.clock(), message.recipient, message.text))

    async def start(self, dispatch: object) -> None: ...
    async def stop(self) -> None: ...


async def queue_backlog(uow_factory: Callable[[], UnitOfWork], per_person: int) -> list[str]:
    texts = []
    async with uow_factory() as uow:
        for i in range(per_person):
            for person in PEOPLE:
                text = f"{person} #{i:02d}"
                texts.append(text)
                await uow.outbox.add(OutboxItem("console", person, text, created_at=T0))
        await uow.commit()
    return texts


async def run_for(dispatcher: OutboxDispatcher, clock: Clock, until: datetime, step: float = 15.0) -> None:
    while clock.now < until:
        await dispatcher.drain()
        clock.now += timedelta(seconds=step)


async def test_a_channel_down_for_an_hour_delivers_everything_after_in_order_within_limits(
        uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> None:
    clock = Clock()
    channel = FlakyChannel(clock, back_at=T0 + timedelta(hours=1))
    factory: Callable[[], UnitOfWork] = uow_factory
    texts = await queue_backlog(factory, per_person=8)
    dispatcher = OutboxDispatcher(factory, {"console": channel}, clock, max_attempts=10,
                                  give_up_after=6 * 3600, patient_delay=60.0)
    await run_for(dispatcher, clock, T0 + timedelta(hours=1))
    assert channel.received == []
    assert channel.refused < 3 * 80, "only each recipient's first message probes a channel that is down"
    await run_for(dispatcher, clock, T0 + timedelta(hours=1, minutes=10))

    assert Counter(text for _, _, text in channel.received) == Counter(texts)  # nothing lost, nothing doubled
    for person in PEOPLE:
        got = [(at, text) for at, who, text in channel.received if who == person]
        assert [text for _, text in got] == [f"{person} #{i:02d}" for i in range(8)]  # in the order queued
        times = [at for at, _ in got]
        assert all(len([t for t in times if at <= t < at + timedelta(seconds=60)]) <= LIMIT.count for at in times)
    async with factory() as uow:
        assert not await uow.outbox.listing([OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED])


async def test_a_message_failing_past_its_attempts_and_its_patience_is_a_dead_letter_with_its_reason() -> None:
    store, clock = FakeStore(), Clock()
    channel = FlakyChannel(clock, back_at=T0 + timedelta(days=2))
    await queue_backlog(store.uow, per_person=2)
    dispatcher = OutboxDispatcher(store.uow, {"console": channel}, clock, max_attempts=3,
                                  give_up_after=2 * 3600, patient_delay=60.0)
    await run_for(dispatcher, clock, T0 + timedelta(hours=1, minutes=59))
    async with store.uow() as uow:
        assert not await uow.outbox.listing([OutboxStatus.FAILED])  # still patient
    await run_for(dispatcher, clock, T0 + timedelta(hours=2, seconds=40))
    async with store.uow() as uow:
        dead = await uow.outbox.listing([OutboxStatus.FAILED])
    assert [(d.recipient, d.text) for d in dead] == [(p, f"{p} #00") for p in PEOPLE]
    assert all(d.last_error == "console: connection refused" and d.attempts > 3 for d in dead)
