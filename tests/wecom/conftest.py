from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from wecom_fake_server import FakeWeCom
from wecom_support import CORP_ID, ROBOT_KEY, SECRET, Clock


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
