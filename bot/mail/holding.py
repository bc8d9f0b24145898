"""The trust gate of captured mail: hold what a stranger sends into a thread, vet new addresses, bounces.

Called by bot.mail.batch: `held` decides (and records) a hold, `vet_contact` marks or clears the
"learned from an unverified mail" flag of the sender's contact, `sent_to` answers which contacts a
bounce may mark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.mail.cards import chat_items, held_notice
from bot.mail.lookups import Mail
from bot.mail.threads import explicit_link
from bot.mail.trust import held_code, may_attach, sender_verdict
from domain.customer import Contact
from domain.mail import HeldStatus, MailKey, MailLink, MailThread
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.mail.batch import MailBatch

MAX_NAME = 255
NOTE_CHARS = 2000


def held(batch: MailBatch, mail: Mail, link: MailLink | None) -> bool:
    """Hold the mail (True) when our server says its From: is forged, or when it names a thread by a
    reference, token or tag and its sender is no participant of that thread's customer."""
    failed = sender_verdict(batch.identity, mail.msg) == "fail"
    named = explicit_link(mail.msg, batch.lookups.threads)
    stranger = (link is not None and named is not None and batch.lookups.settle(named) == link
                and not may_attach(mail, link, batch.lookups))
    if not failed and not stranger:
        return False
    _hold(batch, mail, link or MailLink(), failed)
    return True


def _hold(batch: MailBatch, mail: Mail, link: MailLink, failed: bool) -> None:
    """A HELD row (what filing needs), the Message-ID without a link, one notice to the thread's owner."""
    msg = mail.msg
    code = held_code(msg.external_id)
    thread = MailThread.of(MailKey.HELD, code, msg.received_at, link, sender=mail.sender, subject=msg.subject)
    thread.sender_name, thread.note = msg.sender_name[:MAX_NAME], msg.text[:NOTE_CHARS]
    thread.status = HeldStatus.HELD.value
    batch.rows.append(thread)
    batch._message(mail, MailLink())
    lookups = batch.lookups
    deal = lookups.deals.get(link.opportunity_id) if link.opportunity_id is not None else None
    lead = lookups.leads.get(link.lead_id) if link.lead_id is not None else None
    ref = f"#{deal.id}" if deal is not None else f"L{lead.id}" if lead is not None else ""
    owner_id = deal.owner_id if deal is not None else lead.owner_id if lead is not None else None
    team_id = lead.team_id if lead is not None and deal is None else None
    for rep in batch._owners(owner_id, team_id):
        reply = held_notice(rep.locale, mail.sender, ref, msg.subject, msg.text, code, failed)
        batch.outbox += chat_items([rep], reply, batch.settings.channel_order, batch.now,
                                   dedupe_key=f"email-held:{code}")


async def vet_contact(batch: MailBatch, mail: Mail, contact: Contact, *, created: bool, vouched: bool) -> None:
    """A contact this mail created is unverified unless our server vouched for its From: (with
    `authserv_id` configured); a rep filing the mail vouches for the address."""
    flag = contact.email_unverified
    if vouched:
        flag = False
    elif created and batch.identity.authserv_id:
        flag = sender_verdict(batch.identity, mail.msg) != "pass"
    if flag != contact.email_unverified:
        batch.ctx.remember("contact", contact)
        contact.email_unverified = flag
        await batch.ctx.update("contact", contact, email_unverified=flag)


async def sent_to(uow: UnitOfWork, mail: Mail) -> set[int]:
    """Ids of the contacts the mails this bounce returns were sent to (our outbound Message-IDs only)."""
    refs = [str(ref) for ref in mail.msg.extra.get("bounce_refs") or ()][:50]
    threads = await uow.mail_threads.find(refs) if refs else []
    return {t.contact_id for t in threads if t.kind is MailKey.MESSAGE and t.outbound and t.contact_id is not None}
