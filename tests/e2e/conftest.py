"""Console sessions for the end-to-end tests, on SQLite and PostgreSQL (the `db_url` fixture)."""

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
    """张伟 (a rep of 华东一组) at a terminal, on an empty pipeline."""
    session = await start_console(db_url, "zhangwei", NOW)
    yield session
    await session.app.close()


@pytest.fixture
async def console_with_deal(console: Console) -> Console:
    """The same, with one customer (C1 明途) and one deal (#1, 80万) of his."""
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("新商机 明途 MES 80万")
    return console


# The analytics tests' fixture company (tests/e2e/analytics_world.py).
from tests.e2e.analytics_world import company, company_session  # noqa: E402, F401

# The approvals tests' console (tests/e2e/approvals_world.py, issue #14).
from tests.e2e.approvals_world import approvals_console  # noqa: E402, F401

# The customer portal's world (tests/e2e/portal_world.py, issue #15).
from tests.e2e.portal_world import portal  # noqa: E402, F401

# Outgoing webhooks' receiver (tests/e2e/webhook_world.py, issue #16).
from tests.e2e.webhook_world import receiver  # noqa: E402, F401
