"""The pure rules under the email channel: tags, subjects, senders, config; and `dealbot mail inspect`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.channels.email import EmailConfigError, build, identity_from, imap_accounts, smtp_config
from bot.cli import main
from bot.config import load_config
from bot.mail.senders import company_from_text, is_free_mail, person_name
from bot.mail.threads import bare_subject, new_token, ordered_refs, reply_tokens, subject_tag, tagged_subject
from connectors.base import InboundMessage

FIXTURES = Path(__file__).parents[1] / "email" / "fixtures"


def message(subject: str = "", refs: tuple[str, ...] = (), tokens: tuple[str, ...] = ()) -> InboundMessage:
    return InboundMessage(channel="email", external_id="<x@y>", conversation_id="sales@ourco.test",
                          sender_id="a@b.test", text="", received_at=datetime(2026, 11, 24, tzinfo=UTC),
                          subject=subject, thread_refs=refs, extra={"plus_tokens": list(tokens)})


def test_tokens_are_unguessable_and_survive_reply_prefixes_in_the_subject() -> None:
    token = new_token()
    assert len(token) == 10 and token != new_token() and not set(token) & set("01lo")
    subject = tagged_subject("报价单", token)
    assert subject == f"报价单 {subject_tag(token)}" and tagged_subject(subject, token) == subject
    assert reply_tokens(message(f"答复: RE: {subject}")) == [token]
    assert bare_subject(f"回复：Re: Fwd: {subject}") == "报价单"


def test_plus_tokens_come_before_subject_tags_and_in_reply_to_before_older_references() -> None:
    msg = message("x [#abcdefghjk]", refs=("<parent@a>", "<root@a>", "<middle@a>"), tokens=("zzzzzzzzzz",))
    assert reply_tokens(msg) == ["zzzzzzzzzz", "abcdefghjk"]
    assert ordered_refs(msg) == ["<parent@a>", "<middle@a>", "<root@a>"]


def test_free_mail_senders_are_people_and_company_names_come_from_signatures() -> None:
    assert is_free_mail("QQ.com") and is_free_mail("gmail.com") and not is_free_mail("mingtu.com")
    assert person_name('"王芳"', "wf@qq.com") == "王芳" and person_name("", "12345@qq.com") == "12345"
    assert company_from_text("请报价\n\n何伟\n杭州明途信息技术有限公司\n电话 0571") == "杭州明途信息技术有限公司"
    assert company_from_text("Regards,\nBob\nInitrode Systems Co., Ltd.") == "Initrode Systems Co., Ltd."
    assert company_from_text("我们公司有限公司想买") == ""


def test_config_builds_accounts_and_smtp_and_names_only_keys_in_errors() -> None:
    config = load_config(environ={"DEALBOT_EMAIL_IMAP_PASSWORD": "hunter2-secret"})
    config.sections["email"] = {**config.section("email"), "from_address": "sales@ourco.test",
                                "imap_host": "imap.ourco.test", "imap_user": "sales", "smtp_host": "smtp.ourco.test",
                                "smtp_port": 465, "smtp_ssl": True,
                                "accounts": [{"host": "imap.ourco.test", "user": "zw@ourco.test", "password": "p",
                                              "mailboxes": ["INBOX", "Sent"]}]}
    sales, rep = imap_accounts(config)
    assert (sales.address, sales.port, sales.folders) == ("sales@ourco.test", 993, ("INBOX",))
    assert (rep.address, rep.folders) == ("zw@ourco.test", ("INBOX", "Sent"))
    identity = identity_from(config)
    assert identity.mail_domain == "ourco.test" and identity.is_ours("someone@ourco.test")
    smtp = smtp_config(config, identity)
    assert smtp is not None and (smtp.port, smtp.use_tls) == (465, True)
    assert "hunter2-secret" not in repr(sales) + repr(smtp) + repr(build(config, lambda: None))  # type: ignore[arg-type, return-value]
    config.sections["email"]["imap_password"] = ""
    with pytest.raises(EmailConfigError, match="imap_password") as failure:
        imap_accounts(config)
    assert "hunter2" not in str(failure.value)


def test_mail_inspect_command_prints_what_the_bot_reads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mail", "inspect", str(FIXTURES / "outlook_reply_zh.eml")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["kind"] == "human" and shown["message_id"] and shown["in_reply_to"]
    assert main(["mail", "inspect", str(FIXTURES / "dsn_bounce.eml")]) == 0
    assert json.loads(capsys.readouterr().out)["bounced_recipients"] == ["nobody@customer.cn"]
