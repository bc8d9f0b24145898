"""Rules of the parser one at a time: classification, quote stripping, charsets, the inspect CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from email_samples import FIXTURES

from connectors.email import parse_mail
from connectors.email.charsets import decode_bytes, guess_decode
from connectors.email.inspect import INSPECT_KEYS, main
from connectors.email.quotes import strip_reply


def mail_with(headers: str, body: str = "你好") -> bytes:
    return (headers.strip() + "\r\n\r\n" + body).encode("utf-8")


@pytest.mark.parametrize(("headers", "kind"), [
    ("From: a@x.cn\nAuto-Submitted: auto-replied", "auto_reply"),
    ("From: a@x.cn\nAuto-Submitted: no", "human"),
    ("From: a@x.cn\nX-Autoreply: yes", "auto_reply"),
    ("From: a@x.cn\nX-Autorespond: yes", "auto_reply"),
    ("From: a@x.cn\nPrecedence: auto_reply", "auto_reply"),
    ("From: a@x.cn\nPrecedence: junk", "auto_reply"),
    ("From: a@x.cn\nPrecedence: bulk", "list"),
    ("From: a@x.cn\nList-Id: <team.x.cn>", "list"),
    ("From: a@x.cn\nReturn-Path: <>", "auto_reply"),
    ("From: a@x.cn\nReturn-Path: <a@x.cn>", "human"),
    ("From: MAILER-DAEMON@mx.x.cn", "bounce"),
    ("From: Postmaster <postmaster@x.cn>", "bounce"),
    ("From: a@x.cn\nSubject: =?utf-8?B?6Ieq5Yqo5Zue5aSNOiDmiqXku7c=?=", "auto_reply"),
    ("From: a@x.cn\nSubject: Out of Office: quote", "auto_reply"),
    ("From: a@x.cn\nSubject: Re: out of office plans", "human"),
])
def test_automatic_mail_is_recognised_from_headers_sender_and_subject(headers: str, kind: str) -> None:
    assert parse_mail(mail_with(headers)).kind == kind


@pytest.mark.parametrize(("text", "kept"), [
    ("好的\n\n-----原始邮件-----\n发件人: a\n旧内容", "好的"),
    ("OK\n\n-----Original Message-----\nFrom: a\nold", "OK"),
    ("收到\n\n发件人：王芳\n发送时间：2024年3月1日\n收件人：李四\n\n旧", "收到"),
    ("Fine\n\nFrom: Wang\nSent: Friday\nTo: me\n\nold", "Fine"),
    ("可以\n\n在 2024年3月1日，王芳 写道：\n> 旧", "可以"),
    ("Sure\n\nOn Fri, Mar 1, 2024, Wang wrote:\n> old", "Sure"),
    ("> quoted first\nmy answer\n> more quote\nsecond answer", "my answer\nsecond answer"),
    ("正文\n-- \n王芳 | 销售经理\n电话 123", "正文"),
    ("From: the start, prices rose.\nThat is all.", "From: the start, prices rose.\nThat is all."),
])
def test_reply_quotes_and_signatures_are_stripped(text: str, kept: str) -> None:
    assert strip_reply(text) == kept


def test_gb2312_label_is_read_as_gb18030() -> None:
    assert decode_bytes("朱镕基".encode("gbk"), "gb2312") == "朱镕基"
    assert decode_bytes("王喆".encode("gbk"), "GBK") == "王喆"
    assert decode_bytes("李瑄".encode("gbk"), "cp936") == "李瑄"


def test_big5_label_is_read_as_big5_hkscs() -> None:
    assert decode_bytes("我哋".encode("big5hkscs"), "big5") == "我哋"


def test_unlabelled_bytes_try_utf8_then_gb18030_then_big5() -> None:
    assert guess_decode("报价单".encode()) == "报价单"
    assert guess_decode("报价单已发送，请查收".encode("gb18030")) == "报价单已发送，请查收"
    assert guess_decode("報價單已經寄出，請查收".encode("big5")) == "報價單已經寄出，請查收"
    assert guess_decode("Verão".encode("latin-1")) == "Verão"


def test_raw_8bit_gbk_header_is_decoded() -> None:
    raw = b"From: " + "王芳".encode("gbk") + b" <wf@x.cn>\r\nSubject: " + "报价".encode("gbk") + b"\r\n\r\nx"
    mail = parse_mail(raw)
    assert (mail.from_name, mail.from_address, mail.subject) == ("王芳", "wf@x.cn", "报价")


def test_invalid_dates_become_none_and_valid_ones_are_aware() -> None:
    assert parse_mail(mail_with("From: a@x.cn\nDate: 32 Foo 2024 99:99")).date is None
    assert parse_mail(mail_with("From: a@x.cn\nDate: Mon, 4 Mar 2024 10:00:00 +9999")).date is None
    date = parse_mail(mail_with("From: a@x.cn\nDate: Mon, 4 Mar 2024 10:00:00 -0000")).date
    assert date is not None and date.utcoffset() is not None


def test_inspect_cli_prints_exactly_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FIXTURES / "qqmail.eml")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert tuple(report) == INSPECT_KEYS
    assert report["attachments"] == [{"filename": "合同(盖章版).pdf", "content_type": "application/pdf",
                                      "size": 2048}]
    assert report["date"] == "2024-03-01T16:30:00+08:00"


def test_inspect_cli_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "none.eml")]) == 1
    assert "cannot read mail file" in capsys.readouterr().err


def test_inspect_cli_without_arguments_is_a_usage_error() -> None:
    assert main([]) == 2
