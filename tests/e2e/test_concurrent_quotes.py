"""Two processes (two engines, two bots) quote one deal at the same moment on one PostgreSQL database:
the versions are numbered one after the other (the deal row is locked first), both quotes are stored and
both people get their real reply, not the apology for a unique violation on (opportunity_id, version)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from bot.context import Context
from bot.handlers import money
from bot.handlers.common import load_deal
from domain.opportunity import Opportunity
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console


@pytest.fixture(params=["postgresql", "mysql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL and MySQL only: SQLite has one writer, its transactions never overlap."""
    backend: str = request.param
    return backend


@pytest.fixture
async def manager(db_url: str) -> AsyncIterator[Console]:
    """王经理 (张伟's manager) in another process: its own engine, bot and outbox on the same database."""
    session = await start_console(db_url, "wang", NOW)
    yield session
    await session.app.close()


async def test_two_processes_quoting_one_deal_at_once_store_versions_one_and_two(
        console_with_deal: Console, manager: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[int] = []
    both = asyncio.Event()

    async def load_then_wait_for_the_other(ctx: Context, ref: Any) -> Opportunity:
        """Both transactions have read the deal before either numbers its quote (the race, every time)."""
        opp = await load_deal(ctx, ref)
        loaded.append(ctx.rep.id or 0)
        if len(loaded) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 30)
        return opp

    monkeypatch.setattr(money, "load_deal", load_then_wait_for_the_other)
    rep_out, manager_out = await asyncio.gather(console_with_deal.say("报价 #1 90万 含三年运维"),
                                                manager.say("报价 #1 95万 含培训"))
    assert len(loaded) == 2
    assert "抱歉" not in rep_out + manager_out, rep_out + manager_out
    assert {"#1 报价 v1", "#1 报价 v2"} == {line for out in (rep_out, manager_out)
                                            for line in ("#1 报价 v1", "#1 报价 v2") if line in out}
    async with manager.app.uow_factory() as uow:
        quotes = list(await uow.quotes.for_opportunity(1))
    assert sorted(q.version for q in quotes) == [1, 2]
    assert {q.amount.amount for q in quotes} == {Decimal(900000), Decimal(950000)}
    by_version = {q.version: q.note for q in quotes}
    assert set(by_version.values()) == {"含三年运维", "含培训"}
