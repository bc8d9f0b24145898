from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from wecom_fake_server import FakeWeCom
from wecom_support import CORP_ID, ROBOT_KEY, SECRET, Clock, make_config

from connectors.wecom.connector import WeComConnector


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def fake_wecom() -> AsyncIterator[FakeWeCom]:
    fake = FakeWeCom(corp_id=CORP_ID, secret=SECRET, webhook_keys={ROBOT_KEY})
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def connector(fake_wecom: FakeWeCom, clock: Clock) -> AsyncIterator[WeComConnector]:
    conn = WeComConnector(make_config(api_base=fake_wecom.url, webhook_base=fake_wecom.url,
                                      http_timeout=2.0), clock=clock)  # a loaded CI box may take 0.3 s to answer
    try:
        yield conn
    finally:
        await conn.stop()
