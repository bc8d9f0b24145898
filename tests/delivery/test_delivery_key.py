"""The outbox hands each message a delivery key, the same on every retry: email uses it as Message-ID,
so a mail sent again after a crash is the same mail to the recipient's server and client."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.base import OutboundMessage
from connectors.email.smtp import SmtpConfig, SmtpSender
from domain.messaging import OutboxItem
from scheduler.outbox import OutboxDispatcher, delivery_key
from tests.fakes import FakeStore

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


class Recorder:
    channel = "email"

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> None:
        self.sent.append(message)

    async def start(self, dispatch: object) -> None: ...
    async def stop(self) -> None: ...


def sender() -> SmtpSender:
    return SmtpSender(SmtpConfig(host="127.0.0.1", port=25, from_address="sales@ourco.test"), clock=lambda: T0)


async def test_every_attempt_of_one_item_carries_the_same_key_and_other_items_another() -> None:
    store, recorder = FakeStore(), Recorder()
    async with store.uow() as uow:
        for text in ("a", "b"):
            await uow.outbox.add(OutboxItem("email", "li@client.test", text, created_at=T0, subject="s"))
        await uow.commit()
    await OutboxDispatcher(store.uow, {"email": recorder}, lambda: T0).drain()
    keys = [m.extra["delivery_key"] for m in recorder.sent]
    assert len(set(keys)) == 2
    item = OutboxItem("email", "li@client.test", "a", created_at=T0, id=1)
    assert keys[0] == delivery_key(item) == delivery_key(OutboxItem("email", "x", "other", T0, id=1))


def test_a_mail_sent_twice_from_one_item_has_one_message_id() -> None:
    message = OutboundMessage("email", "li@client.test", "正文", subject="报价",
                              extra={"delivery_key": "dealbot-outbox-7-1796000000"})
    first, again = sender().build(message), sender().build(message)
    assert first["Message-ID"] == again["Message-ID"] == "<dealbot-outbox-7-1796000000@ourco.test>"
    chosen = OutboundMessage("email", "li@client.test", "正文", subject="报价",
                             extra={"delivery_key": "k1", "message_id": "<given@ourco.test>"})
    assert sender().build(chosen)["Message-ID"] == "<given@ourco.test>"  # a thread's own id wins
    assert sender().build(OutboundMessage("email", "li@client.test", "x", subject="s"))["Message-ID"] != \
        sender().build(OutboundMessage("email", "li@client.test", "x", subject="s"))["Message-ID"]
