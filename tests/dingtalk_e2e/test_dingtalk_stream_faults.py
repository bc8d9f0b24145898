"""What the gateway does wrong, through the real SDK into the real bot: every message is recorded and
answered exactly once. (Watchdog: 2 s here; the gateway pings every 0.5 s.)"""

from __future__ import annotations

import asyncio

from storage.models import CustomerRow, InboxRow
from tests.dingtalk.fake_gateway import CHATBOT, eventually
from tests.dingtalk_e2e.harness import SESSION, DingTalkSession, shown

NEW_CUSTOMER = "新客户 杭州明途信息技术有限公司 区域 华东"


async def _one_customer_one_reply(dingtalk: DingTalkSession) -> None:
    sends = await dingtalk.flush()
    assert [(r.path, "已创建客户" in shown(r)) for r in sends] == [(SESSION, True)]
    assert await dingtalk.row_counts(CustomerRow, InboxRow) == (1, 1)


async def test_a_frame_delivered_three_times_and_under_a_new_message_id_is_one_record_one_reply(
        dingtalk: DingTalkSession) -> None:
    fake = dingtalk.fake
    payload = fake.chatbot(NEW_CUSTOMER)
    first = fake.push(CHATBOT, payload)
    fake.resend(first)
    fake.resend(first)
    again = fake.push(CHATBOT, payload)  # the same msgId, pushed again under a new messageId
    await dingtalk.acked(first, again)
    await eventually(lambda: fake.acks[first] == 3, what="three ACKs of the repeated frame")
    await _one_customer_one_reply(dingtalk)


async def test_a_lost_ack_is_redelivered_and_still_counts_once(dingtalk: DingTalkSession) -> None:
    fake = dingtalk.fake
    fake.drop_acks, fake.redeliver_after = 1, 0.3
    message_id = fake.say(NEW_CUSTOMER)
    await dingtalk.acked(message_id)
    assert fake.dropped_acks == [message_id]
    await _one_customer_one_reply(dingtalk)


async def test_a_zombie_connection_is_dropped_by_the_watchdog_and_nothing_is_lost(dingtalk: DingTalkSession) -> None:
    fake, stream = dingtalk.fake, dingtalk.connector.stream
    assert stream is not None
    fake.degrade("zombie")  # pongs go on, frames stop (its pings too)
    message_id = fake.say(NEW_CUSTOMER)
    await dingtalk.acked(message_id, timeout=2.0 + 3.0)  # within the watchdog time and a reconnect
    assert stream.stats.watchdog_trips == 1 and fake.connects == 2
    await _one_customer_one_reply(dingtalk)


async def test_a_silent_connection_is_replaced_and_nothing_is_lost(dingtalk: DingTalkSession) -> None:
    fake, stream = dingtalk.fake, dingtalk.connector.stream
    assert stream is not None
    fake.degrade("silent")  # no frame, no pong: a dead peer behind a live TCP connection
    message_id = fake.say(NEW_CUSTOMER)
    await dingtalk.acked(message_id, timeout=2.0 + 3.0)
    assert fake.connects == 2
    await _one_customer_one_reply(dingtalk)


async def test_a_disconnect_frame_moves_the_stream_to_a_new_connection(dingtalk: DingTalkSession) -> None:
    fake = dingtalk.fake
    fake.disconnect()
    await eventually(lambda: fake.connects == 2, 5, "a new connection")
    message_id = fake.say(NEW_CUSTOMER)
    await dingtalk.acked(message_id)
    await _one_customer_one_reply(dingtalk)
    assert len(fake.opens) == 2  # one open per connection: no tight loop after the clean close


async def test_closing_the_bot_closes_the_stream_and_leaves_later_frames_to_the_next_process(
        dingtalk: DingTalkSession) -> None:
    fake = dingtalk.fake
    first = fake.say(NEW_CUSTOMER)
    await dingtalk.acked(first)
    await dingtalk.settle()
    await dingtalk.app.close()
    assert not fake.connected()
    later = fake.say("客户 明途")
    await asyncio.sleep(0.5)
    assert fake.acks[later] == 0 and later in fake.pending  # kept by the gateway for the next connection
    await dingtalk.app.close()  # the fixture closes again: harmless
