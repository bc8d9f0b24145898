"""A console session (tests.e2e.harness) for the usage and feedback tests, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import Console, start_console

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday


@pytest.fixture
async def console(db_url: str) -> AsyncIterator[Console]:
    """张伟 (a rep of 华东一组) at a terminal; 管理员 `admin` is an admin."""
    session = await start_console(db_url, "zhangwei", NOW)
    yield session
    await session.app.close()
