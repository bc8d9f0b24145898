"""The pure rules of mail trust: Authentication-Results, our Message-IDs, bounce references, held codes,
escaping; and the handler's hold decision on the in-memory fakes."""

from __future__ import annotations

from bot.mail import MailIdentity
from bot.mail.authres import parse_auth_results, verdict
from bot.mail.cards import held_notice, mail_card
from bot.mail.trust import held_code
from bot.reply import render_markdown, render_text
from connectors.email.parsing import parse_mail
from connectors.wecom.markdown import escape_markdown, to_wecom_markdown
from domain.customer import Customer
from domain.mail import HeldStatus, MailKey
from tests.email_e2e.mails import bounce
from tests.email_e2e.test_email_handler_fakes import NOW, handle, mail
from tests.fakes import FakeStore

OURS = "mx.ourco.test"


def test_only_the_topmost_header_of_our_own_server_decides() -> None:
    forged = f"{OURS}; dmarc=pass header.from=mingtu.test"  # added by the sender, below our server's
    ours = f"{OURS}; dmarc=fail (p=reject dis=none) header.from=mingtu.test"
    assert verdict([ours, forged], OURS, "he@mingtu.test") == "fail"
    assert verdict(["mx.evil.test; dmarc=pass header.from=mingtu.test"], OURS, "he@mingtu.test") == "none"
    assert verdict([forged], "", "he@mingtu.test") == "none"  # no authserv_id configured: nothing counts


def test_dkim_or_spf_count_only_for_the_from_domain() -> None:
    def judge(results: str) -> str:
        return verdict([f"{OURS} 1; {results}"], OURS, "he@mail.mingtu.test")

    assert judge('dkim=pass header.d="mingtu.test" header.s=s1; spf=softfail smtp.mailfrom=x@evil.test') == "pass"
    assert judge("dkim=pass header.d=evil.test; spf=pass smtp.mailfrom=bounce@evil.test") == "none"
    assert judge("spf=fail smtp.mailfrom=he@mingtu.test") == "fail"
    assert judge("spf=pass (google.com: domain of he@mingtu.test) smtp.mail=he@mingtu.test") == "pass"  # RFC 5451
    assert judge("dmarc=none header.from=mail.mingtu.test; spf=neutral smtp.mailfrom=he@mingtu.test") == "none"
    assert judge("dkim=pass header.d=test") == "none"  # a bare top-level domain aligns with nothing
    assert judge("none") == "none"


def test_the_parser_reads_versions_comments_and_quoted_values() -> None:
    parsed = parse_auth_results('mx.ourco.test 1; spf=pass (sender SPF authorized) smtp.mailfrom="a@b.test";'
                                " dkim/1=fail reason=\"bad sig\" header.d=b.test")
    assert parsed is not None and parsed.authserv_id == "mx.ourco.test"
    assert [(r.method, r.result) for r in parsed.results] == [("spf", "pass"), ("dkim", "fail")]
    assert parsed.results[0].props == {"smtp.mailfrom": "a@b.test"} and parse_auth_results("  ") is None


def test_our_message_ids_are_those_of_our_domain_and_its_servers() -> None:
    identity = MailIdentity("sales@ourco.test")
    assert identity.made_message_id("<abc@ourco.test>") and identity.made_message_id("<x@EXCH1.ourco.test>")
    assert not identity.made_message_id("<abc@evilourco.test>") and not identity.made_message_id("<abc@gmail.com>")


def test_a_bounce_names_the_message_it_returns() -> None:
    parsed = parse_mail(bounce("he@mingtu.test", "<dsn@mx>", "sales@ourco.test", original="<our1@ourco.test>"))
    assert parsed.kind == "bounce" and parsed.bounce_refs == ("<our1@ourco.test>",)
    assert parse_mail(bounce("he@mingtu.test", "<dsn@mx>", "sales@ourco.test")).bounce_refs == ()


def test_held_codes_are_short_stable_and_typeable() -> None:
    code = held_code("<e1@gmail.com>")
    assert code == held_code("<e1@gmail.com>") != held_code("<e2@gmail.com>")
    assert len(code) == 6 and not set(code) & set("01lo")


def test_outside_markup_becomes_text_in_every_markdown_the_bot_renders() -> None:
    assert escape_markdown("[x](http://evil)") == "\\[x\\](http://evil)"
    assert escape_markdown('<font color="warning">!</font>') == "&lt;font color=&quot;warning&quot;&gt;!&lt;/font&gt;"
    assert escape_markdown("# 标题\n- 项\n#12 ok\n**粗** he_wei@x.test _i_") == (
        "\\# 标题\n\\- 项\n#12 ok\n\\*\\*粗\\*\\* he_wei@x.test \\_i\\_")
    card = mail_card("zh", Customer(name="明途", id=1), "[客服](http://evil.test)", '<font color="red">急</font>',
                     "![img](http://evil/p.png)\n```\n| a | b |", None, None, False)
    wecom = to_wecom_markdown(render_markdown(card, "zh"))  # what the WeCom connector sends
    assert "<font" not in wecom and "[客服](" not in wecom and "![" not in wecom and "```" in render_text(card, "zh")
    assert "\\[客服\\](http://evil.test)" in wecom and "&lt;font" in wecom


def test_the_held_notice_says_who_wrote_about_which_deal_and_how_to_file_or_ignore() -> None:
    zh = render_text(held_notice("zh", "x@y.test", "#12", "Re: 报价", "hi", "k7m2qa", False), "zh")
    assert zh.startswith("陌生发件人 x@y.test 回复了 #12 的邮件") and "归档 k7m2qa" in zh and "忽略 k7m2qa" in zh
    en = render_text(held_notice("en", "x@y.test", "#12", "Re: 报价", "hi", "k7m2qa", False), "en")
    assert en.startswith("Unknown sender x@y.test replied to deal #12's mail") and "file k7m2qa" in en


async def test_a_stranger_naming_a_lead_is_held_without_a_contact_and_its_owner_is_told() -> None:
    store = FakeStore()
    await handle(store, mail(1, "he@mingtu.test"))
    items = await handle(store, mail(2, "evil@gmail.com", subject="Re: 询价", refs=("<m1@x>",)),
                         mail(3, "li@mingtu.test", refs=("<m1@x>",)))  # a colleague on the customer's domain
    async with store.uow() as uow:
        [lead] = await uow.leads.list()
        assert [c.email for c in await uow.contacts.for_customer(lead.customer_id)] == ["he@mingtu.test",
                                                                                        "li@mingtu.test"]
        [held] = [t for t in await uow.mail_threads.find([held_code("<m2@x>")]) if t.kind is MailKey.HELD]
        assert (held.lead_id, held.sender, held.status) == (lead.id, "evil@gmail.com", HeldStatus.HELD.value)
        assert held.at > NOW
        assert await uow.mail_threads.settle_held(held.key, HeldStatus.IGNORED.value)
        assert not await uow.mail_threads.settle_held(held.key, HeldStatus.FILED.value)  # settled once only
    assert [item.dedupe_key for item in items if item.dedupe_key] == [f"email-held:{held.key}:1"]


async def test_a_known_contact_of_another_customer_naming_a_thread_is_held() -> None:
    store = FakeStore()
    await handle(store, mail(1, "he@mingtu.test"), mail(2, "wu@bluesea.test"))
    await handle(store, mail(3, "wu@bluesea.test", subject="Re: 询价", refs=("<m1@x>",)))
    async with store.uow() as uow:
        held = [t for t in await uow.mail_threads.find([held_code("<m3@x>")]) if t.kind is MailKey.HELD]
        assert [(t.sender, t.lead_id) for t in held] == [("wu@bluesea.test", 1)]
    assert len(store.tables["followups"]) == 2  # the two first mails only
