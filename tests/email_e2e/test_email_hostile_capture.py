"""Hostile mail through the whole pipeline (real Dovecot, both engines): over-long headers, 42,000
References, too-large mails and a mail the inbox refuses. Capture never wedges; nothing is half-written."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from connectors.base import InboundMessage
from connectors.email import bounded_key
from storage.models import CustomerRow, FollowUpRow, InboxRow, LeadRow, MailThreadRow
from storage.models.mail import MailQuarantineRow
from tests.email.dovecot import Mailbox
from tests.email_e2e.harness import MailWorld, SmtpServer, start_world
from tests.email_e2e.mails import customer_mail, raw_mail
from tests.email_e2e.rows import rows

LONG_ID = "<" + "x" * 300 + "@mingtu.test>"


async def inbox_payloads(world: MailWorld) -> dict[str, dict[str, object]]:
    async with world.uow() as uow:
        found = await uow.session.execute(select(InboxRow.external_id, InboxRow.payload).order_by(InboxRow.id))
        return {external_id: payload for external_id, payload in found}


async def test_over_long_message_id_subject_and_name_are_stored_and_replies_still_thread(world: MailWorld) -> None:
    subject, name = "询价" * 1500, "何" * 400
    await world.deliver(raw_mail("hewei@mingtu.test", name, subject, "请报价。", LONG_ID, world.sales.address))
    await world.processed(1)
    await world.deliver(raw_mail("hewei@mingtu.test", "何伟", "Re: 询价", "补充一下需求。", "<r1@mingtu.test>",
                                      world.sales.address, in_reply_to=LONG_ID, references=[LONG_ID]))
    await world.deliver(customer_mail("li@other.test", "李", "询价", "你好", "<o1@other.test>", world.sales.address))
    await world.processed(3)
    payloads = await inbox_payloads(world)
    hashed = bounded_key(LONG_ID)
    assert hashed.startswith("sha256:") and sorted(payloads) == sorted([hashed, "<r1@mingtu.test>", "<o1@other.test>"])
    extra = payloads[hashed]["extra"]
    assert isinstance(extra, dict)
    assert extra["original"] == {"message_id": LONG_ID, "from_name": name, "subject": subject}
    assert payloads["<r1@mingtu.test>"]["thread_refs"] == [hashed]
    [inbox] = [r for r in await rows(world, InboxRow) if r.external_id == hashed]
    assert inbox.sender_name == name[:255]
    threads = {t.key: t for t in await rows(world, MailThreadRow) if t.kind == "message"}
    assert threads[hashed].subject == subject[:255]
    leads = {f.note.splitlines()[-1]: f.lead_id for f in await rows(world, FollowUpRow)}
    assert leads == {"请报价。": 1, "补充一下需求。": 1, "你好": 2}  # the reply found the thread of the long id
    assert len(await rows(world, LeadRow)) == 2 and len(await rows(world, CustomerRow)) == 2


async def test_a_reply_with_42000_references_is_threaded_by_its_newest_reference(world: MailWorld) -> None:
    await world.deliver(customer_mail("hewei@mingtu.test", "何伟", "询价", "请报价。", "<q1@mingtu.test>",
                                      world.sales.address))
    await world.processed(1)
    refs = [f"<old{n}@elsewhere.test>" for n in range(42_000)] + ["<q1@mingtu.test>"]
    await world.deliver(raw_mail("hewei@mingtu.test", "何伟", "Re: 询价", "转给你看看。", "<r2@mingtu.test>",
                                      world.sales.address, references=refs))
    await world.deliver(customer_mail("li@other.test", "李", "询价", "你好", "<o1@other.test>", world.sales.address))
    await world.processed(3)
    payloads = await inbox_payloads(world)
    thread_refs = payloads["<r2@mingtu.test>"]["thread_refs"]
    assert isinstance(thread_refs, list) and len(thread_refs) == 50
    assert thread_refs[-1] == "<q1@mingtu.test>" and "<old41999@elsewhere.test>" in thread_refs
    extra = payloads["<r2@mingtu.test>"]["extra"]
    assert isinstance(extra, dict) and extra["references_total"] > 1000
    leads = {f.note.splitlines()[-1]: f.lead_id for f in await rows(world, FollowUpRow)}
    assert leads == {"请报价。": 1, "转给你看看。": 1, "你好": 2}


async def test_a_too_large_mail_is_recorded_with_a_note_and_never_parsed_whole(
        db_url: str, sales: Mailbox, smtp: SmtpServer) -> None:
    body = "第一段：需求见下。\n" + "填充内容 padding line\n" * 150_000  # ~3.5 MB of text
    await asyncio.to_thread(sales.deliver, customer_mail("hewei@mingtu.test", "何伟", "大邮件", body,
                                                         "<big@mingtu.test>", sales.address))
    world = await start_world(db_url, sales, smtp.handler, smtp.port, max_mail_mb=1)
    try:
        out = await world.processed(1)
        [inbox] = await rows(world, InboxRow)
        assert inbox.text.startswith("邮件过大（3.") and "open it in your mail client" in inbox.text
        assert "第一段：需求见下。" in inbox.text and len(inbox.text) < 3000
        assert inbox.payload["extra"]["too_large"] is True and inbox.payload["extra"]["raw_size"] > 3_000_000
        [followup] = await rows(world, FollowUpRow)
        assert "请在邮件客户端中查看" in followup.note
        assert "大邮件" in out  # the owner's card still arrives
    finally:
        await world.close()


async def test_a_mail_the_inbox_refuses_is_quarantined_listed_for_admins_and_capture_goes_on(
        db_url: str, sales: Mailbox, smtp: SmtpServer) -> None:
    for number in (1, 2, 3):
        await asyncio.to_thread(sales.deliver, customer_mail(f"p{number}@co{number}.test", f"客户{number}",
                                                             f"询价 {number}", "请报价。", f"<m{number}@x.test>",
                                                             sales.address))
    world = await start_world(db_url, sales, smtp.handler, smtp.port, start_channels=False, batch_size=3)
    bot = world.app.bot
    ingest = bot.ingest

    async def refusing(msg: InboundMessage) -> None:
        if msg.external_id == "<m2@x.test>":
            raise RuntimeError("value refused by the database")
        await ingest(msg)

    bot.ingest = refusing  # type: ignore[method-assign]
    try:
        await world.app.start_channels()
        await world.processed(2, timeout=60)
        while not await rows(world, MailQuarantineRow):
            await asyncio.sleep(0.05)
        [entry] = await rows(world, MailQuarantineRow)
        assert (entry.uid, entry.message_id, entry.sender, entry.subject) == (2, "<m2@x.test>", "p2@co2.test", "询价 2")
        assert "value refused by the database" in entry.reason
        await asyncio.to_thread(sales.deliver, customer_mail("p4@co4.test", "客户4", "询价 4", "请报价。",
                                                             "<m4@x.test>", sales.address))
        await world.processed(3, timeout=60)  # capture moved past the refused mail
        assert sorted(r.external_id for r in await rows(world, InboxRow)) == ["<m1@x.test>", "<m3@x.test>",
                                                                             "<m4@x.test>"]
        out = await world.say("隔离邮件", as_user="admin")
        assert "隔离邮件 1 封" in out and "UID 2" in out and "<m2@x.test>" in out and "p2@co2.test" in out
        assert "没有权限" in await world.say("隔离邮件")
    finally:
        await world.close()
