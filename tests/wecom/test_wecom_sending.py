"""App messages and access tokens against the local fake WeCom server."""

from __future__ import annotations

import asyncio

import pytest
from wecom_fake_server import HTTP_500, SLOW, FakeWeCom
from wecom_support import AGENT_ID, Clock, make_config

from connectors.base import DeliveryError, OutboundMessage
from connectors.http import HttpTransport
from connectors.wecom.connector import WeComConnector
from connectors.wecom.token import AccessTokenProvider, InMemoryTokenStore

SEND = "/cgi-bin/message/send"
GETTOKEN = "/cgi-bin/gettoken"


# WeCom drops a resend of the same message within 30 minutes: the outbox delivers at least once
DUPLICATE_CHECK = {"enable_duplicate_check": 1, "duplicate_check_interval": 1800}


def out(text: str = "你好 hello", **kw: object) -> OutboundMessage:
    return OutboundMessage(channel="wecom", recipient="zhangsan", text=text, **kw)  # type: ignore[arg-type]


async def test_text_reaches_the_app_api_with_the_documented_json(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(out("已记录 Saved"))
    [sent] = fake_wecom.received(SEND)
    assert sent.query == {"access_token": fake_wecom.issued[0]}
    assert sent.body == {"touser": "zhangsan", "msgtype": "text", "agentid": AGENT_ID,
                         "text": {"content": "已记录 Saved"}, **DUPLICATE_CHECK}


async def test_markdown_is_sent_as_markdown(connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(out("plain", markdown="### 商机 #12\n**阶段**：报价"))
    [sent] = fake_wecom.received(SEND)
    assert sent.body is not None
    assert sent.body["msgtype"] == "markdown"
    assert sent.body["markdown"] == {"content": "### 商机 #12\n**阶段**：报价"}


async def test_textcard_from_extra_is_sent_as_textcard(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    card = {"title": "报价待审批", "description": "华为 ¥120,000", "url": "https://crm.example/q/7"}
    await connector.send(out("fallback", extra={"textcard": card}))
    [sent] = fake_wecom.received(SEND)
    assert sent.body == {"touser": "zhangsan", "msgtype": "textcard", "agentid": AGENT_ID,
                         "textcard": {**card, "btntxt": "详情"}, **DUPLICATE_CHECK}


async def test_token_is_fetched_once_and_reused(connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    for i in range(3):
        await connector.send(out(f"m{i}"))
    assert len(fake_wecom.received(GETTOKEN)) == 1
    assert len(fake_wecom.received(SEND)) == 3


async def test_concurrent_first_sends_fetch_one_token(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await asyncio.gather(*(connector.send(out(f"m{i}")) for i in range(5)))
    assert len(fake_wecom.received(GETTOKEN)) == 1


async def test_token_is_refreshed_before_it_expires(
        connector: WeComConnector, fake_wecom: FakeWeCom, clock: Clock) -> None:
    await connector.send(out())
    clock.advance(7200 - 300 + 1)  # inside the refresh margin
    await connector.send(out())
    assert len(fake_wecom.received(GETTOKEN)) == 2
    assert fake_wecom.received(SEND)[-1].query["access_token"] == fake_wecom.issued[1]


async def test_token_expired_mid_send_is_refreshed_once_and_delivered(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(out("first"))
    fake_wecom.send_faults.append({"errcode": 42001, "errmsg": "access_token expired"})
    await connector.send(out("second"))
    assert len(fake_wecom.received(GETTOKEN)) == 2
    attempts = [r for r in fake_wecom.received(SEND) if r.body and r.body["text"]["content"] == "second"]
    assert [a.query["access_token"] for a in attempts] == fake_wecom.issued


async def test_repeated_40014_gives_up_after_bounded_retries(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    fake_wecom.always_send_fault = {"errcode": 40014, "errmsg": "invalid access_token"}
    with pytest.raises(DeliveryError) as err:
        await connector.send(out())
    assert err.value.retry_after is not None and err.value.retry_after > 0
    retries = connector.cfg.max_token_retries
    assert len(fake_wecom.received(SEND)) == retries + 1
    assert len(fake_wecom.received(GETTOKEN)) == retries + 1


async def test_api_freq_out_of_limit_is_retryable_later(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    fake_wecom.send_faults.append({"errcode": 45009, "errmsg": "api freq out of limit"})
    with pytest.raises(DeliveryError) as err:
        await connector.send(out())
    assert err.value.retry_after is not None and err.value.retry_after >= 30


@pytest.mark.parametrize("fault", [SLOW, HTTP_500], ids=["slow-answer", "http-500"])
async def test_slow_or_failing_server_is_retryable(
        connector: WeComConnector, fake_wecom: FakeWeCom, fault: str) -> None:
    await connector.send(out("warm up"))
    fake_wecom.send_faults.append(fault)
    with pytest.raises(DeliveryError) as err:
        await connector.send(out())
    assert err.value.retry_after is not None and err.value.retry_after > 0


async def test_slow_gettoken_is_retryable(connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    fake_wecom.token_faults.append(SLOW)
    with pytest.raises(DeliveryError) as err:
        await connector.send(out())
    assert err.value.retry_after is not None
    assert fake_wecom.received(SEND) == []


async def test_unknown_member_is_a_permanent_failure(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    fake_wecom.send_faults.append({"errcode": 81013, "errmsg": "user & party & tag all invalid"})
    with pytest.raises(DeliveryError) as err:
        await connector.send(out())
    assert err.value.retry_after is None


async def test_token_refreshed_by_another_process_is_reused_not_refetched(
        fake_wecom: FakeWeCom, clock: Clock) -> None:
    store = InMemoryTokenStore()
    transport = HttpTransport(timeout=1.0)

    def provider() -> AccessTokenProvider:
        return AccessTokenProvider(transport, store, api_base=fake_wecom.url, corp_id=fake_wecom.corp_id,
                                   secret=fake_wecom.secret, key="wecom:test", clock=clock)

    first, second = provider(), provider()
    try:
        old = await first.token()
        assert await second.token() == old
        new = await first.refresh(old)
        assert await second.refresh(old) == new  # WeCom refused `old` to both; only one refetch
        assert len(fake_wecom.received(GETTOKEN)) == 2
    finally:
        await transport.close()


async def test_gettoken_error_is_retryable(fake_wecom: FakeWeCom, clock: Clock) -> None:
    fake_wecom.token_faults.append({"errcode": -1, "errmsg": "system busy"})
    conn = WeComConnector(make_config(api_base=fake_wecom.url), clock=clock)
    try:
        with pytest.raises(DeliveryError) as err:
            await conn.send(out())
        assert err.value.retry_after is not None
        await conn.send(out())  # next attempt works
    finally:
        await conn.stop()


async def test_markdown_identical_to_the_text_is_sent_as_plain_text(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(out("已记录 Saved", markdown="已记录 Saved"))
    [sent] = fake_wecom.received(SEND)
    assert sent.body is not None
    assert (sent.body["msgtype"], sent.body["text"]) == ("text", {"content": "已记录 Saved"})
