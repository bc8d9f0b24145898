"""`parse_mail(raw) -> ParsedMail`: everything the bot needs from one RFC 5322 mail; never raises."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, replace
from datetime import datetime
from email import policy
from email.message import Message

from connectors.base import Attachment

from .classify import MailKind, classify, report_refs
from .elide import elide_and_keep
from .headers import HeaderBlock, decode_text, parse_addresses, parse_date, parse_msgids
from .html_text import html_to_text
from .limits import (
    DEFAULT_LIMITS,
    PARTS_DEFECT,
    TOO_LARGE_DEFECT,
    TOO_LARGE_NOTE,
    MailLimits,
    cut_parts,
    head_and_prefix,
    human_size,
    keep_references,
)
from .mime import Body, charset_hint, read_body
from .quotes import strip_reply

MAX_AUTH = 20  # Authentication-Results headers kept (topmost first), each cut to MAX_AUTH_RESULT chars
MAX_AUTH_RESULT = 4000
TOO_LARGE_TEXT = 2000  # characters of a too-large mail's beginning kept after the note
_PLUS = re.compile(r"^([^@+\s]+)\+([^@\s]+)@(.+)$")


@dataclass(frozen=True, slots=True)
class PlusAddress:
    """`sales+<token>@example.com` seen in To/Cc/Delivered-To: base `sales@example.com`, token `<token>`."""

    base: str
    token: str


@dataclass(frozen=True, slots=True)
class ParsedMail:
    message_id: str | None = None  # canonical "<id@host>"
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    from_name: str = ""
    from_address: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    subject: str = ""
    date: datetime | None = None
    text: str = ""  # the author's own words: no quoted history, no signature
    full_text: str = ""  # the whole body as text (HTML-only mails converted)
    kind: MailKind = "human"
    bounced_recipients: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    plus_addresses: tuple[PlusAddress, ...] = ()
    raw_size: int = 0
    defects: tuple[str, ...] = ()  # what could not be read; the rest is still usable
    auth_results: tuple[str, ...] = ()  # Authentication-Results headers, topmost first (bot.mail.authres)
    bounce_refs: tuple[str, ...] = ()  # bounces: Message-IDs of the returned mail
    too_large: bool = False  # only its first MailLimits.prefix_bytes were read (MailLimits.max_mail_bytes)
    references_total: int = 0  # References in the header, before MailLimits.max_references

    @property
    def plus_tokens(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.token for item in self.plus_addresses))

    @property
    def thread_refs(self) -> tuple[str, ...]:
        refs = ([self.in_reply_to] if self.in_reply_to else []) + list(self.references)
        return tuple(dict.fromkeys(refs))


def parse_mail(raw: bytes, limits: MailLimits = DEFAULT_LIMITS, full_size: int | None = None) -> ParsedMail:
    """Parse one mail. Any failure degrades to fewer fields plus an entry in `defects`.

    `full_size` is the mail's real size when `raw` is only its beginning (IMAP fetched a prefix of a
    mail larger than `limits.max_mail_bytes`). Size and part limits apply before the MIME parser runs.
    """
    if isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
    else:  # tolerate callers that pass text
        data = str(raw).encode("utf-8", "surrogateescape")
    size = max(full_size or 0, len(data))
    if limits.too_large(size):
        return _too_large(head_and_prefix(data, limits.prefix_bytes), size, limits)
    return _parse_bytes(data, size, limits)


def _parse_bytes(data: bytes, size: int, limits: MailLimits) -> ParsedMail:
    cut = cut_parts(data, limits.max_parts)
    defects = [PARTS_DEFECT.format(limit=limits.max_parts)] if cut is not None else []
    try:
        elided, kept = elide_and_keep(data if cut is None else cut, keep_bytes=limits.keep_attachment_bytes)
        message = email.message_from_bytes(elided, policy=policy.compat32)
    except Exception as err:  # RecursionError on absurd nesting, MemoryError, parser bugs
        return _headers_only(data, f"MIME structure unreadable: {type(err).__name__}", size, limits)
    try:
        parsed = _parse(message, size, limits, kept)
    except Exception as err:
        return _headers_only(data, f"parse failed: {type(err).__name__}: {err}", size, limits)
    return replace(parsed, defects=tuple(dict.fromkeys((*defects, *parsed.defects)))) if defects else parsed


def _too_large(head: bytes, size: int, limits: MailLimits) -> ParsedMail:
    """A note telling the rep to open the mail in a mail client, then the text found in the first
    `prefix_bytes`, and the headers. Attachments are not listed: only their beginning was read."""
    parsed = _parse_bytes(head, size, limits)
    note = TOO_LARGE_NOTE.format(size=human_size(size))
    text = f"{note}\n\n{parsed.text[:TOO_LARGE_TEXT]}".strip()
    full_text = f"{note}\n\n{parsed.full_text[:TOO_LARGE_TEXT]}".strip()
    reason = TOO_LARGE_DEFECT.format(size=size, limit=limits.max_mail_bytes)
    return replace(parsed, text=text, full_text=full_text, attachments=(), too_large=True,
                   defects=(reason, *parsed.defects))


def _parse(message: Message, size: int, limits: MailLimits, kept: list[bytes] | None = None) -> ParsedMail:
    hint = charset_hint(message)
    headers = HeaderBlock(message)
    body = read_body(message, hint, limits.keep_attachment_bytes, kept or [])
    parsed = _assemble(headers, hint, body, size, limits)
    return replace(parsed, bounce_refs=tuple(report_refs(message))) if parsed.kind == "bounce" else parsed


def _assemble(headers: HeaderBlock, hint: str | None, body: Body, size: int, limits: MailLimits) -> ParsedMail:
    senders = parse_addresses(headers.all("from"), hint) or parse_addresses(headers.all("sender"), hint)
    sender_name = senders[0].name if senders else ""
    sender = senders[0].address if senders else ""
    subject = decode_text(headers.first("subject"), hint)
    full_text = "\n\n".join(body.plain) if body.plain else html_to_text("\n".join(body.html))
    full_text = full_text.strip()
    to = _addresses(headers, "to", hint)
    cc = _addresses(headers, "cc", hint)
    delivered = _addresses(headers, "delivered-to", hint) + _addresses(headers, "x-original-to", hint)
    all_refs = parse_msgids(" ".join(headers.all("references")))
    refs = keep_references(all_refs, limits.max_references)
    ids = parse_msgids(headers.first("message-id"))
    replied = parse_msgids(headers.first("in-reply-to"))
    defects = list(body.defects) + ([] if senders else ["no From address"])
    if len(refs) < len(all_refs):
        defects.append(f"References cut to {len(refs)} of {len(all_refs)}")
    return ParsedMail(
        message_id=ids[0] if ids else None,
        in_reply_to=replied[0] if replied else None,
        references=tuple(refs),
        from_name=sender_name,
        from_address=sender,
        to=to,
        cc=cc,
        reply_to=_addresses(headers, "reply-to", hint),
        subject=subject,
        date=parse_date(headers.first("date")),
        text=strip_reply(full_text),
        full_text=full_text,
        kind=classify(headers, sender, subject, body.is_report),
        bounced_recipients=tuple(body.bounced),
        attachments=tuple(body.attachments),
        plus_addresses=_plus_addresses(to + cc + delivered),
        raw_size=size,
        defects=tuple(defects),
        auth_results=tuple(value[:MAX_AUTH_RESULT] for value in headers.all("authentication-results")[:MAX_AUTH]),
        references_total=len(all_refs),
    )


def _addresses(headers: HeaderBlock, name: str, hint: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.address for item in parse_addresses(headers.all(name), hint)))


def _plus_addresses(addresses: tuple[str, ...]) -> tuple[PlusAddress, ...]:
    found: dict[PlusAddress, None] = {}
    for address in addresses:
        match = _PLUS.match(address)
        if match:
            base = f"{match.group(1)}@{match.group(3)}".lower()
            found.setdefault(PlusAddress(base, match.group(2)), None)
    return tuple(found)


def _headers_only(data: bytes, reason: str, size: int, limits: MailLimits) -> ParsedMail:
    """Last resort: read just the header block of a mail whose body defeated the parser."""
    head, _, _ = data.partition(b"\r\n\r\n") if b"\r\n\r\n" in data else data.partition(b"\n\n")
    try:
        message = email.message_from_bytes(head[:1_000_000] + b"\n\n", policy=policy.compat32)
        headers = HeaderBlock(message)
        parsed = _assemble(headers, None, Body(defects=[reason]), size, limits)
    except Exception as err:
        return ParsedMail(raw_size=size, defects=(reason, f"headers unreadable: {type(err).__name__}"))
    return parsed
