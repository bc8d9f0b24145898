"""The mail handler on the in-memory fakes: the threading decisions without IMAP or a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.context import Directory, Settings
from bot.mail import MailHandler, MailIdentity
from connectors.base import InboundMessage
from domain.lead import LeadStatus
from domain.mail import MailKey
from domain.people import Rep, Role, Team
from tests.fakes import FakeStore

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
IDENTITY = MailIdentity("sales@ourco.test", flood_limit=3, flood_window=timedelta(hours=2))


def mail(number: int, sender: str, subject: str = "询价", refs: tuple[str, ...] = (), **extra: Any) -> InboundMessage:
    return InboundMessage(channel="email", external_id=f"<m{number}@x>", conversation_id="sales@ourco.test",
                          sender_id=sender, sender_name="何伟", text="请报价。", subject=subject,
                          received_at=NOW + timedelta(minutes=number), thread_refs=refs,
                          extra={"kind": "human", **extra})


async def handle(store: FakeStore, *messages: InboundMessage) -> list[Any]:
    async with store.uow() as uow:
        if not await uow.reps.list():
            team = await uow.teams.add(Team("华东一组"))
            await uow.reps.add(Rep("张伟", team_id=team.id, identities={"console": "zhangwei"}))
            await uow.reps.add(Rep("管理员", role=Role.ADMIN, identities={"console": "admin"}))
        directory = await Directory.load(uow)
        handler = MailHandler(IDENTITY, Settings(default_team_id=directory.teams[0].id))
        items = await handler(uow, directory, list(messages), NOW)
        await uow.commit()
    return items


async def test_a_reply_in_the_same_batch_threads_onto_the_lead_its_parent_just_created() -> None:
    store = FakeStore()
    items = await handle(store, mail(1, "he@mingtu.test"), mail(2, "li@mingtu.test", refs=("<m1@x>",)),
                         mail(3, "he@mingtu.test", subject="自动回复", kind="auto_reply"))
    async with store.uow() as uow:
        [lead] = await uow.leads.list()
        assert lead.status is LeadStatus.ASSIGNED and lead.source == "email"
        assert [c.email for c in await uow.contacts.for_customer(lead.customer_id)] == ["he@mingtu.test",
                                                                                        "li@mingtu.test"]
        threads = await uow.mail_threads.find(["<m1@x>", "<m2@x>", "<m3@x>", "he@mingtu.test", "@mingtu.test"])
        assert {t.kind for t in threads} == {MailKey.MESSAGE, MailKey.SENDER}
        assert all(t.lead_id == lead.id for t in threads if t.key != "<m3@x>")
    assert [item.recipient for item in items] == ["zhangwei", "zhangwei"]


async def test_the_flood_limit_counts_mail_from_earlier_batches() -> None:
    store = FakeStore()
    await handle(store, mail(1, "promo@flood.test"), mail(2, "promo@flood.test"))
    items = await handle(store, mail(3, "promo@flood.test"), mail(4, "promo@flood.test"))
    assert [item.recipient for item in items] == ["admin"]  # the third mail is throttled; one notice
    async with store.uow() as uow:
        assert len(await uow.mail_threads.recent(["promo@flood.test"], NOW)) == 4
