"""Customers' mail lands on the right customer, lead or deal; reps answer from chat; replies thread back."""

from __future__ import annotations

from email.message import EmailMessage

from domain.activity import FollowUpKind
from storage.models import ContactRow, CustomerRow, FollowUpRow, LeadRow
from tests.email_e2e.harness import MailWorld
from tests.email_e2e.mails import customer_mail, outlook_reply
from tests.email_e2e.rows import rows

INQUIRY = ("您好，我们想了解贵司的MES系统，工厂约300人。\n请发一份报价。\n\n"
           "何伟\n杭州明途信息技术有限公司\n电话 0571-88886666")


async def first_inquiry(world: MailWorld) -> str:
    await world.deliver(customer_mail("hewei@mingtu.test", "何伟", "MES 系统询价", INQUIRY, "<q1@mingtu.test>",
                                      world.sales.address))
    return await world.processed(1)


def sent(world: MailWorld, index: int = -1) -> EmailMessage:
    return world.smtp.received[index]


async def test_first_mail_from_a_new_company_creates_customer_contact_and_lead_and_tells_the_rep(
        world: MailWorld) -> None:
    out = await first_inquiry(world)
    [customer] = await rows(world, CustomerRow)
    assert (customer.name, customer.short_name, customer.domain) == ("杭州明途信息技术有限公司", "明途", "mingtu.test")
    [contact] = await rows(world, ContactRow)
    assert (contact.name, contact.email, contact.customer_id) == ("何伟", "hewei@mingtu.test", customer.id)
    [lead] = await rows(world, LeadRow)
    assert (lead.customer_id, lead.contact_id, lead.source, lead.title) == (customer.id, contact.id, "email",
                                                                            "MES 系统询价")
    assert lead.owner_id is not None  # assigned by the rules: the default team's rotation
    [followup] = await rows(world, FollowUpRow)
    assert (followup.kind, followup.lead_id, followup.contact_id) == (FollowUpKind.EMAIL.value, lead.id, contact.id)
    assert "明途 何伟 来信" in out and "L1（新线索，已分配给你）" in out and "我们想了解贵司的MES系统" in out
    assert "邮件 L1" in out  # how to answer


async def test_rep_answers_from_chat_and_the_outlook_reply_with_a_new_subject_lands_on_the_lead(
        world: MailWorld) -> None:
    await first_inquiry(world)
    out = await world.say("邮件 L1 何总您好，\n报价单见附件说明。\n下周二方便电话沟通吗？")
    assert "邮件已排队发送 · L1" in out and "hewei@mingtu.test" in out
    mail = sent(world)
    ours = str(mail["Message-ID"])
    assert ours.endswith("@example.test>") and mail["In-Reply-To"] == "<q1@mingtu.test>"
    assert mail["Auto-Submitted"] is None  # a person's mail, not an automatic one
    assert str(mail["Reply-To"]).startswith(world.sales.user + "+") and "[#" in str(mail["Subject"])
    lines = mail.get_content().splitlines()  # line breaks and the rep's punctuation kept
    assert lines[:3] == ["何总您好，", "报价单见附件说明。", "下周二方便电话沟通吗？"]
    assert "张伟" in mail.get_content()  # signed by the rep

    await world.deliver(outlook_reply("hewei@mingtu.test", "何伟", "关于下周二的电话", "周二下午三点可以。",
                                      "<r1@mingtu.test>", world.sales.address, answered=ours,
                                      references=["<q1@mingtu.test>", ours]))
    out = await world.processed(2)
    assert len(await rows(world, LeadRow)) == 1
    followups = await rows(world, FollowUpRow)
    assert [f.lead_id for f in followups] == [1, 1, 1]  # inquiry, our mail, the answer
    assert "周二下午三点可以" in followups[-1].note and "原始邮件" not in followups[-1].note
    assert "明途 何伟 来信" in out


async def test_gmail_reply_with_a_rewritten_parent_id_threads_by_its_references(world: MailWorld) -> None:
    await first_inquiry(world)
    await world.say("线索 转商机 L1 明途MES")
    await world.say("邮件 #1 何总，方案已更新。")
    rewritten = "<CAJ8rewritten0001@mail.gmail.com>"  # our relay rewrote the Message-ID the customer saw
    await world.deliver(customer_mail("hewei@mingtu.test", "何伟", "Re: 方案", "收到，谢谢！",
                                      "<CAK2gmailreply@mail.gmail.com>", world.sales.address,
                                      in_reply_to=rewritten, references=["<q1@mingtu.test>", rewritten]))
    out = await world.processed(2)
    answer = (await rows(world, FollowUpRow))[-1]
    assert (answer.opportunity_id, answer.note.splitlines()[-1]) == (1, "收到，谢谢！")
    assert "商机" in out and "#1 明途MES" in out and "邮件 #1" in out


async def test_reply_to_the_plus_address_or_with_the_subject_tag_finds_the_deal_without_references(
        world: MailWorld) -> None:
    await first_inquiry(world)
    await world.say("线索 转商机 L1 明途MES")
    await world.say("email #1 Hello, the quote is attached.")
    mail = sent(world)
    token = str(mail["Reply-To"]).split("+", 1)[1].split("@", 1)[0]
    plus = f"{world.sales.user}+{token}@example.test"
    await world.deliver(customer_mail("lina@mingtu.test", "李娜娜", "新问题", "另外想问一下接口。",
                                      "<p1@mingtu.test>", plus), detail=token)
    tagged = f"付款方式 [#{token}]"
    await world.deliver(customer_mail("hewei@mingtu.test", "何伟", tagged, "请问付款方式？", "<t1@mingtu.test>",
                                      world.sales.address))
    await world.processed(3)
    followups = await rows(world, FollowUpRow)
    assert [f.opportunity_id for f in followups[-2:]] == [1, 1]
    contacts = {c.email: c.customer_id for c in await rows(world, ContactRow)}
    assert contacts == {"hewei@mingtu.test": 1, "lina@mingtu.test": 1}  # a colleague on the customer's domain
    assert len(await rows(world, LeadRow)) == 1 and len(await rows(world, CustomerRow)) == 1


async def test_a_colleague_from_the_same_company_joins_the_customer_and_free_mail_senders_stand_alone(
        world: MailWorld) -> None:
    await first_inquiry(world)
    await world.deliver(customer_mail("lina@mingtu.test", "李娜娜", "补充需求", "我们还需要WMS。", "<c2@mingtu.test>",
                                      world.sales.address))
    await world.deliver(customer_mail("wang.fang@gmail.com", "王芳", "咨询", "个人咨询。", "<g1@mail.gmail.com>",
                                      world.sales.address))
    await world.deliver(customer_mail("12345@qq.com", "", "询价", "多少钱？", "<qq1@qq.com>", world.sales.address))
    await world.processed(4)
    customers = {c.name: c.domain for c in await rows(world, CustomerRow)}
    assert customers == {"杭州明途信息技术有限公司": "mingtu.test", "王芳": "", "12345": ""}
    leads = await rows(world, LeadRow)
    assert [lead.customer_id for lead in leads] == [1, 2, 3]  # the colleague's mail joined lead L1
    assert [f.lead_id for f in await rows(world, FollowUpRow)] == [1, 1, 2, 3]



async def test_a_sentence_about_mail_goes_to_the_free_text_route(world: MailWorld) -> None:
    await first_inquiry(world)
    await world.say("线索 转商机 L1 明途MES")
    out = await world.say("邮件跟何总确认了报价 #1")
    assert world.smtp.received == []  # a note about mail is never mailed to the customer
    assert "已记录" in out and "#1" in out  # recorded by the free-text route instead
    assert "缺少邮件内容" in await world.say("邮件 L1")  # with a reference first, it is the command
