"""The stream client alone (the real SDK against the fake gateway; dispatch records what it is given):
reconnects with backoff, never in a tight loop; connections/open off the event loop with a timeout;
ACK only after dispatch returned; a failed dispatch is not ACKed and comes again; a clean stop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from connectors.base import InboundMessage
from connectors.dingtalk import DingTalkConfig, DingTalkConnector
from tests.dingtalk.fake_gateway import FakeDingTalk, eventually


@pytest.fixture
def fake() -> Iterator[FakeDingTalk]:
    gateway = FakeDingTalk(ping_every=0.5).start()
    try:
        yield gateway
    finally:
        gateway.close()


class Recorder:
    def __init__(self) -> None:
        self.messages: list[InboundMessage] = []
        self.gate: asyncio.Event | None = None
        self.fail_next = 0

    async def __call__(self, message: InboundMessage) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("database unavailable")
        self.messages.append(message)


def connector(fake: FakeDingTalk, **tuning: Any) -> DingTalkConnector:
    values: dict[str, Any] = {"watchdog_seconds": 2.0, "http_timeout": 1.0, "backoff_base": 0.05, "backoff_max": 0.5}
    cfg = DingTalkConfig(client_id=fake.client_id, client_secret=fake.client_secret, openapi_base=fake.url,
                         oapi_base=fake.url, **(values | tuning))
    return DingTalkConnector(cfg)


@pytest.fixture
async def running(fake: FakeDingTalk) -> AsyncIterator[tuple[DingTalkConnector, Recorder]]:
    conn, recorder = connector(fake), Recorder()
    await conn.start(recorder)
    await eventually(fake.connected, 5, "connection")
    yield conn, recorder
    await conn.stop()


async def held_frame(fake: FakeDingTalk, recorder: Recorder) -> tuple[str, asyncio.Event]:
    """A frame pushed and received, its store held until the returned gate is set; its messageId."""
    gate = recorder.gate = asyncio.Event()
    message_id = fake.say("跟进 #1 电话沟通")
    await asyncio.sleep(0.3)
    return message_id, gate


async def test_ack_only_after_dispatch_returned(fake: FakeDingTalk,
                                                running: tuple[DingTalkConnector, Recorder]) -> None:
    _, recorder = running
    recorder.gate = asyncio.Event()
    message_id = fake.say("跟进 #1 电话沟通")
    await asyncio.sleep(0.5)
    assert fake.acks[message_id] == 0 and recorder.messages == []  # still being stored: no ACK yet
    recorder.gate.set()
    await eventually(lambda: fake.acks[message_id] == 1, what="ACK")
    [message] = recorder.messages
    assert (message.channel, message.sender_id, message.conversation_id, message.text) == (
        "dingtalk", "zhangwei", "zhangwei", "跟进 #1 电话沟通")


async def test_a_failed_dispatch_is_not_acknowledged_and_comes_again(
        fake: FakeDingTalk, running: tuple[DingTalkConnector, Recorder]) -> None:
    conn, recorder = running
    recorder.fail_next, fake.redeliver_after = 1, 0.3
    message_id = fake.say("跟进 #1 电话沟通")
    await eventually(lambda: fake.acks[message_id] == 1, what="ACK of the redelivery")
    assert conn.stream is not None and conn.stream.stats.unacked == 1
    assert [m.text for m in recorder.messages] == ["跟进 #1 电话沟通"]


async def test_a_gateway_refusing_for_seconds_gets_backoff_not_a_storm(fake: FakeDingTalk) -> None:
    # The production schedule (base 0.5 s, cap 8 s over 20 s) scaled down 4x in time: the same doublings
    # up to the cap, the same count of opens; a storm would still be thousands of opens in these 5 s.
    conn, recorder = connector(fake, backoff_base=0.125, backoff_max=2.0), Recorder()
    fake.refuse_open = True
    await conn.start(recorder)
    await asyncio.sleep(5)
    refused = len(fake.opens)
    assert 3 <= refused <= 8, fake.opens  # 0.125-0.25 s, 0.25-0.5, 0.5-1, 1-2, 1-2 s apart (the SDK: 3,600 in 10 s)
    gaps = [b - a for a, b in zip(fake.opens, fake.opens[1:], strict=False)]
    assert all(later >= 0.125 for later in gaps) and gaps[-1] >= 0.5, gaps
    fake.refuse_open = False
    await eventually(fake.connected, 9, "a connection once the gateway accepts again")
    message_id = fake.say("跟进 #1 电话沟通")
    await eventually(lambda: fake.acks[message_id] == 1, what="ACK")
    await conn.stop()


async def test_a_gateway_that_closes_every_connection_at_once_is_not_hammered(fake: FakeDingTalk) -> None:
    conn = connector(fake, backoff_base=0.2, backoff_max=2.0)
    fake.close_at_once = True
    await conn.start(Recorder())
    await asyncio.sleep(4)
    await conn.stop()
    assert 3 <= len(fake.opens) <= 8, len(fake.opens)  # clean closes without a frame back off like errors


async def test_connections_open_is_off_the_event_loop_and_times_out(fake: FakeDingTalk) -> None:
    conn = connector(fake, http_timeout=1.5, backoff_base=0.05, backoff_max=0.1)
    fake.open_delay = 30.0  # the gateway never answers in time
    await conn.start(Recorder())
    worst, last = 0.0, time.monotonic()
    for _ in range(140):  # 3.5 s of a 25 ms ticker: the loop is never blocked by the hanging request
        await asyncio.sleep(0.025)
        now = time.monotonic()
        worst, last = max(worst, now - last), now
    assert worst < 0.75, worst  # a blocking open would stall it for the whole 1.5 s timeout; a busy box, not 0.75 s
    assert len(fake.opens) >= 2  # timed out and tried again
    fake.open_delay = 0.0
    await eventually(fake.connected, 5, "connection")
    await conn.stop()


async def test_stop_lets_a_frame_in_flight_finish_and_be_acknowledged(
        fake: FakeDingTalk, running: tuple[DingTalkConnector, Recorder]) -> None:
    conn, recorder = running
    message_id, gate = await held_frame(fake, recorder)
    stopping = asyncio.create_task(conn.stop())
    await asyncio.sleep(0.2)
    gate.set()
    await stopping
    assert fake.acks[message_id] == 1 and len(recorder.messages) == 1
    await eventually(lambda: not fake.connected(), 3, "closed connection")


async def test_a_gateway_answering_html_is_retried_and_the_ticket_never_logged(
        fake: FakeDingTalk, caplog: pytest.LogCaptureFixture) -> None:
    conn = connector(fake, backoff_base=0.05, backoff_max=0.2)
    fake.open_html = True
    await conn.start(Recorder())
    await eventually(lambda: len(fake.opens) >= 3, 5, "retries of connections/open")
    fake.open_html = False
    await eventually(fake.connected, 5, "a connection once the gateway answers JSON")
    await conn.stop()
    assert "ticket" not in caplog.text and fake.client_secret not in caplog.text


async def test_a_disconnect_lets_the_frame_in_flight_be_acknowledged_first(
        fake: FakeDingTalk, running: tuple[DingTalkConnector, Recorder]) -> None:
    _, recorder = running
    message_id, gate = await held_frame(fake, recorder)
    fake.disconnect()  # the gateway moves us while the frame is being stored
    await asyncio.sleep(0.2)
    gate.set()
    await eventually(lambda: fake.acks[message_id] == 1, what="ACK on the old connection")
    await eventually(lambda: fake.connects == 2, 5, "the new connection")
    assert len(recorder.messages) == 1  # stored once, acknowledged once: not redelivered
