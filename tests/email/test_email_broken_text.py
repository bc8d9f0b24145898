"""Mail text with NUL bytes, a few broken UTF-8 bytes or undecodable headers reaches the bot clean."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.email.charsets import decode_bytes
from connectors.email.inbound import to_inbound


def mail(body: bytes, from_name: bytes = "何伟".encode()) -> bytes:
    return b"\r\n".join([
        b"From: " + from_name + b" <hewei@mingtu.test>", b"To: sales@ourco.test", b"Subject: \xff\xfe\x00ask",
        b"Message-ID: <b1@mingtu.test>", b"Content-Type: text/plain; charset=utf-8",
        b"Content-Transfer-Encoding: 8bit", b"", body, b""])


def test_utf8_text_with_a_few_broken_bytes_stays_utf8_instead_of_turning_into_latin1() -> None:
    # Dovecot stores a NUL byte as 0x80; one such byte must not turn the whole body into mojibake
    assert decode_bytes("请报价。\n明途".encode() + b"\x80 end", "utf-8") == "请报价。\n明途\ufffd end"
    assert decode_bytes("请报价".encode() + b"\xed\xa0\x80", "utf-8").startswith("请报价")


def test_a_latin1_or_gbk_text_labelled_utf8_is_still_guessed() -> None:
    assert decode_bytes("Formação".encode("latin-1"), "utf-8") == "Formação"
    assert decode_bytes("请尽快报价，谢谢您的支持".encode("gbk"), "utf-8") == "请尽快报价，谢谢您的支持"


def test_nul_bytes_and_undecodable_bytes_never_reach_the_inbound_message() -> None:
    message = to_inbound(mail("请报价。\x00\x00明途".encode(), from_name=b"\xba\xce\x00\xff"),
                         "sales@ourco.test", datetime(2026, 12, 1, tzinfo=UTC))
    assert "请报价。明途" in message.text
    for value in (message.text, message.subject, message.sender_name, message.sender_id):
        assert "\x00" not in value
        value.encode("utf-8")  # would raise on a lone surrogate
