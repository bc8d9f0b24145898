"""Mail that should not be trusted: strangers in a thread, forged From:, forged bounces, hostile markup."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from domain.mail import HeldStatus, MailKey
from storage.models import ContactRow, CustomerRow, FollowUpRow, LeadRow, MailThreadRow, OpportunityRow, OutboxRow
from tests.email.dovecot import Mailbox
from tests.email_e2e.harness import MailWorld, SmtpServer, start_world
from tests.email_e2e.mails import bounce, customer_mail
from tests.email_e2e.rows import rows

AUTHSERV = "mx.example.test"
EVIL = '<font color="warning">紧急</font> [点此登录](http://evil.test/login)'


async def deal_with_our_mail(world: MailWorld, sender: str = "hewei@mingtu.test", **headers: str) -> str:
    """何伟's inquiry, converted to deal #1, answered by the rep: our Message-ID on the thread."""
    await world.deliver(customer_mail(sender, "何伟", "MES 询价", "请报价。\n杭州明途信息技术有限公司",
                                      "<q1@mingtu.test>", world.sales.address, **headers))
    await world.processed(1)
    await world.say("线索 转商机 L1 明途MES")
    await world.say("邮件 #1 何总您好，报价见附件。")
    return str(world.smtp.received[-1]["Message-ID"])


async def held_rows(world: MailWorld) -> list[SimpleNamespace]:
    return [t for t in await rows(world, MailThreadRow) if t.kind == MailKey.HELD.value]


async def notices_about(world: MailWorld, code: str) -> list[SimpleNamespace]:
    return [o for o in await rows(world, OutboxRow) if (o.dedupe_key or "").startswith(f"email-held:{code}:")]


@pytest.fixture
async def strict(db_url: str, sales: Mailbox, smtp: SmtpServer) -> AsyncIterator[MailWorld]:
    """The bot trusting our receiving server's Authentication-Results ([email] authserv_id)."""
    started = await start_world(db_url, sales, smtp.handler, smtp.port, authserv_id=AUTHSERV)
    yield started
    await started.close()


async def test_a_stranger_replying_to_our_message_id_is_held_until_the_owner_files_it(world: MailWorld) -> None:
    ours = await deal_with_our_mail(world)
    [deal_before] = await rows(world, OpportunityRow)
    await world.deliver(customer_mail("evil@gmail.com", "Support", "Re: 报价", "请改用新账户付款。",
                                      "<e1@gmail.com>", world.sales.address, in_reply_to=ours, references=[ours]))
    await world.processed(2)
    assert {c.email for c in await rows(world, ContactRow)} == {"hewei@mingtu.test"}  # no contact
    assert len(await rows(world, FollowUpRow)) == 2  # the inquiry and our mail: nothing from the stranger
    [deal] = await rows(world, OpportunityRow)
    assert deal.last_contact_at == deal_before.last_contact_at
    [held] = await held_rows(world)
    assert (held.opportunity_id, held.sender, held.status) == (1, "evil@gmail.com", HeldStatus.HELD.value)
    [notice] = await notices_about(world, held.key)
    assert (notice.channel, notice.recipient) == ("console", "zhangwei")
    assert f"归档 {held.key}" in notice.text and f"忽略 {held.key}" in notice.text and "evil@gmail.com" in notice.text

    await world.say(f"归档 {held.key}")
    [held] = await held_rows(world)
    assert held.status == HeldStatus.FILED.value
    contacts = {c.email: c for c in await rows(world, ContactRow)}
    assert contacts["evil@gmail.com"].customer_id == 1 and contacts["evil@gmail.com"].email_unverified is False
    filed = (await rows(world, FollowUpRow))[-1]
    assert (filed.opportunity_id, filed.contact_id) == (1, contacts["evil@gmail.com"].id)
    assert "请改用新账户付款" in filed.note
    await world.say(f"归档 {held.key}")  # a second tap changes nothing
    assert len(await rows(world, FollowUpRow)) == 3


async def test_a_stranger_using_the_customers_message_id_a_subject_tag_or_the_plus_address_is_held(
        world: MailWorld) -> None:
    ours = await deal_with_our_mail(world)
    token = str(world.smtp.received[-1]["Subject"]).rsplit("[#", 1)[1].rstrip("]")
    await world.deliver(customer_mail("x@rival.test", "X", "Re: MES", "hi", "<x1@rival.test>", world.sales.address,
                                      in_reply_to="<q1@mingtu.test>"))
    await world.deliver(customer_mail("y@rival.test", "Y", f"付款 [#{token}]", "hi", "<y1@rival.test>",
                                      world.sales.address))
    plus = f"{world.sales.user}+{token}@example.test"
    await world.deliver(customer_mail("z@rival.test", "Z", "hello", "hi", "<z1@rival.test>", plus), detail=token)
    await world.processed(4)
    held = await held_rows(world)
    assert sorted(h.sender for h in held) == ["x@rival.test", "y@rival.test", "z@rival.test"]
    assert all(h.opportunity_id == 1 for h in held) and ours
    assert len(await rows(world, ContactRow)) == 1 and len(await rows(world, FollowUpRow)) == 2
    await world.say(f"忽略 {held[0].key}", as_user="lina")  # not hers: as if it did not exist
    assert [h.status for h in await held_rows(world)] == [HeldStatus.HELD.value] * 3
    await world.say(f"忽略 {held[0].key}")
    assert [h.status for h in await held_rows(world)] == [HeldStatus.IGNORED.value] + [HeldStatus.HELD.value] * 2
    assert len(await rows(world, ContactRow)) == 1 and len(await rows(world, FollowUpRow)) == 2


async def test_a_forged_known_contact_failing_our_servers_check_is_held_and_a_foreign_verdict_is_ignored(
        strict: MailWorld) -> None:
    passed = f"{AUTHSERV}; dmarc=pass header.from=mingtu.test; spf=pass smtp.mailfrom=hewei@mingtu.test"
    await deal_with_our_mail(strict, Authentication_Results=passed)
    [contact] = await rows(strict, ContactRow)
    assert contact.email_unverified is False  # our server vouched for the inquiry
    failed = f"{AUTHSERV}; dmarc=fail (p=reject) header.from=mingtu.test; spf=fail smtp.mailfrom=x@evil.test"
    await strict.deliver(customer_mail("hewei@mingtu.test", "何伟", "新账户", "请改用新账户付款。", "<f1@evil.test>",
                                       strict.sales.address, Authentication_Results=failed))
    foreign = "mx.evil.test; dmarc=fail header.from=mingtu.test"  # anyone can write this header
    await strict.deliver(customer_mail("hewei@mingtu.test", "何伟", "进度", "方案收到。", "<f2@mingtu.test>",
                                       strict.sales.address, Authentication_Results=foreign))
    await strict.processed(3)
    [held] = await held_rows(strict)
    assert (held.sender, held.opportunity_id, held.note) == ("hewei@mingtu.test", 1, "请改用新账户付款。")
    notes = [f.note for f in await rows(strict, FollowUpRow)]
    assert len(notes) == 3 and "方案收到" in notes[-1] and not any("新账户" in n for n in notes)


async def test_an_address_from_an_unverified_mail_is_never_mailed_until_a_rep_confirms_it(
        strict: MailWorld) -> None:
    foreign = "mx.evil.test; dmarc=pass header.from=newco.test"  # not our server: proves nothing
    await strict.deliver(customer_mail("buyer@newco.test", "买家", "询价", "请报价。", "<n1@newco.test>",
                                       strict.sales.address, Authentication_Results=foreign))
    await strict.processed(1)
    [contact] = await rows(strict, ContactRow)
    assert contact.email_unverified is True
    out = await strict.say("邮件 L1 您好")
    assert "buyer@newco.test" in out and strict.smtp.received == []
    assert [o for o in await rows(strict, OutboxRow) if o.channel == "email"] == []
    await strict.say("核实邮箱 L1 buyer@newco.test")
    [contact] = await rows(strict, ContactRow)
    assert contact.email_unverified is False
    await strict.say("邮件 L1 您好")
    assert [str(m["To"]) for m in strict.smtp.received] == ["买家 <buyer@newco.test>"]


async def test_a_forged_rep_from_is_not_recorded_as_the_reps_outgoing_mail(world: MailWorld) -> None:
    await deal_with_our_mail(world)
    await world.deliver(customer_mail("zhaomin@reps.test", "赵敏", "报价", "何总，新的收款账户见附件。",
                                      "<z9@reps.test>", "hewei@mingtu.test", Cc=world.sales.address))
    await world.processed(2)
    followups = await rows(world, FollowUpRow)
    assert len(followups) == 2 and not any("新的收款账户" in f.note for f in followups)
    [thread] = [t for t in await rows(world, MailThreadRow) if t.key == "<z9@reps.test>"]
    assert (thread.outbound, thread.customer_id, thread.opportunity_id) == (False, None, None)


async def test_a_forged_bounce_changes_nothing_and_a_real_one_marks_the_contact(world: MailWorld) -> None:
    ours = await deal_with_our_mail(world)
    await world.deliver(bounce("hewei@mingtu.test", "<dsn1@evil.test>", world.sales.address))
    await world.deliver(bounce("hewei@mingtu.test", "<dsn2@evil.test>", world.sales.address,
                               original="<q1@mingtu.test>"))  # the customer's own mail, not ours
    await world.processed(3)
    [contact] = await rows(world, ContactRow)
    assert contact.bouncing is False
    await world.say("邮件 #1 再次发送")
    assert len(world.smtp.received) == 2
    await world.deliver(bounce("hewei@mingtu.test", "<dsn3@mx.example.test>", world.sales.address, original=ours))
    await world.processed(4)
    [contact] = await rows(world, ContactRow)
    assert contact.bouncing is True


async def test_markup_in_a_mail_reaches_the_reps_card_as_plain_text(world: MailWorld) -> None:
    body = f"{EVIL}\n[x](http://evil)\n<a href=\"http://evil.test\">发票</a>"
    await world.deliver(customer_mail("hewei@mingtu.test", "[客服](http://evil.test)", EVIL, body,
                                      "<q1@mingtu.test>", world.sales.address))
    await world.processed(1)
    [card] = [o for o in await rows(world, OutboxRow) if o.recipient == "zhangwei"]
    markdown = card.markdown
    assert "点此登录" in markdown and "发票" in markdown  # the words arrive ...
    assert re.search(r"(?<!\\)[\[\]<]", markdown) is None  # ... no link or tag of theirs is live
    assert "&lt;font" in markdown and "\\[x\\](http://evil)" in markdown


async def test_a_first_mail_failing_our_servers_check_is_held_for_an_admin_who_may_file_it_as_a_lead(
        strict: MailWorld) -> None:
    failed = f"{AUTHSERV}; dmarc=fail header.from=bigco.test"
    await strict.deliver(customer_mail("ceo@bigco.test", "CEO", "合作", "请联系我。", "<c1@evil.test>",
                                       strict.sales.address, Authentication_Results=failed))
    await strict.processed(1)
    assert await rows(strict, CustomerRow) == [] and await rows(strict, ContactRow) == []
    [held] = await held_rows(strict)
    assert (held.customer_id, held.status) == (None, HeldStatus.HELD.value)
    [notice] = await notices_about(strict, held.key)
    assert notice.recipient == "admin"
    await strict.say(f"归档 {held.key}")  # a rep may not: it names no deal of theirs
    assert [h.status for h in await held_rows(strict)] == [HeldStatus.HELD.value]
    await strict.say(f"归档 {held.key}", as_user="admin")
    [lead] = await rows(strict, LeadRow)
    [contact] = await rows(strict, ContactRow)
    assert (contact.email, contact.email_unverified, lead.contact_id) == ("ceo@bigco.test", False, contact.id)
    assert [h.status for h in await held_rows(strict)] == [HeldStatus.FILED.value]
