"""One batch of captured mails: decide mail by mail in memory, write in a few set-based statements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Context, Directory, Settings
from bot.delivery.mail_files import file_mail_attachments
from bot.mail.cards import chat_items, flood_notice, mail_card
from bot.mail.creation import contact_for, new_lead
from bot.mail.holding import held, sent_to, vet_contact
from bot.mail.identity import MailIdentity
from bot.mail.lookups import Mail, MailLookups
from bot.mail.threads import bare_subject, explicit_link, sender_keys
from bot.portal.mail_replies import file_from_mail
from domain.activity import FollowUp, FollowUpKind
from domain.mail import MailKey, MailLink, MailThread
from domain.messaging import OutboxItem
from domain.opportunity import Opportunity
from domain.people import Rep, Role
from domain.ports import UnitOfWork

MAIL_ACTOR = Rep(name="email", role=Role.ADMIN)  # who creates what mail brings in (audit actor: none)
NOTE_CHARS = 2000


@dataclass(slots=True)
class MailBatch:
    uow: UnitOfWork
    directory: Directory
    lookups: MailLookups
    identity: MailIdentity
    settings: Settings
    now: datetime
    rows: list[MailThread] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    outbox: list[OutboxItem] = field(default_factory=list)
    touched: dict[int, Opportunity] = field(default_factory=dict)
    flooded: set[str] = field(default_factory=set)
    filed: list[tuple[Mail, int, int | None]] = field(default_factory=list)  # attachments to file (issue #15)
    ctx: Context = field(init=False)

    def __post_init__(self) -> None:
        self.ctx = Context(uow=self.uow, rep=MAIL_ACTOR, now=self.now, channel="email", conversation_id="",
                           batch=f"email-{uuid.uuid4().hex}", settings=self.settings, directory=self.directory)

    async def take(self, mail: Mail) -> None:
        if mail.kind == "human":
            await self._from_customer(mail)
        elif mail.kind == "own":
            await self._from_us(mail)
        elif mail.kind == "bounce":
            await self._bounce(mail)
            self._message(mail, MailLink())
        else:  # automatic replies, lists, mail without a sender: kept in the inbox, counted, nothing more
            self._message(mail, MailLink())

    async def finish(self) -> list[OutboxItem]:
        for mail, deal_id, rep_id in self.filed:
            deal = self.lookups.deals.get(deal_id)
            self.outbox += await file_mail_attachments(self.ctx, mail.msg, deal_id, deal.owner_id if deal else None,
                                                       rep_id)
        for deal in self.touched.values():
            await self.uow.opportunities.save(deal)
        await self.uow.followups.add_many(self.followups)
        await self.uow.mail_threads.add_many(self.rows)
        await self.uow.audit.add_many(self.ctx.audit_log)
        return self.outbox

    async def take_filed(self, mail: Mail, link: MailLink) -> None:
        """A held mail its owner filed (bot.mail.held): attached to `link` as if its sender were known."""
        await self._from_customer(mail, vouched=self.lookups.settle(link) or link)

    async def _from_customer(self, mail: Mail, vouched: MailLink | None = None) -> None:
        if vouched is None and self._flooding(mail):
            self._message(mail, MailLink())
            self._notify_flood(mail)
            return
        had_contact = mail.sender in self.lookups.contacts
        link = vouched if vouched is not None and vouched.linked else self.lookups.resolve(mail)
        if vouched is None and held(self, mail, link):
            return
        new = link is None
        if link is None:
            link = await new_lead(self.ctx, self.lookups, mail)
        assert link.customer_id is not None
        contact = await contact_for(self.ctx, self.lookups, mail, link.customer_id)
        await vet_contact(self, mail, contact, created=not had_contact, vouched=vouched is not None)
        if link.contact_id is None:
            link = MailLink(link.customer_id, contact.id, link.lead_id, link.opportunity_id)
        self._record(mail, link, None, contact.id)
        self.outbox += await file_from_mail(self.uow, mail, link, mail.msg.sender_name or contact.name or mail.sender,
                                            self.now, self.settings.channel_order)  # issue #15: 变更：/评分 4
        if vouched is None:  # a filed mail's Message-ID was recorded when it was held
            self._message(mail, link)
        for key in sender_keys(mail.sender, mail.company):
            known = self.lookups.threads.get(key)
            if known is None or known.kind is not MailKey.SENDER or known.link != link:  # unchanged: no write
                self._remember(MailThread.of(MailKey.SENDER, key, mail.msg.received_at, link))
        self._card(mail, link, new)

    async def _from_us(self, mail: Mail) -> None:
        """A rep's own mail (sent to a customer, copied to us): recorded on its thread, never answered."""
        link = explicit_link(mail.msg, self.lookups.threads)
        for address in mail.recipients:
            thread = self.lookups.threads.get(address)
            if link is None and thread is not None and thread.kind is MailKey.SENDER:
                link = thread.link
        settled = self.lookups.settle(link) if link is not None else None
        if settled is None:
            self._message(mail, MailLink(), outbound=True)
            return
        contact = next((c for a in mail.recipients if (c := self.lookups.contacts.get(a))), None)
        self._record(mail, settled, mail.rep.id if mail.rep else None, contact.id if contact else None)
        self._message(mail, settled, outbound=True)

    async def _bounce(self, mail: Mail) -> None:
        """A delivery-status report marks a failed address bouncing only when it returns a mail we sent
        to that contact (its Message-ID is ours, on the thread, with that contact): anyone can write a
        report, nobody else knows our Message-IDs."""
        sent = await sent_to(self.uow, mail)
        for address in mail.bounced:
            contact = self.lookups.contacts.get(address)
            if contact is not None and not contact.bouncing and contact.id in sent:
                self.ctx.remember("contact", contact)
                contact.bouncing = True
                await self.ctx.update("contact", contact, bouncing=True)

    def _flooding(self, mail: Mail) -> bool:
        """This mail makes `flood_limit` or more from its sender within `flood_window`."""
        times = self.lookups.recent.setdefault(mail.sender, [])
        at = mail.msg.received_at
        times.append(at)
        return sum(1 for t in times if at - self.identity.flood_window < t <= at) >= self.identity.flood_limit

    def _notify_flood(self, mail: Mail) -> None:
        if mail.sender in self.flooded:
            return
        self.flooded.add(mail.sender)
        admins = sorted((r for r in self.directory.reps if r.role is Role.ADMIN and r.active), key=lambda r: r.id or 0)
        hours = self.identity.flood_window.total_seconds() / 3600
        day = mail.msg.received_at.date().isoformat()
        for admin in admins[:1]:
            reply = flood_notice(admin.locale, mail.sender, self.identity.flood_limit, hours)
            self.outbox += chat_items([admin], reply, self.settings.channel_order, self.now,
                                      dedupe_key=f"email-flood:{mail.sender}:{day}")

    def _record(self, mail: Mail, link: MailLink, rep_id: int | None, contact_id: int | None) -> None:
        """A follow-up of kind email on the customer/lead/deal; the deal's last contact moves."""
        msg = mail.msg
        word = "去信" if mail.kind == "own" else "来信"
        note = f"{word}：{bare_subject(msg.subject)}\n{msg.text}".strip()[:NOTE_CHARS]
        self.followups.append(FollowUp(
            rep_id=rep_id, note=note, at=msg.received_at, opportunity_id=link.opportunity_id,
            customer_id=link.customer_id, lead_id=link.lead_id, contact_id=contact_id or link.contact_id,
            kind=FollowUpKind.EMAIL))
        deal = self.lookups.deals.get(link.opportunity_id) if link.opportunity_id is not None else None
        if deal is not None and deal.id is not None and msg.attachments:
            self.filed.append((mail, deal.id, rep_id))
        if deal is not None and deal.id is not None and (
                deal.last_contact_at is None or deal.last_contact_at < msg.received_at):
            deal.last_contact_at = msg.received_at
            self.touched[deal.id] = deal

    def _message(self, mail: Mail, link: MailLink, outbound: bool = False) -> None:
        """The mail's Message-ID (replies to it thread here) and its sender (flood control)."""
        msg = mail.msg
        self._remember(MailThread.of(MailKey.MESSAGE, msg.external_id, msg.received_at, link,
                                     sender=mail.sender, outbound=outbound, subject=msg.subject))

    def _remember(self, thread: MailThread) -> None:
        self.rows.append(thread)
        if thread.kind is MailKey.SENDER or thread.key not in self.lookups.threads:
            self.lookups.threads[thread.key] = thread

    def _card(self, mail: Mail, link: MailLink, new: bool) -> None:
        deal = self.lookups.deals.get(link.opportunity_id) if link.opportunity_id is not None else None
        lead = self.lookups.leads.get(link.lead_id) if link.lead_id is not None else None
        customer = self.lookups.customers[link.customer_id] if link.customer_id is not None else None
        if customer is None:
            return
        owner_id = deal.owner_id if deal is not None else lead.owner_id if lead is not None else None
        for rep in self._owners(owner_id, lead.team_id if lead is not None and deal is None else None):
            reply = mail_card(rep.locale, customer, mail.msg.sender_name or mail.sender, mail.msg.subject,
                              mail.msg.text, deal, lead, new and deal is None)
            self.outbox += chat_items([rep], reply, self.settings.channel_order, self.now)

    def _owners(self, owner_id: int | None, team_id: int | None) -> list[Rep]:
        """The owner; without one, the team's manager; else the admins."""
        owner = self.directory.rep(owner_id)
        if owner is not None and owner.active:
            return [owner]
        team = next((t for t in self.directory.teams if t.id == team_id), None)
        manager = self.directory.rep(team.manager_id) if team is not None else None
        if manager is not None and manager.active:
            return [manager]
        return [r for r in self.directory.reps if r.role is Role.ADMIN and r.active]
