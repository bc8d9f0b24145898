"""A reproducible mix of mails for bench/email_ingest.py: what a sales inbox receives in a busy week.

New inquiries from companies (several people each), replies quoting history (In-Reply-To/References),
free-mail senders, GBK/Big5/HTML bodies, attachments, real-client fixtures (tests/email/fixtures),
out-of-office replies, bounces, list mail and one flooding sender.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "email" / "fixtures"
LINES = ["您好，我们想了解贵司的MES系统方案。", "工厂约300人，两条产线，明年一季度上线。", "请发一份报价和实施周期。",
         "另外想确认一下是否支持和金蝶ERP对接。", "上次的方案我们内部讨论过了，总体可以。", "价格方面希望再优惠一些。",
         "下周二下午方便电话沟通吗？", "附件是我们的需求说明，请查收。", "We would like a quote for 50 licenses.",
         "Please find the requirements attached.", "技术负责人是李工，电话 138 0000 0000。", "谢谢！"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
FREE = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "foxmail.com", "sina.com"]


@dataclass(slots=True)
class Person:
    name: str
    address: str
    company: str = ""


@dataclass(slots=True)
class Mix:
    rng: random.Random
    to: str
    people: list[Person] = field(default_factory=list)
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (message id, subject, text)
    counter: int = 0

    def next_id(self, host: str) -> str:
        self.counter += 1
        return f"<bench.{self.counter}.{self.rng.getrandbits(32):08x}@{host}>"


def mail_mix(count: int, to: str, seed: int = 7) -> list[bytes]:
    mix = Mix(random.Random(seed), to)
    for number in range(220):
        domain = f"co{number}.test"
        company = f"{'杭州苏州宁波南京上海'[number % 5 * 2:number % 5 * 2 + 2]}{number}号智能科技有限公司"
        for person in range(mix.rng.randint(1, 3)):
            name = mix.rng.choice(SURNAMES) + mix.rng.choice("总工经理")
            mix.people.append(Person(name, f"p{person}@{domain}", company))
    fixtures = [path.read_bytes() for path in sorted(FIXTURES.glob("*.eml"))]
    mails: list[bytes] = []
    while len(mails) < count - 30:
        mails.append(one(mix, fixtures))
    for _ in range(min(30, count)):
        mails.insert(mix.rng.randint(0, len(mails)), flood(mix))
    return mails[:count]


def one(mix: Mix, fixtures: list[bytes]) -> bytes:
    roll = mix.rng.random()
    if roll < 0.05:
        return from_fixture(mix, mix.rng.choice(fixtures))
    if roll < 0.09:
        return automatic(mix)
    if roll < 0.11:
        return bounce(mix)
    if roll < 0.14:
        return compose(mix, Person("Newsletter", "news@list.example.org"), "本周行业资讯", list_id=True)
    if roll < 0.22:  # people writing from their own free mailbox, a few times each
        number = mix.rng.randint(1, 50)
        name = SURNAMES[number % len(SURNAMES)] + "先生"
        return compose(mix, Person(name, f"u{number}@{FREE[number % len(FREE)]}"), "咨询")
    person = mix.rng.choice(mix.people)
    if roll < 0.55 and mix.sent:
        return compose(mix, person, "", reply_to=mix.rng.choice(mix.sent[-200:]))
    return compose(mix, person, mix.rng.choice(["MES 系统询价", "关于报价", "需求说明", "合同条款", "Quote request"]))


def compose(mix: Mix, person: Person, subject: str, reply_to: tuple[str, str, str] | None = None,
            list_id: bool = False) -> bytes:
    rng = mix.rng
    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"{person.name} <{person.address}>"
    mail["To"] = mix.to
    mail["Date"] = format_datetime(datetime.now(UTC))
    message_id = mix.next_id(person.address.partition("@")[2])
    mail["Message-ID"] = message_id
    text = "\n".join(rng.sample(LINES, rng.randint(2, 6))) + f"\n\n{person.name}\n{person.company}"
    if reply_to is not None:
        mail["Subject"] = f"{rng.choice(['Re: ', '回复：', '答复: '])}{reply_to[1]}"
        mail["In-Reply-To"] = reply_to[0]
        mail["References"] = reply_to[0]
        text += f"\n\n-----原始邮件-----\n发件人: 销售 <{mix.to}>\n发送时间: 2026年11月24日\n\n{reply_to[2]}"
    else:
        mail["Subject"] = subject
    if list_id:
        mail["List-Id"] = "<news.list.example.org>"
        mail["Precedence"] = "list"
    charset = rng.choice(["utf-8", "utf-8", "gbk", "gb18030"])
    mail.set_content(text, charset=charset)
    if rng.random() < 0.3:
        mail.add_alternative("<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines())
                             + "</body></html>", subtype="html")
    if rng.random() < 0.05:
        mail.add_attachment(rng.randbytes(rng.randint(20_000, 60_000)), maintype="application", subtype="pdf",
                            filename="需求说明.pdf")
    mix.sent.append((message_id, str(mail["Subject"]), text[:200]))
    return mail.as_bytes()


def automatic(mix: Mix) -> bytes:
    person = mix.rng.choice(mix.people)
    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"{person.name} <{person.address}>"
    mail["To"] = mix.to
    mail["Subject"] = "自动回复：休假中"
    mail["Message-ID"] = mix.next_id("auto.test")
    mail["Auto-Submitted"] = "auto-replied"
    mail.set_content("我正在休假，下周一回来。")
    return mail.as_bytes()


def bounce(mix: Mix) -> bytes:
    failed = mix.rng.choice(mix.people).address
    return (f"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.bench.test\r\nTo: {mix.to}\r\nSubject: Undelivered Mail\r\n"
            f"Message-ID: {mix.next_id('mx.bench.test')}\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: text/plain\r\n\r\nUser unknown\r\n\r\n--B\r\nContent-Type: message/delivery-status"
            f"\r\n\r\nReporting-MTA: dns; mx.bench.test\r\n\r\nFinal-Recipient: rfc822; {failed}\r\nAction: failed\r\n"
            "Status: 5.1.1\r\n\r\n--B--\r\n").encode()


def flood(mix: Mix) -> bytes:
    return compose(mix, Person("促销", "promo@flood.test"), "限时优惠")


def from_fixture(mix: Mix, raw: bytes) -> bytes:
    """A real-client fixture with a fresh Message-ID (and no stale Delivered-To)."""
    fresh = mix.next_id("fixture.test").encode()
    raw = re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: " + fresh, raw, count=1)
    return raw if b"Message-ID" in raw[:4000] else b"Message-ID: " + fresh + b"\r\n" + raw
