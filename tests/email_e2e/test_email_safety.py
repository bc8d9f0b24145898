"""Automatic mail, bounces, floods, our own mail and restarts: nothing answered, nothing lost or doubled."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from connectors.base import InboundMessage
from storage.models import ContactRow, CustomerRow, FollowUpRow, InboxRow, LeadRow, MailThreadRow
from tests.email.dovecot import Mailbox
from tests.email_e2e.harness import MailWorld, SmtpServer, start_world
from tests.email_e2e.mails import bounce, customer_mail, out_of_office
from tests.email_e2e.rows import rows


async def inquiry(world: MailWorld, sender: str = "hewei@mingtu.test", number: int = 1) -> None:
    await world.deliver(customer_mail(sender, "何伟", "询价", "请报价。\n杭州明途信息技术有限公司",
                                      f"<q{number}@mingtu.test>", world.sales.address))


async def test_out_of_office_replies_and_bounces_create_nothing_and_the_bounce_marks_the_contact(
        world: MailWorld) -> None:
    await inquiry(world)
    await world.processed(1)
    await world.say("邮件 L1 您好")
    [ours] = world.smtp.received
    await world.deliver(out_of_office("hewei@mingtu.test", "何伟", "<ooo1@mingtu.test>", world.sales.address))
    await world.deliver(out_of_office("stranger@newco.test", "陌生人", "<ooo2@newco.test>", world.sales.address))
    await world.deliver(bounce("hewei@mingtu.test", "<dsn1@mx.example.test>", world.sales.address,
                               original=str(ours["Message-ID"])))
    out = await world.processed(4)
    assert out == ""  # nobody is told, nobody is answered
    assert world.smtp.received == [ours]
    assert len(await rows(world, CustomerRow)) == 1 and len(await rows(world, LeadRow)) == 1
    assert len(await rows(world, FollowUpRow)) == 2  # the inquiry and our mail
    [contact] = await rows(world, ContactRow)
    assert contact.bouncing is True  # the report returns a mail we sent to that address
    assert "退信" in await world.say("邮件 L1 您好")
    assert world.smtp.received == [ours]


async def test_a_flooding_sender_is_throttled_with_one_notice_to_an_admin(world: MailWorld) -> None:
    for number in range(25):
        await world.deliver(customer_mail("promo@flood.test", "促销", f"优惠 {number}", "限时优惠！",
                                          f"<f{number}@flood.test>", world.sales.address))
    out = await world.processed(25)
    assert len(await rows(world, FollowUpRow)) == 19  # the 20th mail within two hours is the first throttled
    assert out.count("促销 来信") == 19
    assert out.count("[→ admin]") == 1 and "邮件洪水" in out and "promo@flood.test" in out
    assert len(await rows(world, LeadRow)) == 1
    await world.deliver(customer_mail("promo@flood.test", "促销", "再来", "!", "<f99@flood.test>",
                                      world.sales.address))
    assert "[→ admin]" not in await world.processed(26)  # one notice per sender and day


async def test_mail_from_a_rep_or_our_own_domain_is_recorded_on_the_thread_and_never_answered(
        world: MailWorld) -> None:
    await inquiry(world)
    await world.processed(1)
    await world.say("转给 L1 赵敏")
    await world.deliver(customer_mail("zhaomin@reps.test", "赵敏", "报价", "何总，报价见附件。", "<z1@example.test>",
                                      "hewei@mingtu.test", Cc=world.sales.address))
    await world.deliver(customer_mail("noreply@example.test", "系统", "测试", "内部通知", "<n1@example.test>",
                                      world.sales.address))
    out = await world.processed(3)
    assert out == ""
    followups = await rows(world, FollowUpRow)
    assert len(followups) == 2 and followups[-1].lead_id == 1 and followups[-1].rep_id is not None
    assert followups[-1].note.startswith("去信：报价")
    assert len(await rows(world, CustomerRow)) == 1 and len(await rows(world, LeadRow)) == 1


async def test_mail_to_a_rep_without_chat_is_automatic_and_a_persons_mail_is_not(world: MailWorld) -> None:
    await inquiry(world)
    await world.processed(1)
    await world.say("转给 L1 赵敏")  # 赵敏 has no chat identity: she hears about it by mail
    await inquiry(world, number=2)
    await world.processed(2)
    notices = [m for m in world.smtp.received if m["To"] == "zhaomin@reps.test"]
    assert len(notices) == 2 and all(m["Auto-Submitted"] == "auto-generated" for m in notices)
    assert "明途 何伟 来信" in notices[-1].get_content()
    await world.say("邮件 L1 您好", as_user="admin")
    [answer] = [m for m in world.smtp.received if "hewei@mingtu.test" in str(m["To"])]
    assert answer["Auto-Submitted"] is None


async def test_a_mail_kept_for_retry_keeps_its_message_id(world: MailWorld, smtp: SmtpServer) -> None:
    await inquiry(world)
    await world.processed(1)
    smtp.handler.fail_first = 1
    await world.say("邮件 L1 何总您好")
    assert len(smtp.handler.attempts) == 1 and smtp.handler.received == []
    world.clock.now += timedelta(seconds=120)
    await world.app.dispatcher.drain()
    first, second = smtp.handler.attempts
    assert first["Message-ID"] == second["Message-ID"] and smtp.handler.received == [second]
    [thread] = [t for t in await rows(world, MailThreadRow) if t.outbound]
    assert thread.key == first["Message-ID"]


async def test_a_restart_in_the_middle_of_the_mailbox_neither_loses_nor_duplicates(
        db_url: str, sales: Mailbox, smtp: SmtpServer) -> None:
    senders = [f"p{n}@co{n % 3}.test" for n in range(1, 9)]
    for number, sender in enumerate(senders, start=1):
        await asyncio.to_thread(sales.deliver, customer_mail(sender, f"客户{number}", f"询价 {number}", "请报价。",
                                                             f"<m{number}@x.test>", sales.address))
    first = await start_world(db_url, sales, smtp.handler, smtp.port, start_channels=False, batch_size=3)
    bot = first.app.bot
    ingest = bot.ingest

    async def crashing(msg: InboundMessage) -> None:
        if msg.external_id == "<m3@x.test>":
            await bot.accept(msg)  # stored, then the process dies before processing it
        elif msg.external_id == "<m5@x.test>":
            raise RuntimeError("power cut")
        else:
            await ingest(msg)

    bot.ingest = crashing  # type: ignore[method-assign]
    await first.app.start_channels()
    while len(await rows(first, InboxRow)) < 5:  # m1-m4 and m6 (m6 shares m5's batch)
        await asyncio.sleep(0.05)
    await first.close()
    stored = {r.external_id: r.processed_at for r in await rows(first, InboxRow)}
    assert "<m5@x.test>" not in stored and stored["<m3@x.test>"] is None

    second = await start_world(db_url, sales, smtp.handler, smtp.port, batch_size=3)
    try:
        await second.processed(8)
        inbox = await rows(second, InboxRow)
        assert sorted(r.external_id for r in inbox) == sorted(f"<m{n}@x.test>" for n in range(1, 9))
        followups = await rows(second, FollowUpRow)
        assert len(followups) == 8 and len({f.note for f in followups}) == 8
        messages = [t.key for t in await rows(second, MailThreadRow) if t.kind == "message"]
        assert sorted(messages) == sorted(f"<m{n}@x.test>" for n in range(1, 9))
        assert len(await rows(second, CustomerRow)) == 3 and len(await rows(second, LeadRow)) == 3
    finally:
        await second.close()
