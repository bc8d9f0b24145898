"""One captured mail as the bot's InboundMessage."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from connectors.base import InboundMessage

from .limits import DEFAULT_LIMITS, MAX_KEY_CHARS, MailLimits, bounded_key
from .parsing import ParsedMail, parse_mail

CHANNEL = "email"
MAX_SUBJECT = 1000  # InboundMessage.subject; the whole subject stays in extra["original"]
MAX_RECIPIENTS = 100  # addresses of To/Cc/Reply-To kept (each is looked up for a rep's own mail)
MAX_ORIGINAL = 16_000  # characters of an over-long value kept in extra["original"]


def external_id_for(mail: ParsedMail, raw: bytes) -> str:
    """The Message-ID (hashed when longer than the key column), or a hash of the raw bytes for mails
    without one (stable across re-fetches)."""
    if mail.message_id:
        return bounded_key(mail.message_id)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def to_inbound(raw: bytes, mailbox_address: str, received_at: datetime,
               source: dict[str, Any] | None = None, limits: MailLimits = DEFAULT_LIMITS,
               full_size: int | None = None) -> InboundMessage:
    """Parse and convert; never raises. `source` (folder, uid, ...) is copied into `extra`.

    `full_size`: the mail's size on the server when `raw` is only its beginning (a too-large mail)."""
    mail = parse_mail(raw, limits, full_size)
    return inbound_from_parsed(mail, raw, mailbox_address, received_at, source)


def inbound_from_parsed(mail: ParsedMail, raw: bytes, mailbox_address: str, received_at: datetime,
                        source: dict[str, Any] | None = None) -> InboundMessage:
    """Every value bound for a length-limited column fits it; what had to be cut or hashed is kept
    (up to MAX_ORIGINAL characters) in extra["original"]."""
    own = mailbox_address.lower()
    tokens = [item.token for item in mail.plus_addresses if not own or item.base == own]
    extra: dict[str, Any] = {
        "kind": mail.kind,
        "plus_tokens": list(dict.fromkeys(tokens)),
        "bounced_recipients": list(mail.bounced_recipients),
        "to": list(mail.to[:MAX_RECIPIENTS]),
        "cc": list(mail.cc[:MAX_RECIPIENTS]),
        "reply_to": list(mail.reply_to[:MAX_RECIPIENTS]),
        "date": mail.date.isoformat() if mail.date else None,
        "raw_size": max(mail.raw_size, len(raw)),
        "defects": list(mail.defects),
        "auth_results": list(mail.auth_results),
        "bounce_refs": list(mail.bounce_refs),
        **(source or {}),
    }
    if mail.too_large:
        extra["too_large"] = True
    if mail.references_total > len(mail.references):
        extra["references_total"] = mail.references_total
    original = _originals(mail)
    if original:
        extra["original"] = original
    return InboundMessage(
        channel=CHANNEL,
        external_id=external_id_for(mail, raw),
        conversation_id=mailbox_address[:MAX_KEY_CHARS],
        sender_id=mail.from_address.lower(),
        sender_name=mail.from_name[:MAX_KEY_CHARS],
        text=mail.text,
        received_at=received_at,
        thread_refs=tuple(dict.fromkeys(bounded_key(ref) for ref in mail.thread_refs)),
        attachments=mail.attachments,
        subject=mail.subject[:MAX_SUBJECT],
        extra=extra,
    )


def _originals(mail: ParsedMail) -> dict[str, str]:
    """The values that were cut or hashed, as the mail had them (bounded)."""
    found: dict[str, str] = {}
    if mail.message_id and len(mail.message_id) > MAX_KEY_CHARS:
        found["message_id"] = mail.message_id[:MAX_ORIGINAL]
    if len(mail.from_name) > MAX_KEY_CHARS:
        found["from_name"] = mail.from_name[:MAX_ORIGINAL]
    if len(mail.subject) > MAX_SUBJECT:
        found["subject"] = mail.subject[:MAX_ORIGINAL]
    return found
