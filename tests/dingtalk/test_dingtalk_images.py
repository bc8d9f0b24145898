"""Images through DingTalk (extra["image"]): uploaded with oapi `media/upload` (multipart field `media`, the app
token), then a robot message msgKey sampleImageMsg whose photoURL is the returned media_id, one-to-one or to a
group, before the text (which a sessionWebhook may carry). Custom group robots get the text only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from connectors.base import DeliveryError, OutboundMessage, image_extra
from connectors.dingtalk.config import DingTalkConfig, RobotKey
from connectors.dingtalk.connector import DingTalkConnector
from tests.dingtalk.fake_api import FakeDingTalkApi

CLIENT_ID, CLIENT_SECRET = "dingimgclient", "img-secret"
UPLOAD, TO_USERS, TO_GROUP = "/media/upload", "/v1.0/robot/oToMessages/batchSend", "/v1.0/robot/groupMessages/send"
SESSION = "/robot/sendBySession"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
LINK = "http://127.0.0.1:8080/team/projects/3"


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeDingTalkApi, str]]:
    api = FakeDingTalkApi(CLIENT_ID, CLIENT_SECRET, robots={"robot-token": "robot-secret"})
    app = web.Application()
    api.add_api_routes(app)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server(access_log=None)
    try:
        yield api, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def connector(fake: tuple[FakeDingTalkApi, str]) -> AsyncIterator[DingTalkConnector]:
    _, url = fake
    cfg = DingTalkConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, mode="http", openapi_base=url,
                         oapi_base=url, http_timeout=2.0)
    conn = DingTalkConnector(cfg)
    try:
        yield conn
    finally:
        await conn.stop()


def gantt(recipient: str, **extra: object) -> OutboundMessage:
    return OutboundMessage(channel="dingtalk", recipient=recipient, text=f"甘特图 P3：{LINK}",
                           markdown=f"**P3 甘特图**\n[网页版]({LINK})",
                           extra={"image": image_extra(PNG, "gantt-P3.png"), **extra})


async def test_one_to_one_the_png_is_uploaded_and_sent_as_sample_image_msg_then_the_text(
        fake: tuple[FakeDingTalkApi, str], connector: DingTalkConnector) -> None:
    api, _ = fake
    await connector.send(gantt("staff001"))
    [upload] = api.received(UPLOAD)
    assert upload.query == {"access_token": api.tokens[-1], "type": "image"}
    [(media_id, stored)] = api.media.items()
    assert (stored.field, stored.filename, stored.content_type, stored.data) == ("media", "gantt-P3.png",
                                                                                 "image/png", PNG)
    image, text = api.received(TO_USERS)
    assert image.body["msgKey"] == "sampleImageMsg" and image.body["userIds"] == ["staff001"]
    assert json.loads(image.body["msgParam"]) == {"photoURL": media_id}
    assert text.body["msgKey"] == "sampleMarkdown" and LINK in json.loads(text.body["msgParam"])["text"]


async def test_in_a_group_the_picture_goes_to_the_group_and_the_text_by_the_session_webhook(
        fake: tuple[FakeDingTalkApi, str], connector: DingTalkConnector) -> None:
    api, url = fake
    await connector.send(gantt("group:cidABC==", session_webhook=f"{url}{SESSION}?session=s1",
                               session_webhook_expires=int((api.now() + 3600) * 1000)))
    [image] = api.received(TO_GROUP)
    assert image.body["openConversationId"] == "cidABC==" and image.body["msgKey"] == "sampleImageMsg"
    assert json.loads(image.body["msgParam"])["photoURL"] in api.media
    [text] = api.received(SESSION)
    assert LINK in text.body["markdown"]["text"]


async def test_a_refused_token_on_upload_is_refreshed_once(
        fake: tuple[FakeDingTalkApi, str], connector: DingTalkConnector) -> None:
    api, _ = fake
    await connector.send(OutboundMessage(channel="dingtalk", recipient="staff001", text="warm up"))
    api.tokens.append("rotated-elsewhere")
    await connector.send(gantt("staff001"))
    uploads = api.received(UPLOAD)
    assert len(uploads) == 2 and uploads[-1].query["access_token"] == api.tokens[-1]
    assert len(api.media) == 1


async def test_a_failed_upload_sends_nothing_and_is_retried_later(
        fake: tuple[FakeDingTalkApi, str], connector: DingTalkConnector) -> None:
    api, _ = fake
    api.faults[UPLOAD] = [(200, {"errcode": -1, "errmsg": "系统繁忙"})]
    with pytest.raises(DeliveryError) as err:
        await connector.send(gantt("staff001"))
    assert err.value.retry_after is not None
    assert api.received(TO_USERS) == [] and api.media == {}


async def test_a_custom_group_robot_gets_the_text_with_the_link_only(
        fake: tuple[FakeDingTalkApi, str], fake_robot_connector: DingTalkConnector) -> None:
    api, _ = fake
    await fake_robot_connector.send(gantt("robot:华东一组"))
    assert api.received(UPLOAD) == []
    [sent] = api.received("/robot/send")
    assert LINK in sent.body["markdown"]["text"]


@pytest.fixture
async def fake_robot_connector(fake: tuple[FakeDingTalkApi, str]) -> AsyncIterator[DingTalkConnector]:
    _, url = fake
    cfg = DingTalkConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, mode="http", openapi_base=url,
                         oapi_base=url, http_timeout=2.0,
                         robots={"华东一组": RobotKey("robot-token", "robot-secret")})
    conn = DingTalkConnector(cfg)
    try:
        yield conn
    finally:
        await conn.stop()
