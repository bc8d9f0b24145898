"""Attachments of a mail threaded to a deal with a delivery project (issue #15): each one is filed on the
project (bot.delivery.files, source "email") with a line on its timeline, and the project's manager (else the
deal's owner) is told in chat what was filed and what was not (too large, or its bytes were not kept).

Called by the mail batch (bot.mail.batch) for a customer's mail and for a rep's own mail alike, inside the
batch's unit of work; a deal without an open project files nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.delivery.files import FileTooLarge, Upload, attach_file, human_size, safe_name
from bot.mail.cards import chat_items
from bot.reply import Reply
from connectors.base import Attachment, InboundMessage
from domain.delivery import Project, WorkStatus
from domain.errors import DomainError
from domain.messaging import OutboxItem

CLOSED = (WorkStatus.DONE, WorkStatus.CANCELLED)


async def file_mail_attachments(ctx: Context, msg: InboundMessage, deal_id: int, owner_id: int | None,
                                rep_id: int | None) -> list[OutboxItem]:
    """File the mail's attachments on the deal's open project; the chat note to its manager (or `owner_id`)."""
    uow = ctx.uow
    project = _open_project(await uow.projects.for_opportunity(deal_id))
    if project is None or project.id is None or not msg.attachments:
        return []
    filed: list[str] = []
    refused: list[tuple[str, str]] = []
    for item in msg.attachments:
        name = safe_name(item.filename, "attachment")
        try:
            await attach_file(uow, ctx.settings.files, _upload(project.id, item, rep_id), ctx.now)
            filed.append(name)
        except DomainError as err:
            refused.append((name, _why(err, item, ctx.settings.files.max_bytes)))
    told = ctx.directory.rep(project.manager_id or owner_id)
    if told is None or not told.active:
        return []
    note = _note(project, msg, filed, refused)
    return chat_items([told], Reply.text(note[1] if told.locale == "en" else note[0]), ctx.settings.channel_order,
                      ctx.now)


def _open_project(projects: Sequence[Project]) -> Project | None:
    return max((p for p in projects if p.status not in CLOSED), key=lambda p: p.id or 0, default=None)


def _upload(project_id: int, item: Attachment, rep_id: int | None) -> Upload:
    if item.data is None:  # the connector did not keep it: larger than the limit
        raise FileTooLarge(name=item.filename, size=human_size(item.size), limit="")
    return Upload(project_id, item.filename or "attachment", item.content_type, item.data, "email", rep_id)


def _why(err: DomainError, item: Attachment, limit: int) -> str:
    if isinstance(err, FileTooLarge):
        return f"{human_size(item.size)} > {human_size(limit)}"
    return err.message("en")


def _note(project: Project, msg: InboundMessage, filed: list[str], refused: list[tuple[str, str]]) -> tuple[str, str]:
    ref = f"P{project.id}"
    sender = msg.sender_name or msg.sender_id
    zh = [f"📎 {sender} 的邮件「{msg.subject}」附件 → 项目 {ref}「{project.name}」"]
    en = [f"📎 Attachments of {sender}'s mail '{msg.subject}' → project {ref} ({project.name})"]
    if filed:
        zh.append("已保存：" + "、".join(filed))
        en.append("Filed: " + ", ".join(filed))
    if refused:
        zh.append("未保存（超过大小上限）：" + "、".join(f"{name}（{why}）" for name, why in refused))
        en.append("Not filed (over the size limit): " + ", ".join(f"{name} ({why})" for name, why in refused))
    zh.append(f"查看：附件 {ref}")
    en.append(f"See them: files {ref}")
    return "\n".join(zh), "\n".join(en)
