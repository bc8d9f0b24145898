"""Fixtures for the email channel tests: a real Dovecot per test session, a fresh mailbox per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dovecot import DovecotServer, Mailbox, running_dovecot

from connectors.email import CaptureSettings


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    yield from running_dovecot()


@pytest.fixture
def mailbox(dovecot: DovecotServer) -> Mailbox:
    user, password = dovecot.add_user()
    return Mailbox(dovecot, user, password)


@pytest.fixture
def fast_settings() -> CaptureSettings:
    return CaptureSettings(batch_size=3, idle_check_interval=0.1, poll_interval=0.2,
                           backoff_initial=0.05, backoff_max=0.2)
