"""A customer's mail threaded to a won deal with a delivery project files its attachments on the project
(issue #15): the bytes stored equal the bytes sent, one over `[files] max_mb` is refused and nothing of it is
stored, the project's manager is told in chat. Real IMAP (Dovecot), both database engines."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.delivery.files import FileStore
from domain.customer import Contact, Customer
from domain.delivery import Project, WorkStatus
from domain.mail import MailKey, MailLink, MailThread
from domain.opportunity import Opportunity, Stage
from storage.models import ProjectEventRow, ProjectFileRow
from tests.email.dovecot import Mailbox
from tests.email_e2e.conftest import SmtpServer
from tests.email_e2e.harness import MailWorld, start_world
from tests.email_e2e.rows import rows

TOKEN = "abcdefghjk"
PDF = b"%PDF-1.4\n" + os.urandom(40_000)  # small: parsed as usual
BIG_PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(900_000)  # > the parser's 512 KB cut: kept aside, still filed
HUGE = os.urandom(1_300_000)  # over the 1 MB limit of this test


@pytest.fixture
async def world(db_url: str, sales: Mailbox, smtp: SmtpServer, tmp_path: Path) -> AsyncIterator[MailWorld]:
    files = {"dir": str(tmp_path / "files"), "max_mb": 1}
    started = await start_world(db_url, sales, smtp.handler, smtp.port, sections={"files": files})
    yield started
    await started.close()


async def a_project(world: MailWorld) -> tuple[int, int]:
    """明途's won deal of 张伟 with its delivery project (managed by 李娜), and a mail thread token for it."""
    async with world.uow() as uow:
        customer = await uow.customers.add(Customer("杭州明途信息技术有限公司", short_name="明途"))
        assert customer.id is not None
        contact = await uow.contacts.add(Contact(customer.id, "何伟", email="hewei@mingtu.test"))
        zhang, li = (await uow.reps.by_name("张伟")), (await uow.reps.by_name("李娜"))
        assert zhang is not None and li is not None
        deal = await uow.opportunities.add(Opportunity(customer.id, "MES", owner_id=zhang.id, team_id=zhang.team_id,
                                                       stage=Stage.WON, closed_at=datetime(2026, 11, 1, tzinfo=UTC)))
        assert deal.id is not None
        project = await uow.projects.add(Project(deal.id, "明途 MES 实施", manager_id=li.id, status=WorkStatus.DOING,
                                                 starts_on=date(2026, 11, 2), customer_id=customer.id))
        await uow.mail_threads.add_many([MailThread.of(MailKey.TOKEN, TOKEN, datetime(2026, 11, 1, tzinfo=UTC),
                                                       MailLink(customer.id, contact.id, None, deal.id))])
        await uow.commit()
    assert project.id is not None
    return deal.id, project.id


def mail_with(to: str, *files: tuple[str, str, bytes]) -> bytes:
    mail = EmailMessage(policy=SMTP)
    mail["From"] = "何伟 <hewei@mingtu.test>"
    mail["To"] = to
    mail["Subject"] = f"验收文档 [#{TOKEN}]"
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = "<files1@mingtu.test>"
    mail.set_content("附件是验收文档和现场照片，请查收。")
    for name, kind, data in files:
        maintype, subtype = kind.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()


async def test_attachments_of_a_customer_mail_are_filed_on_the_deals_project(world: MailWorld,
                                                                               tmp_path: Path) -> None:
    _, project = await a_project(world)
    await world.deliver(mail_with(world.sales.address, ("验收报告.pdf", "application/pdf", PDF),
                                  ("现场.png", "image/png", BIG_PNG), ("录像.zip", "application/zip", HUGE)))
    out = await world.processed(1)
    files = await rows(world, ProjectFileRow)
    assert [(f.project_id, f.filename, f.content_type, f.size, f.source) for f in files] == [
        (project, "验收报告.pdf", "application/pdf", len(PDF), "email"),
        (project, "现场.png", "image/png", len(BIG_PNG), "email")]
    store = FileStore(tmp_path / "files")
    for item, sent in zip(files, (PDF, BIG_PNG), strict=True):
        assert item.sha256 == hashlib.sha256(sent).hexdigest()
        assert await store.read(item.sha256) == sent  # bytes stored equal bytes sent
    stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(stored) == 2  # the zip over the limit: nothing of it written
    assert all(p.stat().st_mode & 0o111 == 0 for p in stored)  # never executable
    events = [(e.kind, e.text) for e in await rows(world, ProjectEventRow)]
    assert events == [("file", "通过邮件收到文件「验收报告.pdf」（39 KB）"),
                      ("file", "通过邮件收到文件「现场.png」（879 KB）")]
    assert f"邮件「验收文档 [#{TOKEN}]」附件 → 项目 P{project}「明途 MES 实施」" in out
    assert "已保存：验收报告.pdf、现场.png" in out and "未保存（超过大小上限）：录像.zip（1.2 MB > 1.0 MB）" in out
