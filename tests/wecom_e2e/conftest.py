from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.chat_world import Clock
from tests.wecom_e2e.harness import TimedFakeWeCom, WeComSession, new_fake, start_session

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
async def fake_wecom() -> AsyncIterator[TimedFakeWeCom]:
    fake = new_fake()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def wecom(db_url: str, fake_wecom: TimedFakeWeCom) -> AsyncIterator[WeComSession]:
    """The bot with its WeCom channel on a loopback port; one injected clock for everything."""
    session = await start_session(db_url, fake_wecom, Clock(NOW))
    try:
        yield session
    finally:
        await session.close()
