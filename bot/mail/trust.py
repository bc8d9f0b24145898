"""Whom a mail may speak for: the participant rule for threads, the server's verdict, held-mail codes.

A reference (In-Reply-To/References), a reply token or a subject tag can be copied by anyone who saw
one of our mails or the customer's; it names a thread, it does not prove who writes. Such a mail
attaches only when its sender already belongs there (see `may_attach`); otherwise it is held for the
thread's owner, who files or ignores it.
"""

from __future__ import annotations

import hashlib

from bot.mail.authres import Verdict, verdict
from bot.mail.identity import MailIdentity
from bot.mail.lookups import Mail, MailLookups
from bot.mail.threads import TOKEN_ALPHABET
from connectors.base import InboundMessage
from domain.mail import MailLink

HELD_CODE_LENGTH = 6


def sender_verdict(identity: MailIdentity, msg: InboundMessage) -> Verdict:
    """pass | fail | none from our own server's Authentication-Results (bot.mail.authres)."""
    headers = [str(value) for value in msg.extra.get("auth_results") or ()]
    return verdict(headers, identity.authserv_id, msg.sender_id.strip().lower())


def may_attach(mail: Mail, link: MailLink, lookups: MailLookups) -> bool:
    """The sender is a participant of the thread's customer: a known contact of it (everyone we sent
    to or heard from on a thread became one), its own address, or a sender on its company mail domain
    (never a free-mail domain: `mail.company` is empty for those)."""
    contact = lookups.contacts.get(mail.sender)
    if contact is not None and contact.customer_id == link.customer_id:
        return True
    customer = lookups.customers.get(link.customer_id) if link.customer_id is not None else None
    if customer is None:
        return False
    if customer.email and customer.email.strip().lower() == mail.sender:
        return True
    return bool(mail.company) and customer.domain.strip().lower() == mail.company


def held_code(message_id: str) -> str:
    """A short code the rep types (`归档 k7m2qa`), the same for every retry of the same mail."""
    digest = hashlib.sha256(message_id.encode("utf-8", "replace")).digest()
    return "".join(TOKEN_ALPHABET[byte % len(TOKEN_ALPHABET)] for byte in digest[:HELD_CODE_LENGTH])
