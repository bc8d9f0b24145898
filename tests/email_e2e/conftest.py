"""A real Dovecot for the session, a fresh sales mailbox and SMTP server per test, the bot on db_url."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.email.dovecot import DovecotServer, Mailbox, running_dovecot
from tests.email_e2e.harness import MailWorld, RecordingSmtp, SmtpServer, start_world


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    yield from running_dovecot()


@pytest.fixture
def sales(dovecot: DovecotServer) -> Mailbox:
    user, password = dovecot.add_user()
    return Mailbox(dovecot, user, password)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(RecordingSmtp()) as server:
        yield server


@pytest.fixture
async def world(db_url: str, sales: Mailbox, smtp: SmtpServer) -> AsyncIterator[MailWorld]:
    started = await start_world(db_url, sales, smtp.handler, smtp.port)
    yield started
    await started.close()
