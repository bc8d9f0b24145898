from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.dingtalk.fake_gateway import FakeDingTalk
from tests.dingtalk_e2e.harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    ROBOT_SECRET,
    ROBOT_TOKEN,
    DingTalkSession,
    start_session,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday


@pytest.fixture
def fake() -> Iterator[FakeDingTalk]:
    gateway = FakeDingTalk(CLIENT_ID, CLIENT_SECRET, robots={ROBOT_TOKEN: ROBOT_SECRET}, ping_every=0.5).start()
    try:
        yield gateway
    finally:
        gateway.close()


@pytest.fixture
async def dingtalk(db_url: str, fake: FakeDingTalk) -> AsyncIterator[DingTalkSession]:
    """The bot with its DingTalk channel (stream mode, card template configured) on a fresh database."""
    session = await start_session(db_url, fake, NOW)
    try:
        yield session
    finally:
        await session.close()
