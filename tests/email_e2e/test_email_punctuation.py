"""Outgoing mail and its follow-up keep the rep's punctuation (issue #10: ，was rewritten to ,)."""

from __future__ import annotations

from storage.models import FollowUpRow
from tests.email_e2e.harness import MailWorld
from tests.email_e2e.mails import customer_mail
from tests.email_e2e.rows import rows

BODY = "何总您好，报价见附件！价格含税（两年维保）：请查收？"


async def test_mail_text_keeps_full_width_punctuation_in_what_is_sent_and_stored(world: MailWorld) -> None:
    await world.deliver(customer_mail("hewei@mingtu.test", "何伟", "MES 询价", "请报价。\n杭州明途信息技术有限公司",
                                      "<q1@mingtu.test>", world.sales.address))
    await world.processed(1)
    await world.say("线索 转商机 L1 明途MES")
    await world.say(f"邮件 #1 {BODY}")
    mail = world.smtp.received[-1]
    body = mail.get_body(("plain",))
    assert body is not None and BODY in body.get_content()
    assert BODY in (await rows(world, FollowUpRow))[-1].note
