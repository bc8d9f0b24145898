"""Our side of the mail: the address we send from, our domain, the mailboxes we capture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from bot.mail.senders import domain_of
from domain.ports import UnitOfWork

SETTINGS_KEY = "email.identity"  # written at start-up, so chat commands in any process can send mail


@dataclass(frozen=True, slots=True)
class MailIdentity:
    address: str  # From of what we send; sales+<token>@ replies reach it
    domain: str = ""  # Message-IDs we make end in @domain; defaults to the address's domain
    mailboxes: tuple[str, ...] = ()  # every captured mailbox address
    flood_limit: int = 20  # this many captured mails from one sender ...
    flood_window: timedelta = timedelta(hours=2)  # ... within this long: the sender is throttled
    authserv_id: str = ""  # our receiving server's Authentication-Results id: only its verdicts count

    @property
    def mail_domain(self) -> str:
        return (self.domain or domain_of(self.address)).lower()

    def is_ours(self, address: str) -> bool:
        """Mail from these addresses is our own (never a new customer, never answered)."""
        address = address.lower()
        return (domain_of(address) == self.mail_domain or address == self.address.lower()
                or address in {box.lower() for box in self.mailboxes})

    def made_message_id(self, message_id: str) -> bool:
        """A Message-ID of our domain (or a sub-domain: a mail server of ours), as only we make them."""
        host = message_id.strip().strip("<>").rpartition("@")[2].lower()
        return bool(self.mail_domain) and (host == self.mail_domain or host.endswith("." + self.mail_domain))

    def message_id(self) -> str:
        return make_msgid(domain=self.mail_domain)

    def to_setting(self) -> dict[str, Any]:
        return {"address": self.address, "domain": self.mail_domain, "mailboxes": list(self.mailboxes),
                "flood_limit": self.flood_limit, "flood_window": self.flood_window.total_seconds(),
                "authserv_id": self.authserv_id}

    @classmethod
    def from_setting(cls, value: Any) -> MailIdentity | None:
        if not isinstance(value, dict) or not value.get("address"):
            return None
        return cls(str(value["address"]), str(value.get("domain") or ""), tuple(value.get("mailboxes") or ()),
                   int(value.get("flood_limit", 20)), timedelta(seconds=float(value.get("flood_window", 7200))),
                   str(value.get("authserv_id") or ""))


async def stored_identity(uow: UnitOfWork) -> MailIdentity | None:
    return MailIdentity.from_setting(await uow.settings.get(SETTINGS_KEY))


async def store_identity(uow: UnitOfWork, identity: MailIdentity) -> None:
    await uow.settings.put(SETTINGS_KEY, identity.to_setting())
