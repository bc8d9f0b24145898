"""`甘特 P1` over WeCom, through the outbox and the real connector: the chart is uploaded with `media/upload`
(multipart field `media`), sent as an image message carrying the returned media_id, then the words with the
link to the web view."""

from __future__ import annotations

import struct

from tests.e2e.delivery_world import said_project
from tests.wecom_e2e.harness import WeComSession, content

UPLOAD = "/cgi-bin/media/upload"


async def test_the_gantt_chart_arrives_as_an_uploaded_image_then_the_link(wecom: WeComSession) -> None:
    await said_project(wecom.say, wecom.app.uow_factory)
    image, words = await wecom.say("甘特 P1")
    [(media_id, upload)] = wecom.fake.media.items()
    assert (upload.field, upload.filename, upload.content_type, upload.kind) == ("media", "gantt-P1.png",
                                                                                 "image/png", "image")
    assert upload.data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", upload.data[16:24])[0] == 1000
    assert len(wecom.fake.received(UPLOAD)) == 1
    assert image.body is not None and image.body["msgtype"] == "image" and image.body["touser"] == "zhangwei"
    assert image.body["image"] == {"media_id": media_id}
    assert "http://127.0.0.1:8080/team/projects/1" in content(words) and "P1 明途 MES 实施" in content(words)


async def test_someone_who_may_not_see_the_project_gets_no_image(wecom: WeComSession) -> None:
    await said_project(wecom.say, wecom.app.uow_factory, li_task=False)
    [answer] = await wecom.say("gantt P1", user="chenchen")
    assert "P1" in content(answer) and wecom.fake.media == {} and wecom.fake.received(UPLOAD) == []
