"""Files of a project in chat (issue #15): `附件 P3` / `files P3` lists them; `附件 P3 上传` / `files P3 upload`
(or the list itself) arms this conversation for ten minutes, and a file or picture sent in it then (WeCom: a
file/image message, fetched with media/get) is filed on the project (bot.delivery.files, source "chat").

The download happens before the batch's transaction (`with_media`, called by bot.service), only for a
message whose conversation is armed, reading at most `[files] max_mb` + 1 bytes: a larger file is refused
with a clear reply and nothing is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.context import Context
from bot.delivery.access import Access, open_project
from bot.delivery.files import FileTooLarge, Upload, attach_file, human_size
from bot.reply import Reply
from connectors.base import Attachment, DeliveryError, InboundMessage
from domain.permissions import Right
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)
ARMED_FOR = timedelta(minutes=10)
KEY = "pending-upload:{channel}:{conversation}"
UPLOAD_WORDS = ("上传", "upload", "add")
SOURCE_WORDS = {"chat": ("聊天", "chat"), "email": ("邮件", "email"), "portal": ("门户", "portal"),
                "esign": ("电子签署", "e-signature")}
MediaFetcher = Callable[[str, int, str], Awaitable[Attachment]]


async def arm(ctx: Context, project_id: int) -> None:
    key = KEY.format(channel=ctx.channel, conversation=ctx.conversation_id)
    await ctx.uow.settings.put(key, {"project": project_id, "rep": ctx.rep_id,
                                     "expires": (ctx.now + ARMED_FOR).isoformat()})


async def arm_for_files(ctx: Context, access: Access) -> None:
    """A project just named in this conversation by someone who may work on it: files sent next go to it."""
    if access.right >= Right.WORK and access.project.id is not None:
        await arm(ctx, access.project.id)


async def armed_project(uow: UnitOfWork, channel: str, conversation: str, now: datetime) -> Mapping[str, Any] | None:
    record = await uow.settings.get(KEY.format(channel=channel, conversation=conversation))
    if not isinstance(record, dict) or datetime.fromisoformat(str(record.get("expires"))) <= now:
        return None
    return record


def wants_upload(msg: InboundMessage) -> bool:
    """A file or picture fetched for an armed conversation (or whose fetch failed): for `receive_upload`.
    Others get the router's "text only" answer."""
    return bool(msg.attachments) or bool(msg.extra.get("media_error"))


async def with_media(uow_factory: Callable[[], UnitOfWork], fetchers: Mapping[str, MediaFetcher],
                     window: Sequence[InboundMessage], now: datetime, max_bytes: int) -> list[InboundMessage]:
    """`window` with the files of armed conversations fetched (outside any transaction)."""
    found = list(window)
    wanted = [i for i, m in enumerate(found) if m.channel in fetchers and m.extra.get("media_id") and not m.attachments]
    if not wanted:
        return found
    async with uow_factory() as uow:
        armed = [i for i in wanted if await armed_project(uow, found[i].channel, found[i].conversation_id, now)]
    for i in armed:
        msg = found[i]
        try:
            name = str(msg.extra.get("filename", ""))
            item = await fetchers[msg.channel](str(msg.extra["media_id"]), max_bytes, name)
            found[i] = replace(msg, attachments=(item,))
        except DeliveryError as err:
            log.warning("%s media of message %s not fetched: %s", msg.channel, msg.external_id, err)
            found[i] = replace(msg, extra={**msg.extra, "media_error": True})
    return found


async def receive_upload(ctx: Context, msg: InboundMessage) -> Reply:
    """File the message's file on the project its conversation is armed for."""
    record = await armed_project(ctx.uow, ctx.channel, ctx.conversation_id, ctx.now)
    if record is None or record.get("rep") != ctx.rep_id:
        return Reply.text(ctx.t("要把文件存到项目，先发送「附件 P3 上传」，再在 10 分钟内发文件。",
                                "To file it on a project, first send 'files P3 upload', then the file within "
                                "10 minutes."), error=True)
    if msg.extra.get("media_error"):
        return Reply.text(ctx.t("文件没能下载下来，没有保存，请重发一次。", "The file could not be fetched and was not "
                                "stored; please send it again."), error=True)
    access = await open_project(ctx, int(record["project"]), Right.WORK)
    project_id = access.project.id
    assert project_id is not None
    names = []
    for item in msg.attachments:
        if item.data is None:  # larger than the limit: only measured, nothing stored
            raise FileTooLarge(name=item.filename, size=human_size(item.size),
                               limit=human_size(ctx.settings.files.max_bytes))
        stored = await attach_file(ctx.uow, ctx.settings.files, Upload(
            project_id, item.filename, item.content_type, item.data, "chat", ctx.rep_id), ctx.now)
        names.append((f"F{stored.id} {stored.filename}", human_size(stored.size)))
    zh = "、".join(f"{name}（{size}）" for name, size in names)
    en = ", ".join(f"{name} ({size})" for name, size in names)
    return Reply.text(ctx.t(f"已存到项目 P{project_id}「{access.project.name}」：{zh}。查看：附件 P{project_id}",
                            f"Filed on project P{project_id} ({access.project.name}): {en}. See: files P{project_id}"))
