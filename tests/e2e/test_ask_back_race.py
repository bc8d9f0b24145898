"""A double tap on 确认 from two processes at once (PostgreSQL): the held sentence is written once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.context import Context
from bot.understanding import pending
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console

HELD = "#1 项目暂停了 客户内部调整"


@pytest.fixture(params=["postgresql", "mysql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL and MySQL only: SQLite has one writer, its transactions never overlap."""
    backend: str = request.param
    return backend


@pytest.fixture
async def second(db_url: str) -> AsyncIterator[Console]:
    """张伟 again, served by another process (its own engine and bot) on the same database."""
    session = await start_console(db_url, "zhangwei", NOW)
    yield session
    await session.app.close()


async def test_two_confirms_at_once_write_the_sentence_once(
        console_with_deal: Console, second: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "请确认" in await console_with_deal.say(HELD)
    read: list[str] = []
    both = asyncio.Event()
    checked = pending._plan_asked_since

    async def read_then_wait_for_the_other(ctx: Context, record: dict[str, Any]) -> bool:
        """Both transactions have read the held sentence before either takes it (the race, every time)."""
        read.append(ctx.batch)
        if len(read) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 30)
        return await checked(ctx, record)

    monkeypatch.setattr(pending, "_plan_asked_since", read_then_wait_for_the_other)
    outs = await asyncio.gather(console_with_deal.say("确认"), second.say("确认"))
    out = "".join(outs) + console_with_deal.read() + second.read()
    assert len(read) == 2
    assert out.count("已确认") == 1 and "已经处理过了" in out and "抱歉" not in out, out
    async with second.app.uow_factory() as uow:
        notes = [f.note for f in await uow.followups.for_opportunity(1)]
    assert notes == [HELD]
