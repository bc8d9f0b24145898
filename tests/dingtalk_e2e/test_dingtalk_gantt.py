"""`甘特 P1` over DingTalk (stream in, outbox out): the chart is uploaded with oapi `media/upload` (multipart field
`media`) and sent as a robot message sampleImageMsg whose photoURL is the returned media_id; the words with the
link follow (by the sessionWebhook)."""

from __future__ import annotations

import json

from tests.dingtalk_e2e.harness import TO_USERS, DingTalkSession, shown
from tests.e2e.delivery_world import said_project


async def test_the_gantt_chart_arrives_as_a_sample_image_msg_then_the_link(dingtalk: DingTalkSession) -> None:
    await said_project(dingtalk.say, dingtalk.app.uow_factory)
    image, words = await dingtalk.say("甘特 P1")
    [(media_id, upload)] = dingtalk.fake.media.items()
    assert (upload.field, upload.filename, upload.content_type, upload.kind) == ("media", "gantt-P1.png",
                                                                                 "image/png", "image")
    assert upload.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.path == TO_USERS and image.body["msgKey"] == "sampleImageMsg"
    assert image.body["userIds"] == ["zhangwei"] and json.loads(image.body["msgParam"]) == {"photoURL": media_id}
    assert "http://127.0.0.1:8080/team/projects/1" in shown(words)
