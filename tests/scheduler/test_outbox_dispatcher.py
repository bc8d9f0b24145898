"""The outbox dispatcher: delivered once, retried with backoff, deferrals never use up attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.base import DeliveryError, OutboundMessage
from domain.messaging import OutboxItem, OutboxStatus
from scheduler.outbox import OutboxDispatcher
from tests.fakes import FakeStore

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


class FakeConnector:
    channel = "console"

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.failures = failures or []
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)

    async def start(self, dispatch: object) -> None: ...
    async def stop(self) -> None: ...


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


async def queue(store: FakeStore, text: str = "hello") -> None:
    async with store.uow() as uow:
        await uow.outbox.add(OutboxItem("console", "zhangwei", text, created_at=T0))
        await uow.commit()


def _any(store: FakeStore) -> OutboxItem:
    """The one outbox row, as committed."""
    (row,) = store.tables["outbox"].values()
    assert isinstance(row, OutboxItem)
    return row


async def test_a_message_is_delivered_once() -> None:
    store, connector, clock = FakeStore(), FakeConnector(), Clock()
    await queue(store)
    dispatcher = OutboxDispatcher(store.uow, {"console": connector}, clock)
    assert await dispatcher.drain() == 1
    assert await dispatcher.drain() == 0
    assert [m.text for m in connector.sent] == ["hello"]
    assert _any(store).status is OutboxStatus.SENT


async def test_a_retryable_failure_waits_and_then_delivers() -> None:
    store, clock = FakeStore(), Clock()
    connector = FakeConnector([DeliveryError("busy", retry_after=60)])
    await queue(store)
    dispatcher = OutboxDispatcher(store.uow, {"console": connector}, clock)
    assert await dispatcher.drain() == 0
    clock.now += timedelta(seconds=30)
    assert await dispatcher.drain() == 0  # not yet due
    clock.now += timedelta(seconds=31)
    assert await dispatcher.drain() == 1
    assert _any(store).status is OutboxStatus.SENT


async def test_a_permanent_failure_is_kept_as_failed_not_dropped() -> None:
    store, clock = FakeStore(), Clock()
    await queue(store)
    dispatcher = OutboxDispatcher(store.uow, {"console": FakeConnector([DeliveryError("bad user", None)])}, clock)
    await dispatcher.drain()
    assert _any(store).status is OutboxStatus.FAILED and _any(store).last_error == "bad user"


async def test_retryable_failures_give_up_after_the_attempt_limit() -> None:
    store, clock = FakeStore(), Clock()
    await queue(store)
    failures: list[Exception] = [DeliveryError("down", retry_after=1) for _ in range(5)]
    dispatcher = OutboxDispatcher(store.uow, {"console": FakeConnector(failures)}, clock, max_attempts=3)
    for _ in range(5):
        await dispatcher.drain()
        clock.now += timedelta(seconds=2)
    assert _any(store).status is OutboxStatus.FAILED and _any(store).attempts == 3


async def test_deferrals_by_a_channel_throttle_never_use_up_attempts() -> None:
    store, clock = FakeStore(), Clock()
    await queue(store)
    deferrals: list[Exception] = [DeliveryError("throttled", retry_after=1, deferred=True) for _ in range(20)]
    connector = FakeConnector(deferrals)
    dispatcher = OutboxDispatcher(store.uow, {"console": connector}, clock, max_attempts=3)
    for _ in range(21):
        await dispatcher.drain()
        clock.now += timedelta(seconds=2)
    assert [m.text for m in connector.sent] == ["hello"]
    assert _any(store).status is OutboxStatus.SENT and _any(store).attempts == 1


async def test_a_connector_bug_is_retried_with_backoff_not_lost() -> None:
    store, clock = FakeStore(), Clock()
    await queue(store)
    connector = FakeConnector([RuntimeError("boom")])
    dispatcher = OutboxDispatcher(store.uow, {"console": connector}, clock, base_delay=5)
    await dispatcher.drain()
    assert _any(store).status is OutboxStatus.PENDING
    clock.now += timedelta(seconds=11)
    assert await dispatcher.drain() == 1
