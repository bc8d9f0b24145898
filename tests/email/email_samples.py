"""Small mails built in code for the email tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def simple_mail(number: int, to: str = "sales@example.test", sender: str = "customer@example.test",
                subject: str | None = None, body: str | None = None, message_id: bool = True) -> bytes:
    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"客户 {number} <{sender}>"
    mail["To"] = to
    mail["Subject"] = subject if subject is not None else f"询价 {number}"
    mail["Date"] = "Mon, 4 Mar 2024 10:00:00 +0800"
    if message_id:
        mail["Message-ID"] = f"<mail-{number}@example.test>"
    mail.set_content(body if body is not None else f"第 {number} 封邮件：请报价。")
    return mail.as_bytes()


BROKEN_MAIL = (
    b"From: =?gb2312?B?broken?= <\xff\xfe@@>\r\n"
    b"Subject: =?utf-8?Q?half=E4=B8\r\n"
    b"Date: yesterday-ish\r\n"
    b"Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n"
    b"Content-Transfer-Encoding: base64;;\r\n"
    b"\r\n"
    b"--never-closed\r\n"
    b"Content-Type: text/plain; charset=\"no-such-charset\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"!!!not base64 at all\xff\xfe\r\n"
)
