"""WeComConnector: routing, throttling, group robots, the callback door, secrets kept out of logs."""

from __future__ import annotations

import logging

import pytest
import wecom_crypto_ref as ref
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from wecom_fake_server import HTTP_500, SLOW, FakeWeCom
from wecom_support import (
    AES_KEY,
    AGENT_ID,
    CORP_ID,
    NOW,
    ROBOT_KEY,
    SECRET,
    TOKEN,
    Clock,
    FakeInbox,
    make_config,
)

from connectors.base import DeliveryError, OutboundMessage
from connectors.wecom.connector import WeComConnector

SEND = "/cgi-bin/message/send"
WEBHOOK = "/cgi-bin/webhook/send"
CHINESE_LINE = "客户华为已确认第二阶段报价，下周三上午十点在深圳总部签约。"


def to_user(text: str = "hi") -> OutboundMessage:
    return OutboundMessage(channel="wecom", recipient="zhangsan", text=text)


def to_robot(text: str = "hi", markdown: str | None = None, team: str = "sales") -> OutboundMessage:
    return OutboundMessage(channel="wecom", recipient=f"robot:{team}", text=text, markdown=markdown)


async def test_forty_messages_to_one_member_in_a_minute_send_thirty_and_defer_the_rest(
        connector: WeComConnector, fake_wecom: FakeWeCom, clock: Clock) -> None:
    deferred: list[float] = []
    for i in range(40):
        try:
            await connector.send(to_user(f"m{i}"))
        except DeliveryError as err:
            assert err.retry_after is not None
            deferred.append(err.retry_after)
        clock.advance(1)
    assert len(fake_wecom.received(SEND)) == 30
    assert len(deferred) == 10 and all(0 < w <= 60 for w in deferred)
    clock.advance(60)
    await connector.send(to_user("later"))
    assert len(fake_wecom.received(SEND)) == 31


async def test_robot_recipient_goes_to_the_team_webhook(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(to_robot("plain", markdown="**周报** 新增商机 3 个"))
    [sent] = fake_wecom.received(WEBHOOK)
    assert sent.query == {"key": ROBOT_KEY}
    assert sent.body == {"msgtype": "markdown", "markdown": {"content": "**周报** 新增商机 3 个"}}
    assert fake_wecom.received(SEND) == []


async def test_robot_text_without_markdown_is_sent_as_text(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(to_robot("午安"))
    assert fake_wecom.received(WEBHOOK)[0].body == {"msgtype": "text", "text": {"content": "午安"}}


async def test_long_chinese_robot_markdown_arrives_in_parts_of_at_most_4096_bytes(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    text = "\n".join(f"- {i:03d} {CHINESE_LINE}" for i in range(200))
    await connector.send(to_robot(markdown=text))
    contents = [r.body["markdown"]["content"] for r in fake_wecom.received(WEBHOOK) if r.body]
    assert len(contents) > 1
    assert all(len(c.encode("utf-8")) <= 4096 for c in contents)
    assert "\n".join(contents) == text


async def test_robot_is_throttled_at_twenty_per_minute(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    for i in range(20):
        await connector.send(to_robot(f"m{i}"))
    with pytest.raises(DeliveryError) as err:
        await connector.send(to_robot("21st"))
    assert err.value.retry_after is not None and err.value.retry_after > 0
    assert len(fake_wecom.received(WEBHOOK)) == 20


async def test_unknown_team_robot_is_a_permanent_failure(connector: WeComConnector) -> None:
    with pytest.raises(DeliveryError) as err:
        await connector.send(to_robot(team="nobody"))
    assert err.value.retry_after is None


async def test_robot_rate_limit_answer_is_retryable(connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    fake_wecom.webhook_faults.append({"errcode": 45009, "errmsg": "api freq out of limit"})
    with pytest.raises(DeliveryError) as err:
        await connector.send(to_robot())
    assert err.value.retry_after is not None


async def test_other_channel_is_refused(connector: WeComConnector) -> None:
    with pytest.raises(DeliveryError):
        await connector.send(OutboundMessage(channel="email", recipient="a@b.c", text="x"))


async def test_callback_hands_messages_to_dispatch_only_after_start(clock: Clock) -> None:
    inbox = FakeInbox()
    conn = WeComConnector(make_config(), clock=clock)
    app = web.Application()
    conn.add_routes(app)
    inner = ref.text_xml(corp_id=CORP_ID, user="lisi", content="在吗", msg_id="5", create_time=int(NOW),
                         agent_id=AGENT_ID)
    encrypted = ref.encrypt(AES_KEY, inner, CORP_ID)
    ts = str(int(NOW))
    query = {"msg_signature": ref.sign(TOKEN, ts, "n", encrypted), "timestamp": ts, "nonce": "n"}
    body = ref.envelope(encrypted, CORP_ID, AGENT_ID)
    async with TestClient(TestServer(app)) as client:
        assert (await client.post("/wecom/callback", params=query, data=body)).status == 500
        await conn.start(inbox.accept)
        assert (await client.post("/wecom/callback", params=query, data=body)).status == 200
    await conn.stop()
    assert [m.text for m in inbox.messages] == ["在吗"]


def test_config_repr_hides_secrets() -> None:
    text = repr(make_config()) + str(make_config())
    for secret in (SECRET, TOKEN, AES_KEY, ROBOT_KEY):
        assert secret not in text
    assert CORP_ID in text


async def test_logs_and_errors_never_show_secrets_or_access_tokens(
        connector: WeComConnector, fake_wecom: FakeWeCom, clock: Clock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []

    async def attempt(message: OutboundMessage) -> None:
        try:
            await connector.send(message)
        except DeliveryError as err:
            errors.append(f"{err!s} {err!r} {err.__cause__!r} {err.__context__!r}")
            logging.getLogger("test").exception("delivery failed")

    await attempt(to_user())
    fake_wecom.send_faults += [{"errcode": 45009, "errmsg": "freq"}, SLOW, HTTP_500]
    for _ in range(3):
        await attempt(to_user())
    fake_wecom.always_send_fault = {"errcode": 40014, "errmsg": "invalid access_token"}
    await attempt(to_user())
    fake_wecom.webhook_faults += [HTTP_500, SLOW]
    await attempt(to_robot())
    await attempt(to_robot())
    assert len(errors) == 6
    leaked = [*fake_wecom.issued, SECRET, TOKEN, AES_KEY, ROBOT_KEY]
    for text in [caplog.text, *errors]:
        for secret in leaked:
            assert secret not in text


async def test_callback_logs_never_show_secrets(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    inbox = FakeInbox()
    inbox.fail = True
    conn = WeComConnector(make_config(), clock=clock)
    app = web.Application()
    conn.add_routes(app)
    await conn.start(inbox.accept)
    inner = ref.text_xml(corp_id=CORP_ID, user="lisi", content="x", msg_id="6", create_time=int(NOW),
                         agent_id=AGENT_ID)
    encrypted = ref.encrypt(AES_KEY, inner, CORP_ID)
    ts = str(int(NOW))
    query = {"msg_signature": ref.sign(TOKEN, ts, "n", encrypted), "timestamp": ts, "nonce": "n"}
    body = ref.envelope(encrypted, CORP_ID, AGENT_ID)
    async with TestClient(TestServer(app)) as client:
        assert (await client.post("/wecom/callback", params=query, data=body)).status == 500
        bad = {**query, "msg_signature": "f" * 40}
        assert (await client.post("/wecom/callback", params=bad, data=body)).status == 403
    await conn.stop()
    assert "inbox unavailable" in caplog.text
    for secret in (SECRET, TOKEN, AES_KEY, ROBOT_KEY):
        assert secret not in caplog.text
