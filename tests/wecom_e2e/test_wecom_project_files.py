"""Files sent to a project over WeCom (issue #15): after `附件 P1 上传`, a picture message is fetched from the
(fake) WeCom media/get and filed on the project — the bytes stored equal the bytes sent; one over
`[files] max_mb` is refused with a clear reply and nothing is stored; a conversation not armed fetches
nothing. Real connector, real callback crypto, both database engines."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.delivery.files import FileStore
from storage.models import ProjectEventRow, ProjectFileRow
from tests.chat_world import Clock
from tests.e2e.delivery_jobs_world import rep_id, won_project
from tests.wecom.wecom_fake_server import member_file
from tests.wecom.wecom_support import AGENT_ID, CORP_ID
from tests.wecom_e2e.conftest import NOW
from tests.wecom_e2e.harness import TimedFakeWeCom, WeComSession, content, start_session

PHOTO = b"\x89PNG\r\n\x1a\n" + os.urandom(30_000)
TOO_BIG = os.urandom(110_000)  # over the 0.1 MB limit of these tests
MEDIA_GET = "/cgi-bin/media/get"


@pytest.fixture
async def wecom(db_url: str, fake_wecom: TimedFakeWeCom, tmp_path: Path) -> AsyncIterator[WeComSession]:
    session = await start_session(db_url, fake_wecom, Clock(NOW), files={"dir": str(tmp_path / "files"), "max_mb": 0.1})
    try:
        yield session
    finally:
        await session.close()


def image_xml(wecom: WeComSession, media_id: str, user: str = "zhangwei") -> bytes:
    """A member's picture as the WeCom app callback carries it (MsgType image, with its MediaId)."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(wecom.epoch())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
            f"<PicUrl><![CDATA[http://p.example.test/{media_id}]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>"
            f"<MsgId>{wecom.next_id()}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>").encode()


async def send_image(wecom: WeComSession, media_id: str, user: str = "zhangwei") -> list[str]:
    assert await wecom.callback(image_xml(wecom, media_id, user)) == (200, b"")
    await wecom.settle()
    await wecom.deliver()
    return [content(rec) for rec in wecom.new_sends()]


async def stored(wecom: WeComSession) -> list[tuple[int, str, str, int, str, str, int | None]]:
    async with wecom.app.uow_factory() as uow:
        rows = (await uow.session.execute(select(ProjectFileRow).order_by(ProjectFileRow.id))).scalars()  # type: ignore[attr-defined]
        return [(r.project_id, r.filename, r.content_type, r.size, r.sha256, r.source, r.uploaded_by) for r in rows]


async def test_a_picture_sent_after_the_upload_command_is_filed_and_an_oversize_one_refused(
        wecom: WeComSession, tmp_path: Path) -> None:
    project = await won_project(wecom, "张伟", "明途")
    wecom.fake.media |= {"PHOTO1": member_file(PHOTO, "现场照片.png", "image/png"),
                        "BIG1": member_file(TOO_BIG, "录像.mp4", "video/mp4")}
    [armed] = [content(r) for r in await wecom.say(f"附件 P{project} 上传")]
    assert armed == f"好的，10 分钟内发来的文件或图片会存到项目 P{project}「明途 MES 实施」（单个不超过 102 KB）。"

    [reply] = await send_image(wecom, "PHOTO1")
    assert reply == f"已存到项目 P{project}「明途 MES 实施」：F1 现场照片.png（29 KB）。查看：附件 P{project}"
    zhang = await rep_id(wecom, "张伟")
    digest = hashlib.sha256(PHOTO).hexdigest()
    assert await stored(wecom) == [(project, "现场照片.png", "image/png", len(PHOTO), digest, "chat", zhang)]
    assert await FileStore(tmp_path / "files").read(digest) == PHOTO  # bytes stored equal bytes sent
    assert [r.query["media_id"] for r in wecom.fake.received(MEDIA_GET)] == ["PHOTO1"]

    [refused] = await send_image(wecom, "BIG1")
    assert refused == "文件「录像.mp4」有 107 KB，超过上限 102 KB，没有保存。请压缩或拆分后再发，或改用网盘链接。"
    assert len(await stored(wecom)) == 1 and len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) == 1
    async with wecom.app.uow_factory() as uow:
        events = list(await uow.session.scalars(select(ProjectEventRow.text)))  # type: ignore[attr-defined]
    assert events == ["通过聊天收到文件「现场照片.png」（29 KB）"]

    [listing] = [content(r) for r in await wecom.say(f"附件 P{project}")]
    assert "F1 现场照片.png · 29 KB · 聊天 · 2026-11-24 · http://127.0.0.1:8080/team/files/1" in listing
    assert "打开链接下载（先发「看板」登录）。" in listing


async def test_a_picture_sent_after_the_project_card_is_filed_on_that_project(wecom: WeComSession) -> None:
    project = await won_project(wecom, "张伟", "明途")
    wecom.fake.media["PHOTO1"] = member_file(PHOTO, "现场照片.png", "image/png")
    await wecom.say(f"项目 P{project}")  # the project named in the conversation's last ten minutes
    wecom.advance(timedelta(minutes=9))
    [reply] = await send_image(wecom, "PHOTO1")
    assert reply.startswith(f"已存到项目 P{project}「明途 MES 实施」：F1 现场照片.png")
    assert [name for _, name, *_ in await stored(wecom)] == ["现场照片.png"]


async def test_a_picture_in_a_conversation_not_armed_is_not_fetched(wecom: WeComSession) -> None:
    project = await won_project(wecom, "张伟", "明途")
    wecom.fake.media["PHOTO1"] = member_file(PHOTO, "现场照片.png", "image/png")
    [reply] = await send_image(wecom, "PHOTO1")
    assert reply == "目前只支持文字消息。"  # not armed: a picture like any other, never fetched
    await wecom.say(f"附件 P{project} 上传")
    wecom.advance(timedelta(minutes=11))  # armed ten minutes only
    assert await send_image(wecom, "PHOTO1") == [reply]
    assert wecom.fake.received(MEDIA_GET) == [] and await stored(wecom) == []
    theirs = await won_project(wecom, "陈晨", "南方")
    [other] = [content(r) for r in await wecom.say(f"附件 P{theirs} 上传")]
    assert other == f"找不到项目 P{theirs}"  # another team's project answers like a missing one
