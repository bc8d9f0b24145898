"""Which mails a person wrote: automatic replies, bounces and list traffic are never answered (DESIGN §5)."""

from __future__ import annotations

import re
from email.message import Message
from typing import Literal

from .headers import HeaderBlock, parse_addresses, parse_msgids

MailKind = Literal["human", "auto_reply", "bounce", "list"]

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:自动回复|自动答复|自動回覆|自動回復|自動答覆|Automatic reply|Auto[- ]?reply|Autoreply|"
    r"Auto[- ]?response|Auto:|Out of (?:the )?office|Abwesenheitsnotiz|Réponse automatique)",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)
_AUTO_PRECEDENCE = frozenset({"junk", "auto_reply", "auto-reply"})
_LIST_PRECEDENCE = frozenset({"bulk", "list"})
_FAILED_STATUS = re.compile(r"^\s*5\.")
_ORIGINAL_TYPES = frozenset({"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"})
_MESSAGE_ID_LINE = re.compile(r"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
MAX_REPORT_PARTS = 64
MAX_REPORT_REFS = 50


def classify(headers: HeaderBlock, from_address: str, subject: str, is_report: bool) -> MailKind:
    """bounce > auto_reply > list > human; the first matching signal decides."""
    if is_report or _DAEMON.match(from_address):
        return "bounce"
    auto_submitted = (headers.first("auto-submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto_reply"
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return "auto_reply"
    precedence = (headers.first("precedence") or "").strip().lower()
    if precedence in _AUTO_PRECEDENCE or _AUTO_SUBJECT.match(subject):
        return "auto_reply"
    if "list-id" in headers or precedence in _LIST_PRECEDENCE:
        return "list"
    return_paths = headers.all("return-path")
    if return_paths and all(re.sub(r"\s", "", path) in ("<>", "") for path in return_paths):
        return "auto_reply"
    return "human"


def failed_recipients(status_part: Message, hint: str | None = None) -> list[str]:
    """Addresses a delivery-status report says failed for good; delays and successes are skipped."""
    failed: list[str] = []
    for fields in _recipient_blocks(status_part):
        action = fields.get("action", "").strip().lower()
        status = fields.get("status", "")
        if action == "failed" or (not action and _FAILED_STATUS.match(status)):
            recipient = fields.get("final-recipient") or fields.get("original-recipient") or ""
            _, _, address = recipient.rpartition(";")
            found = parse_addresses([address], hint)
            if found and found[0].address not in failed:
                failed.append(found[0].address)
    return failed


def _recipient_blocks(part: Message) -> list[dict[str, str]]:
    payload = getattr(part, "_payload", None)  # as parsed; see mime.raw_payload
    if isinstance(payload, list):  # the stdlib splits message/delivery-status into header blocks
        blocks: list[dict[str, str]] = []
        for block in payload:
            if isinstance(block, Message):
                blocks.append({str(k).lower(): str(v) for k, v in block.raw_items()})
        return blocks
    data = part.get_payload(decode=True)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(payload or "")
    return [_fields(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", text)]


def _fields(chunk: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in re.split(r"\r?\n(?![ \t])", chunk):
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip().lower(), " ".join(value.split()))
    return fields


def report_refs(report: Message) -> list[str]:
    """Message-IDs of the original mail a delivery-status report returns (its message/rfc822 or
    text/rfc822-headers part), plus the report's own In-Reply-To/References: what it claims to answer."""
    refs = parse_msgids(str(report.get("in-reply-to") or "")) + parse_msgids(str(report.get("references") or ""))
    for count, part in enumerate(report.walk()):
        if count >= MAX_REPORT_PARTS:
            break
        ctype = part.get_content_type()
        if ctype not in _ORIGINAL_TYPES:
            continue
        payload = getattr(part, "_payload", None)  # as parsed; see mime.raw_payload
        if isinstance(payload, list):
            refs += [ref for inner in payload[:1] if isinstance(inner, Message)
                     for ref in parse_msgids(str(inner.get("message-id") or ""))]
        elif isinstance(payload, str) and (match := _MESSAGE_ID_LINE.search(payload[:100_000])):
            refs += parse_msgids(match.group(1))
    return list(dict.fromkeys(refs))[-MAX_REPORT_REFS:]  # the returned mail's own id comes last
