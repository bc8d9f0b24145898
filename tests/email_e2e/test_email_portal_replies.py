"""Change requests and ratings by email reply (issue #15), against the real Dovecot and SMTP of the email
suite: the rep mails the portal link (`门户 P1 发送`), the customer answers `变更：…` or `评分 4 …`, and the
request or rating is stored on the project exactly like the portal's, the owner told in chat; a reply that is
neither, or a rating out of range, stores nothing but the mail."""

from __future__ import annotations

from email.message import EmailMessage

from domain.customer import Contact
from storage.models import ChangeRequestRow, RatingRow
from tests.e2e.portal_world import add_project
from tests.email_e2e.harness import MailWorld
from tests.email_e2e.mails import outlook_reply
from tests.email_e2e.rows import rows

CUSTOMER = "hewei@mingtu.test"


async def _mailed_portal(world: MailWorld) -> EmailMessage:
    await world.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await world.say("新商机 明途 MES 80万")
    async with world.uow() as uow:
        await uow.contacts.add(Contact(customer_id=1, name="何伟", email=CUSTOMER))
        await add_project(uow, 1, "明途MES实施项目", [("需求确认", -20, True), ("上线", 60, False)])
        await uow.commit()
    out = await world.say("门户 P1 发送")
    assert "何伟" in out
    await world.app.dispatcher.drain()
    [mail] = [m for m in world.smtp.received if CUSTOMER in str(m["To"])]
    assert "/p/" in mail.get_content() and "变更：<要变更的内容>" in mail.get_content()
    world.console.read()
    return mail


async def _reply(world: MailWorld, portal_mail: EmailMessage, body: str, number: int) -> str:
    ours = str(portal_mail["Message-ID"])
    await world.deliver(outlook_reply(CUSTOMER, "何伟", "项目进度", body, f"<r{number}@mingtu.test>",
                                      world.sales.address, answered=ours, references=[ours]))
    return await world.processed(number)


async def test_a_change_request_by_mail_reply_is_stored_and_the_owner_told(world: MailWorld) -> None:
    portal_mail = await _mailed_portal(world)
    out = await _reply(world, portal_mail, "变更：增加一个月度报表导出\n需要按车间汇总。", 1)
    [request] = await rows(world, ChangeRequestRow)
    assert (request.title, request.source, request.requester, request.approved) == (
        "增加一个月度报表导出", "email", "何伟", None)
    assert "需要按车间汇总" in request.description and "原始邮件" not in request.description
    assert "收到客户变更请求 CR1" in out and "来自邮件" in out and "变更 CR1 同意" in out
    assert "CR1 P1 增加一个月度报表导出" in await world.say("变更")


async def test_a_rating_by_mail_reply_rates_the_latest_done_milestone(world: MailWorld) -> None:
    portal_mail = await _mailed_portal(world)
    out = await _reply(world, portal_mail, "评分 2 需求文档写得太粗", 1)
    [rating] = await rows(world, RatingRow)
    assert (rating.score, rating.comment, rating.source, rating.rater) == (2, "需求文档写得太粗", "email", "何伟")
    assert "需求确认" in out and "2/5" in out and "不满意" in out


async def test_an_ordinary_reply_or_a_bad_rating_stores_nothing_but_the_mail(world: MailWorld) -> None:
    portal_mail = await _mailed_portal(world)
    out = await _reply(world, portal_mail, "收到，谢谢。我们变更一下周会时间。", 1)
    assert "收到，谢谢" in out  # the ordinary mail card
    await _reply(world, portal_mail, "评分 9 非常好", 2)
    assert await rows(world, ChangeRequestRow) == [] and await rows(world, RatingRow) == []
