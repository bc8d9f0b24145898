"""Everything a batch of mails needs from the database, read with a fixed number of queries.

The handler then decides mail by mail in memory and records what it created here, so a later mail of
the same batch (a colleague from the same company, a reply to a mail just captured) finds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.mail.threads import explicit_keys, explicit_link, prefer_contact, sender_keys
from connectors.base import InboundMessage
from domain.customer import Contact, Customer
from domain.lead import Lead, LeadStatus
from domain.mail import MailKey, MailLink, MailThread
from domain.opportunity import Opportunity
from domain.people import Rep
from domain.ports import UnitOfWork

_OPEN_LEAD = (LeadStatus.NEW, LeadStatus.ASSIGNED)


@dataclass(slots=True)
class Mail:
    """One captured mail as the handler sees it."""

    msg: InboundMessage
    kind: str  # human | auto_reply | bounce | list | own (written by us: a rep, our domain)
    sender: str
    company: str = ""  # the sender's domain when it is a company's (not free mail, not ours)
    rep: Rep | None = None

    @property
    def recipients(self) -> list[str]:
        extra = self.msg.extra
        return [str(a).lower() for a in [*(extra.get("to") or ()), *(extra.get("cc") or ())]]

    @property
    def bounced(self) -> list[str]:
        return [str(a).lower() for a in self.msg.extra.get("bounced_recipients") or ()]


@dataclass(slots=True)
class MailLookups:
    threads: dict[str, MailThread] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)  # by lower-cased address
    domains: dict[str, Customer] = field(default_factory=dict)  # company customers by mail domain
    recent: dict[str, list[datetime]] = field(default_factory=dict)  # captured mails per sender
    open_work: dict[int, list[MailLink]] = field(default_factory=dict)  # per customer id
    customers: dict[int, Customer] = field(default_factory=dict)
    leads: dict[int, Lead] = field(default_factory=dict)
    deals: dict[int, Opportunity] = field(default_factory=dict)

    @classmethod
    async def load(cls, uow: UnitOfWork, mails: Sequence[Mail], since: datetime) -> MailLookups:
        found = cls()
        people = [m for m in mails if m.kind == "human"]
        ours = [m for m in mails if m.kind == "own"]
        keys = {key for m in people for key in explicit_keys(m.msg) + sender_keys(m.sender, m.company)}
        keys |= {key for m in ours for key in explicit_keys(m.msg) + m.recipients}
        found.threads = {thread.key: thread for thread in await uow.mail_threads.find(keys)}
        addresses = [m.sender for m in people] + [a for m in ours for a in m.recipients]
        found.contacts = await uow.contacts.by_emails(addresses + [a for m in mails for a in m.bounced])
        for sender, at in await uow.mail_threads.recent({m.sender for m in people}, since):
            found.recent.setdefault(sender, []).append(at)
        found.domains = await uow.customers.by_domains({m.company for m in people if m.company})
        await found._load_open_work(uow, [m for m in people if not found._named_thread(m)])
        await found._load_entities(uow)
        return found

    def _named_thread(self, mail: Mail) -> bool:
        return explicit_link(mail.msg, self.threads) is not None or any(
            self._thread(key, MailKey.SENDER) for key in sender_keys(mail.sender, mail.company))

    def _thread(self, key: str, kind: MailKey) -> MailThread | None:
        thread = self.threads.get(key)
        return thread if thread is not None and thread.kind is kind and thread.customer_id is not None else None

    async def _load_open_work(self, uow: UnitOfWork, mails: Iterable[Mail]) -> None:
        customer_ids = set()
        for mail in mails:
            if (contact := self.contacts.get(mail.sender)) is not None:
                customer_ids.add(contact.customer_id)
            if (customer := self.domains.get(mail.company)) is not None and customer.id is not None:
                customer_ids.add(customer.id)
        for link in await uow.mail_threads.open_work(customer_ids):
            if link.customer_id is not None:
                self.open_work.setdefault(link.customer_id, []).append(link)

    async def _load_entities(self, uow: UnitOfWork) -> None:
        links = [t.link for t in self.threads.values()] + [x for ls in self.open_work.values() for x in ls]
        self.leads = dict(await uow.leads.many({x.lead_id for x in links if x.lead_id is not None}))
        deal_ids = {x.opportunity_id for x in links if x.opportunity_id is not None}
        deal_ids |= {lead.opportunity_id for lead in self.leads.values() if lead.opportunity_id is not None}
        self.deals = dict(await uow.opportunities.many(deal_ids))
        customer_ids = {x.customer_id for x in links if x.customer_id is not None}
        customer_ids |= {c.customer_id for c in self.contacts.values()}
        customer_ids |= {d.customer_id for d in self.deals.values()}
        self.customers = {c.id: c for c in self.domains.values() if c.id is not None}
        self.customers.update(await uow.customers.many(customer_ids - set(self.customers)))

    def settle(self, link: MailLink) -> MailLink | None:
        """The link as it stands now: a converted lead stands for its deal; links to missing rows drop."""
        if link.customer_id not in self.customers:
            return None
        lead = self.leads.get(link.lead_id) if link.lead_id is not None else None
        if lead is not None and lead.status is LeadStatus.CONVERTED and lead.opportunity_id in self.deals:
            link = MailLink(link.customer_id, link.contact_id, link.lead_id, lead.opportunity_id)
        if link.opportunity_id is not None and link.opportunity_id not in self.deals:
            link = MailLink(link.customer_id, link.contact_id, link.lead_id if lead else None)
        elif link.lead_id is not None and lead is None and link.opportunity_id is None:
            link = MailLink(link.customer_id, link.contact_id)
        return link

    def is_open(self, link: MailLink) -> bool:
        if link.opportunity_id is not None:
            return not self.deals[link.opportunity_id].stage.is_closed
        lead = self.leads.get(link.lead_id) if link.lead_id is not None else None
        return lead is not None and lead.status in _OPEN_LEAD

    def resolve(self, mail: Mail) -> MailLink | None:
        """The thread of a mail: named by it (references, tokens, tag), else the sender's open one."""
        if (named := explicit_link(mail.msg, self.threads)) is not None and (link := self.settle(named)):
            return link
        for key in sender_keys(mail.sender, mail.company):
            thread = self._thread(key, MailKey.SENDER)
            if thread is not None and (link := self.settle(thread.link)) and self.is_open(link):
                return link
        contact = self.contacts.get(mail.sender)
        company = self.domains.get(mail.company)
        for customer_id in (contact.customer_id if contact else None, company.id if company else None):
            if customer_id is not None:
                work = [s for x in self.open_work.get(customer_id, []) if (s := self.settle(x)) and self.is_open(s)]
                if chosen := prefer_contact(work, contact.id if contact else None):
                    return chosen
        return None
