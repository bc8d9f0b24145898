"""Fixtures for the email channel tests: a real Dovecot per test session, a fresh mailbox per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dovecot import DovecotServer, Mailbox, find_dovecot

from connectors.email import CaptureSettings


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    binary = find_dovecot()
    if binary is None:
        pytest.fail("dovecot is not installed; the email tests need a real IMAP server: "
                    "apt-get install -y dovecot-imapd dovecot-lmtpd", pytrace=False)
    server = DovecotServer(binary)
    try:
        server.start()
    except RuntimeError as err:
        server.stop()
        pytest.fail(f"dovecot did not start: {err}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot: DovecotServer) -> Mailbox:
    user, password = dovecot.add_user()
    return Mailbox(dovecot, user, password)


@pytest.fixture
def fast_settings() -> CaptureSettings:
    return CaptureSettings(batch_size=3, idle_check_interval=0.1, poll_interval=0.2,
                           backoff_initial=0.05, backoff_max=0.2)
