"""Outside text reaches WeCom as text: a mail card's markdown and a textcard carry no live link or tag."""

from __future__ import annotations

from wecom_fake_server import FakeWeCom

from bot.mail.cards import mail_card
from bot.reply import render_markdown, render_text
from connectors.base import OutboundMessage
from connectors.wecom.connector import WeComConnector
from domain.customer import Customer

SEND = "/cgi-bin/message/send"
EVIL = '<font color="warning">紧急</font> [点此登录](http://evil.test/login)'


async def test_a_mail_card_with_markup_arrives_as_escaped_markdown(
        connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    card = mail_card("zh", Customer(name="明途", id=1), "[客服](http://evil.test)", EVIL, f"{EVIL}\n[x](http://evil)",
                     None, None, False)
    await connector.send(OutboundMessage(channel="wecom", recipient="zhangsan", text=render_text(card, "zh"),
                                         markdown=render_markdown(card, "zh")))
    [sent] = fake_wecom.received(SEND)
    assert sent.body is not None and sent.body["msgtype"] == "markdown"
    content = sent.body["markdown"]["content"]
    assert "<font" not in content and "](http" not in content.replace("\\](http", "")
    assert "&lt;font color=&quot;warning&quot;&gt;紧急" in content and "\\[点此登录\\]" in content


async def test_a_textcard_shows_tags_as_text(connector: WeComConnector, fake_wecom: FakeWeCom) -> None:
    card = {"title": "<b>报价</b>", "description": '<a href="http://evil.test">发票</a>', "url": "https://crm/q/7"}
    await connector.send(OutboundMessage(channel="wecom", recipient="zhangsan", text="x", extra={"textcard": card}))
    [sent] = fake_wecom.received(SEND)
    assert sent.body is not None
    assert sent.body["textcard"]["title"] == "&lt;b&gt;报价&lt;/b&gt;"
    assert sent.body["textcard"]["description"] == "&lt;a href=&quot;http://evil.test&quot;&gt;发票&lt;/a&gt;"
