"""One captured mail as the bot's InboundMessage."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from connectors.base import InboundMessage

from .parsing import ParsedMail, parse_mail

CHANNEL = "email"


def external_id_for(mail: ParsedMail, raw: bytes) -> str:
    """The Message-ID, or a hash of the raw bytes for mails without one (stable across re-fetches)."""
    return mail.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def to_inbound(raw: bytes, mailbox_address: str, received_at: datetime,
               source: dict[str, Any] | None = None) -> InboundMessage:
    """Parse and convert; never raises. `source` (folder, uid, ...) is copied into `extra`."""
    mail = parse_mail(raw)
    return inbound_from_parsed(mail, raw, mailbox_address, received_at, source)


def inbound_from_parsed(mail: ParsedMail, raw: bytes, mailbox_address: str, received_at: datetime,
                        source: dict[str, Any] | None = None) -> InboundMessage:
    own = mailbox_address.lower()
    tokens = [item.token for item in mail.plus_addresses if not own or item.base == own]
    extra: dict[str, Any] = {
        "kind": mail.kind,
        "plus_tokens": list(dict.fromkeys(tokens)),
        "bounced_recipients": list(mail.bounced_recipients),
        "to": list(mail.to),
        "cc": list(mail.cc),
        "reply_to": list(mail.reply_to),
        "date": mail.date.isoformat() if mail.date else None,
        "raw_size": len(raw),
        "defects": list(mail.defects),
        "auth_results": list(mail.auth_results),
        "bounce_refs": list(mail.bounce_refs),
        **(source or {}),
    }
    return InboundMessage(
        channel=CHANNEL,
        external_id=external_id_for(mail, raw),
        conversation_id=mailbox_address,
        sender_id=mail.from_address.lower(),
        sender_name=mail.from_name,
        text=mail.text,
        received_at=received_at,
        thread_refs=mail.thread_refs,
        attachments=mail.attachments,
        subject=mail.subject,
        extra=extra,
    )
