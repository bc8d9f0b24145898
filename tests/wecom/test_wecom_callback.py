"""The callback endpoint against requests built by our own reference crypto (not wechatpy's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import wecom_crypto_ref as ref
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from wecom_support import AES_KEY, AGENT_ID, CORP_ID, NOW, TOKEN, Clock, FakeInbox, make_config
from yarl import URL

from connectors.wecom.callback import add_routes

Client = TestClient[web.Request, web.Application]
PATH = "/wecom/callback"
USER = "zhangsan"


@pytest.fixture
def inbox() -> FakeInbox:
    return FakeInbox()


@pytest.fixture
async def client(inbox: FakeInbox, clock: Clock) -> AsyncIterator[Client]:
    app = web.Application()
    add_routes(app, make_config(), inbox.accept, clock=clock)
    async with TestClient(TestServer(app)) as c:
        yield c


def signed_query(encrypted: str, *, timestamp: float = NOW, nonce: str = "n0nce") -> dict[str, str]:
    ts = str(int(timestamp))
    return {"msg_signature": ref.sign(TOKEN, ts, nonce, encrypted), "timestamp": ts, "nonce": nonce}


def sealed(inner: bytes, *, receive_id: str = CORP_ID,
           timestamp: float = NOW) -> tuple[dict[str, str], bytes]:
    encrypted = ref.encrypt(AES_KEY, inner, receive_id)
    return signed_query(encrypted, timestamp=timestamp), ref.envelope(encrypted, CORP_ID, AGENT_ID)


def text_message(content: str = "拜访了华为，下周三报价", msg_id: str = "7345012345678901234") -> bytes:
    xml: bytes = ref.text_xml(corp_id=CORP_ID, user=USER, content=content, msg_id=msg_id,
                              create_time=int(NOW), agent_id=AGENT_ID)
    return xml


async def test_url_verification_answers_the_plaintext_echostr(client: Client) -> None:
    encrypted = ref.encrypt(AES_KEY, b"echo-1234567890", CORP_ID)
    resp = await client.get(PATH, params={**signed_query(encrypted), "echostr": encrypted})
    assert resp.status == 200
    assert await resp.text() == "echo-1234567890"


async def test_url_verification_tolerates_an_unescaped_plus_in_echostr(client: Client) -> None:
    encrypted = ref.encrypt(AES_KEY, b"x" * 40, CORP_ID)
    while "+" not in encrypted:
        encrypted = ref.encrypt(AES_KEY, b"x" * 40, CORP_ID)
    q = signed_query(encrypted)
    raw = (f"{PATH}?msg_signature={q['msg_signature']}&timestamp={q['timestamp']}&nonce={q['nonce']}"
           f"&echostr={encrypted.replace('=', '%3D')}")
    resp = await client.get(URL(raw, encoded=True))
    assert resp.status == 200
    assert await resp.text() == "x" * 40


async def test_url_verification_with_bad_signature_is_forbidden(client: Client) -> None:
    encrypted = ref.encrypt(AES_KEY, b"echo", CORP_ID)
    query = {**signed_query(encrypted), "echostr": encrypted, "msg_signature": "0" * 40}
    assert (await client.get(PATH, params=query)).status == 403


async def test_text_message_is_accepted_and_answered_with_empty_200(
        client: Client, inbox: FakeInbox) -> None:
    query, body = sealed(text_message())
    resp = await client.post(PATH, params=query, data=body)
    assert resp.status == 200
    assert await resp.read() == b""
    [msg] = inbox.messages
    assert (msg.channel, msg.external_id, msg.conversation_id, msg.sender_id) == (
        "wecom", "7345012345678901234", USER, USER)
    assert msg.text == "拜访了华为，下周三报价"
    assert msg.received_at == datetime.fromtimestamp(NOW, tz=UTC)
    assert msg.extra["msgtype"] == "text"


async def test_event_gets_sender_time_event_key_and_empty_text(
        client: Client, inbox: FakeInbox) -> None:
    inner = ref.event_xml(corp_id=CORP_ID, user=USER, event="enter_agent", create_time=int(NOW),
                          agent_id=AGENT_ID)
    query, body = sealed(inner)
    assert (await client.post(PATH, params=query, data=body)).status == 200
    [msg] = inbox.messages
    assert msg.external_id == f"event:{USER}:{int(NOW)}:enter_agent"
    assert msg.text == ""
    assert msg.extra["event"] == "enter_agent"


async def test_image_is_accepted_with_empty_text_and_its_msgtype(
        client: Client, inbox: FakeInbox) -> None:
    inner = ref.image_xml(corp_id=CORP_ID, user=USER, msg_id="42", create_time=int(NOW), agent_id=AGENT_ID)
    query, body = sealed(inner)
    assert (await client.post(PATH, params=query, data=body)).status == 200
    [msg] = inbox.messages
    assert (msg.text, msg.extra["msgtype"], msg.external_id) == ("", "image", "42")


async def test_redelivered_message_is_accepted_once(client: Client, inbox: FakeInbox) -> None:
    for _ in range(4):
        query, body = sealed(text_message(msg_id="99"))
        assert (await client.post(PATH, params=query, data=body)).status == 200
    assert [m.external_id for m in inbox.messages] == ["99"]


async def test_failing_accept_answers_500_and_the_redelivery_is_taken(
        client: Client, inbox: FakeInbox) -> None:
    query, body = sealed(text_message(msg_id="100"))
    inbox.fail = True
    assert (await client.post(PATH, params=query, data=body)).status == 500
    inbox.fail = False
    assert (await client.post(PATH, params=query, data=body)).status == 200
    assert [m.external_id for m in inbox.messages] == ["100"]


async def test_bad_signature_is_forbidden(client: Client, inbox: FakeInbox) -> None:
    query, body = sealed(text_message())
    query["msg_signature"] = ref.sign("not-the-token", query["timestamp"], query["nonce"], "x")
    assert (await client.post(PATH, params=query, data=body)).status == 403
    assert inbox.messages == []


async def test_non_ascii_signature_is_forbidden(client: Client) -> None:
    query, body = sealed(text_message())
    query["msg_signature"] = "签名" * 20
    assert (await client.post(PATH, params=query, data=body)).status == 403


async def test_message_for_another_corp_is_forbidden(client: Client, inbox: FakeInbox) -> None:
    query, body = sealed(text_message(), receive_id="wwOTHERCORP")
    assert (await client.post(PATH, params=query, data=body)).status == 403
    assert inbox.messages == []


@pytest.mark.parametrize("skew", [-301, 301, -10_000])
async def test_stale_or_future_timestamp_is_forbidden(
        client: Client, inbox: FakeInbox, skew: int) -> None:
    query, body = sealed(text_message(), timestamp=NOW + skew)
    assert (await client.post(PATH, params=query, data=body)).status == 403
    assert inbox.messages == []


async def test_timestamp_inside_window_is_accepted(client: Client, inbox: FakeInbox) -> None:
    query, body = sealed(text_message(), timestamp=NOW - 299)
    assert (await client.post(PATH, params=query, data=body)).status == 200


async def test_missing_query_parameters_are_a_bad_request(client: Client) -> None:
    _, body = sealed(text_message())
    assert (await client.post(PATH, data=body)).status == 400


@pytest.mark.parametrize("body", [b"not xml at all", b"<xml><Encrypt>", b"<xml><Other>1</Other></xml>"])
async def test_malformed_envelope_is_a_bad_request(client: Client, body: bytes) -> None:
    query = signed_query("whatever")
    assert (await client.post(PATH, params=query, data=body)).status == 400


async def test_correctly_signed_garbage_ciphertext_is_a_bad_request(client: Client) -> None:
    garbage = "QUJDREVGR0hJSktMTU5PUA=="  # 16 bytes, not a valid WeCom payload
    body = ref.envelope(garbage, CORP_ID, AGENT_ID)
    assert (await client.post(PATH, params=signed_query(garbage), data=body)).status == 400


async def test_one_megabyte_body_is_too_large(client: Client, inbox: FakeInbox) -> None:
    query, _ = sealed(text_message())
    assert (await client.post(PATH, params=query, data=b"<xml>" + b"a" * 1_048_576)).status == 413
    assert inbox.messages == []


async def test_chunked_body_over_the_cap_is_too_large(client: Client) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(16):
            yield b"a" * 65_536

    query, _ = sealed(text_message())
    assert (await client.post(PATH, params=query, data=chunks())).status == 413
