"""The email channel's batch handler: every captured mail lands on its customer, lead or deal.

Registered as `Bot.batch_handlers["email"]`. It reads what a whole batch needs with a fixed number of
queries (bot.mail.lookups), decides mail by mail in memory (bot.mail.batch) and writes with a few
statements. It takes every mail, also those of reps (their mail to a customer, copied to us, is recorded
on the thread and never answered). If it raises, the bot retries the batch one message at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.context import Directory, Settings
from bot.mail.batch import MailBatch
from bot.mail.identity import MailIdentity
from bot.mail.lookups import Mail, MailLookups
from bot.mail.senders import domain_of, is_free_mail
from bot.mail.trust import sender_verdict
from connectors.base import InboundMessage
from domain.messaging import OutboxItem
from domain.people import Rep
from domain.ports import UnitOfWork

AUTOMATIC = ("auto_reply", "bounce", "list")


class MailHandler:
    def __init__(self, identity: MailIdentity, settings: Settings) -> None:
        self.identity = identity
        self.settings = settings

    async def __call__(self, uow: UnitOfWork, directory: Directory, messages: Sequence[InboundMessage],
                       now: datetime) -> list[OutboxItem]:
        if not messages:
            return []
        mails = [self.classify(msg, directory) for msg in messages]
        since = min(mail.msg.received_at for mail in mails) - self.identity.flood_window
        lookups = await MailLookups.load(uow, mails, since)
        batch = MailBatch(uow, directory, lookups, self.identity, self.settings, now)
        for mail in mails:
            await batch.take(mail)
        return await batch.finish()

    def classify(self, msg: InboundMessage, directory: Directory) -> Mail:
        """human | auto_reply | bounce | list | own (a rep's or our domain's) | unknown (no sender) |
        forged (claims a rep or our domain but lacks our Message-ID, or failed authentication)."""
        sender = msg.sender_id.strip().lower()
        kind = str(msg.extra.get("kind") or "human")
        rep = _rep_with_address(directory, sender)
        if kind not in AUTOMATIC:
            if not sender:
                kind = "unknown"
            elif rep is not None or self.identity.is_ours(sender):
                kind = "own" if self._really_ours(msg) else "forged"
        domain = domain_of(sender)
        company = domain if kind == "human" and domain and not is_free_mail(domain) else ""
        return Mail(msg, kind, sender, company, rep)

    def _really_ours(self, msg: InboundMessage) -> bool:
        """Our own Message-ID, and no failing verdict of our receiving server."""
        return self.identity.made_message_id(msg.external_id) and sender_verdict(self.identity, msg) != "fail"


def _rep_with_address(directory: Directory, address: str) -> Rep | None:
    if not address:
        return None
    return next((rep for rep in directory.reps
                 if address in (rep.identities.get("email", "").lower(), rep.email.lower())), None)
