"""Images through WeCom (extra["image"]): the app uploads the PNG with `media/upload` (multipart field `media`)
and sends an image message carrying the returned media_id, then the text as its own message; the group robot
sends msgtype image with base64 + md5. Token refresh and the per-member throttle cover the upload too."""

from __future__ import annotations

import base64
import hashlib

import pytest
from wecom_fake_server import FakeWeCom
from wecom_support import AGENT_ID, Clock, make_config

from connectors.base import DeliveryError, OutboundMessage, image_extra
from connectors.throttle import RateLimit, Throttle
from connectors.wecom.connector import WeComConnector

SEND = "/cgi-bin/message/send"
UPLOAD = "/cgi-bin/media/upload"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8  # the connector does not look inside


def with_image(recipient: str = "zhangsan", **extra: object) -> OutboundMessage:
    return OutboundMessage(channel="wecom", recipient=recipient, text="甘特图 P3：http://127.0.0.1:8080/team/projects/3",
                           markdown="**P3 甘特图**\n[网页版](http://127.0.0.1:8080/team/projects/3)",
                           extra={"image": image_extra(PNG, "gantt-P3.png"), **extra})


async def test_the_png_is_uploaded_then_sent_as_an_image_message_then_the_text(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(with_image())
    [upload] = fake_wecom.received(UPLOAD)
    assert upload.query == {"access_token": fake_wecom.issued[0], "type": "image"}
    [(media_id, stored)] = fake_wecom.media.items()
    assert (stored.field, stored.filename, stored.content_type, stored.kind) == ("media", "gantt-P3.png",
                                                                                 "image/png", "image")
    assert stored.data == PNG
    image, text = fake_wecom.received(SEND)
    assert image.body is not None and text.body is not None
    assert {k: image.body[k] for k in ("touser", "msgtype", "agentid", "image")} == {
        "touser": "zhangsan", "msgtype": "image", "agentid": AGENT_ID, "image": {"media_id": media_id}}
    assert text.body["msgtype"] == "markdown"
    assert "http://127.0.0.1:8080/team/projects/3" in text.body["markdown"]["content"]


async def test_a_stale_token_on_upload_is_refreshed_and_the_upload_made_again(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(OutboundMessage(channel="wecom", recipient="zhangsan", text="warm up"))
    fake_wecom.issued.append("ROTATED-ELSEWHERE")  # WeCom now refuses the cached token
    await connector.send(with_image())
    uploads = fake_wecom.received(UPLOAD)
    assert [u.query["access_token"] for u in uploads] == [fake_wecom.issued[0], fake_wecom.issued[-1]]
    assert len(fake_wecom.media) == 1


async def test_the_image_counts_against_the_member_limit_and_nothing_goes_when_over(
        fake_wecom: FakeWeCom, clock: Clock) -> None:
    conn = WeComConnector(make_config(api_base=fake_wecom.url), clock=clock, throttle=Throttle([RateLimit(3, 60)]))
    try:
        await conn.send(with_image())  # image + text = 2 of 3
        with pytest.raises(DeliveryError) as err:
            await conn.send(with_image())
        assert err.value.deferred and err.value.retry_after
        assert len(fake_wecom.received(UPLOAD)) == 1 and len(fake_wecom.received(SEND)) == 2
    finally:
        await conn.stop()


async def test_the_group_robot_sends_the_picture_as_base64_with_its_md5(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    await connector.send(with_image("robot:sales"))
    image, text = fake_wecom.received("/cgi-bin/webhook/send")
    assert image.body == {"msgtype": "image", "image": {"base64": base64.b64encode(PNG).decode(),
                                                        "md5": hashlib.md5(PNG).hexdigest()}}
    assert text.body is not None and text.body["msgtype"] == "markdown"
    assert fake_wecom.received(UPLOAD) == []


@pytest.mark.parametrize("bad", [{"data": "not base64!!", "filename": "x.png", "content_type": "image/png"},
                                 {"data": base64.b64encode(b"<svg/>").decode(), "content_type": "image/svg+xml"},
                                 "a string"])
async def test_a_malformed_image_fails_for_good_and_sends_nothing(
        connector: WeComConnector, fake_wecom: FakeWeCom, bad: object) -> None:
    message = OutboundMessage(channel="wecom", recipient="zhangsan", text="x", extra={"image": bad})
    with pytest.raises(DeliveryError) as err:
        await connector.send(message)
    assert err.value.retry_after is None
    assert fake_wecom.received(SEND) == [] and fake_wecom.received(UPLOAD) == []
