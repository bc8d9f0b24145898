"""Threading rules for mail: reply tokens, subject tags, the order in which references are tried."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping

from connectors.base import InboundMessage
from domain.mail import MailKey, MailLink, MailThread

TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: tokens get read aloud and retyped
TOKEN_LENGTH = 10
_TAG = re.compile(r"\[#([a-z2-9]{10})\]", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|fw|fwd)\s*:|(?:回复|回覆|答复|转发|轉寄)\s*[:：])\s*", re.IGNORECASE)


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def subject_tag(token: str) -> str:
    return f"[#{token}]"


def tagged_subject(subject: str, token: str) -> str:
    """The subject with the thread's tag at the end (once)."""
    tag = subject_tag(token)
    return subject if tag in subject else f"{subject} {tag}".strip()


def subject_tokens(subject: str) -> list[str]:
    return [match.lower() for match in _TAG.findall(subject)]


def bare_subject(subject: str) -> str:
    """Without Re:/回复：/Fwd: prefixes and without our tag."""
    text = _TAG.sub("", subject)
    while (stripped := _REPLY_PREFIX.sub("", text, count=1)) != text:
        text = stripped
    return " ".join(text.split())


def reply_subject(subject: str) -> str:
    return f"Re: {bare_subject(subject)}" if bare_subject(subject) else ""


def ordered_refs(msg: InboundMessage) -> list[str]:
    """In-Reply-To first (the parser puts it first), then References from the newest back."""
    refs = list(msg.thread_refs)
    return refs[:1] + list(reversed(refs[1:]))


def reply_tokens(msg: InboundMessage) -> list[str]:
    """Plus-address tokens (sales+<token>@ in To/Cc/Delivered-To), then subject tags."""
    plus = [str(token).lower() for token in msg.extra.get("plus_tokens") or ()]
    return list(dict.fromkeys(plus + subject_tokens(msg.subject)))


def explicit_keys(msg: InboundMessage) -> list[str]:
    return ordered_refs(msg) + reply_tokens(msg)


def explicit_link(msg: InboundMessage, threads: Mapping[str, MailThread]) -> MailLink | None:
    """The thread named by the mail itself: a reference to a stored Message-ID, else a token."""
    for ref in ordered_refs(msg):
        thread = threads.get(ref)
        if thread is not None and thread.kind is MailKey.MESSAGE and thread.customer_id is not None:
            return thread.link
    for token in reply_tokens(msg):
        thread = threads.get(token)
        if thread is not None and thread.kind is MailKey.TOKEN and thread.customer_id is not None:
            return thread.link
    return None


def sender_keys(address: str, domain: str = "") -> list[str]:
    """SENDER keys of an address and, for company mail, of its domain ("@mingtu.com")."""
    return [address] + ([f"@{domain}"] if domain else [])


def prefer_contact(links: Iterable[MailLink], contact_id: int | None) -> MailLink | None:
    """The first link naming this contact, else the first link."""
    candidates = list(links)
    mine = [link for link in candidates if contact_id is not None and link.contact_id == contact_id]
    chosen = mine or candidates
    return chosen[0] if chosen else None
