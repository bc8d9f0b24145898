"""Mails as customers' clients write them: first inquiries, Outlook and Gmail replies, automatic mail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime


def customer_mail(sender: str, name: str, subject: str, body: str, message_id: str, to: str,
                  in_reply_to: str = "", references: Sequence[str] = (), **headers: str) -> bytes:
    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"{name} <{sender}>"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = " ".join(references)
    for header, value in headers.items():
        mail[header.replace("_", "-")] = value
    mail.set_content(body)
    return mail.as_bytes()


def outlook_reply(sender: str, name: str, subject: str, body: str, message_id: str, to: str,
                  answered: str, references: Sequence[str]) -> bytes:
    """Outlook (zh-CN): "答复:" with the subject rewritten by the customer, the original quoted below."""
    quoted = f"{body}\n\n-----原始邮件-----\n发件人: 销售 <{to}>\n发送时间: 2026年11月24日 10:00\n主题: 询价\n\n原文"
    return customer_mail(sender, name, f"答复: {subject}", quoted, message_id, to, in_reply_to=answered,
                         references=references, Thread_Index="AdnA1b2c3d4e5f6g7h8i9j0k")


def out_of_office(sender: str, name: str, message_id: str, to: str) -> bytes:
    return customer_mail(sender, name, "自动回复: 休假中", "我正在休假，11月30日回来，急事请联系助理。", message_id, to,
                         Auto_Submitted="auto-replied", X_Autoreply="yes")


def bounce(failed: str, message_id: str, to: str, original: str = "") -> bytes:
    """A Postfix delivery-status report saying mail to `failed` was refused for good; with `original`,
    it returns the headers of that mail (text/rfc822-headers), as Postfix does."""
    returned = (f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {to}\r\nTo: {failed}\r\n"
                f"Subject: Re\r\nMessage-ID: {original}\r\n\r\n") if original else ""
    return (
        f"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\nTo: {to}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: {message_id}\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"<{failed}>: host mx said: 550 5.1.1 User unknown\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.test\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n{returned}--B--\r\n"
    ).encode()


def raw_mail(sender: str, name: str, subject: str, body: str, message_id: str, to: str,
             in_reply_to: str = "", references: Sequence[str] = ()) -> bytes:
    """Written byte by byte, as a hostile client would: no folding, no encoding of over-long values."""
    headers = [f"From: {name} <{sender}>", f"To: {to}", f"Subject: {subject}",
               f"Date: {format_datetime(datetime.now(UTC))}", f"Message-ID: {message_id}"]
    headers += [f"In-Reply-To: {in_reply_to}"] if in_reply_to else []
    headers += [f"References: {' '.join(references)}"] if references else []
    headers += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode("utf-8")
