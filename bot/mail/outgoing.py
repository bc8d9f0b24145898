"""A rep's mail to a customer: our Message-ID, the thread's reply token and subject tag, its references.

The Message-ID is made here, stored in the outbox row (the sender reuses it on every retry) and in
mail_threads with the deal/lead, so the customer's answer threads back by In-Reply-To/References, by
the plus address of Reply-To (sales+<token>@) or by the subject tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address

from bot.mail.identity import MailIdentity
from bot.mail.threads import new_token, reply_subject, tagged_subject
from domain.customer import Contact
from domain.mail import MailKey, MailLink, MailThread
from domain.messaging import OutboxItem
from domain.ports import UnitOfWork

MAX_REFERENCES = 10


@dataclass(frozen=True, slots=True)
class Letter:
    """What to send: recipient contact, fallback subject, the rep's words and signature."""

    contact: Contact
    subject: str
    text: str
    signature: str = ""


async def compose(uow: UnitOfWork, identity: MailIdentity, link: MailLink, letter: Letter,
                  now: datetime) -> OutboxItem:
    """The outbox item for the mail; records its Message-ID (and a new token) on the thread."""
    token = await uow.mail_threads.token_for(lead_id=link.lead_id, opportunity_id=link.opportunity_id)
    rows = []
    if token is None:
        token = new_token()
        rows.append(MailThread.of(MailKey.TOKEN, token, now, link))
    history = [m for m in await uow.mail_threads.messages_of(
        lead_id=link.lead_id, opportunity_id=link.opportunity_id, limit=MAX_REFERENCES) if m.key.startswith("<")]
    last_in = next((m for m in history if not m.outbound and m.subject), None)
    subject = tagged_subject((reply_subject(last_in.subject) if last_in else "") or letter.subject, token)
    message_id = identity.message_id()
    rows.append(MailThread.of(MailKey.MESSAGE, message_id, now, link, sender=identity.address, outbound=True,
                              subject=subject))
    await uow.mail_threads.add_many(rows)
    body = f"{letter.text}\n\n{letter.signature}".strip() if letter.signature else letter.text
    extra = {"message_id": message_id, "reply_token": token, "automatic": False,
             "in_reply_to": history[0].key if history else None,
             "references": [m.key for m in reversed(history)]}
    return OutboxItem(channel="email", recipient=recipient(letter.contact), text=body, subject=subject,
                      created_at=now, extra=extra)


def recipient(contact: Contact) -> str:
    """"何总 <he@mingtu.com>", quoted where needed; the bare address if the name does not fit a header."""
    try:
        return str(Address(display_name=" ".join(contact.name.split()), addr_spec=contact.email))
    except (ValueError, IndexError):
        return contact.email
