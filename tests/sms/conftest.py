"""SMS worlds on SQLite and PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.sms.world import SmsWorld, sms_world


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[SmsWorld]:
    """张伟 (a rep of 华东一组) at a terminal, [sms] on against the fake provider."""
    async with sms_world(db_url) as session:
        yield session
