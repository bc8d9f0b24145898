"""Messages as the inbox stores them, and replies as the outbox sends them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.reply import Reply, render_buttons, render_markdown, render_text
from connectors.base import InboundMessage, Location, image_extra
from domain.messaging import InboxRecord, OutboxItem

# what a reply keeps of the message it answers: DingTalk's sessionWebhook (and its expiry), mail threading
REPLY_KEYS = ("session_webhook", "session_webhook_expires", "in_reply_to")


def to_record(msg: InboundMessage) -> InboxRecord:
    payload = {"thread_refs": list(msg.thread_refs), "subject": msg.subject,
               "attachments": [asdict(a) for a in msg.attachments], "extra": msg.extra}
    if msg.location is not None:
        payload["location"] = asdict(msg.location)
    return InboxRecord(channel=msg.channel, external_id=msg.external_id, conversation_id=msg.conversation_id,
                       sender_id=msg.sender_id, text=msg.text, received_at=msg.received_at,
                       sender_name=msg.sender_name, payload=payload)


def from_record(record: InboxRecord) -> InboundMessage:
    return InboundMessage(channel=record.channel, external_id=record.external_id,
                          conversation_id=record.conversation_id, sender_id=record.sender_id, text=record.text,
                          received_at=record.received_at, sender_name=record.sender_name,
                          subject=record.payload.get("subject", ""),
                          thread_refs=tuple(record.payload.get("thread_refs", ())),
                          extra=record.payload.get("extra", {}), location=_location(record.payload))


def _location(payload: dict[str, Any]) -> Location | None:
    found = payload.get("location")
    return Location(**found) if isinstance(found, dict) else None


def reply_item(msg: InboundMessage, reply: Reply, locale: str, now: datetime) -> OutboxItem:
    extra: dict[str, Any] = {k: v for k, v in msg.extra.items() if k in REPLY_KEYS}
    if reply.buttons:
        extra["buttons"] = render_buttons(reply, locale)
    if reply.picture is not None:
        extra["image"] = image_extra(reply.picture.data, reply.picture.filename, reply.picture.content_type)
    return OutboxItem(channel=msg.channel, recipient=msg.conversation_id, text=render_text(reply, locale),
                      markdown=render_markdown(reply, locale), created_at=now, extra=extra)

