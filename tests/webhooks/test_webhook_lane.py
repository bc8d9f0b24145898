"""A slow webhook receiver does not hold back chat replies: the dispatcher sends the webhook channel in a lane of
its own, alongside the others (issue #16)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from connectors.base import OutboundMessage
from domain.messaging import OutboxItem, OutboxStatus
from scheduler.outbox import OutboxDispatcher
from tests.fakes import FakeStore

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


class Reply:
    channel = "console"

    def __init__(self, sent: asyncio.Event) -> None:
        self.sent = sent

    async def send(self, message: OutboundMessage) -> None:
        self.sent.set()

    async def start(self, dispatch: object) -> None: ...
    async def stop(self) -> None: ...


class SlowReceiver:
    """Answers only once the chat reply queued after it has gone out: sent in turn, this would never finish."""

    channel = "webhook"

    def __init__(self, reply_sent: asyncio.Event) -> None:
        self.reply_sent = reply_sent

    async def send(self, message: OutboundMessage) -> None:
        await asyncio.wait_for(self.reply_sent.wait(), 5)

    async def start(self, dispatch: object) -> None: ...
    async def stop(self) -> None: ...


async def test_a_reply_goes_out_while_a_webhook_is_still_waiting_for_its_receiver() -> None:
    store, reply_sent = FakeStore(), asyncio.Event()
    async with store.uow() as uow:
        await uow.outbox.add(OutboxItem("webhook", "W1", "{}", created_at=T0, extra={"subscription_id": 1}))
        await uow.outbox.add(OutboxItem("console", "zhangwei", "已登记回款", created_at=T0))
        await uow.commit()
    dispatcher = OutboxDispatcher(store.uow, {"webhook": SlowReceiver(reply_sent), "console": Reply(reply_sent)},
                                  lambda: T0, own_lane=("webhook",))
    assert await dispatcher.run_once() == 2
    assert {row.status for row in store.tables["outbox"].values()} == {OutboxStatus.SENT}
