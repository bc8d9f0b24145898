"""What the analytics end-to-end tests share: the fixture company of tests/analytics_company.py behind a
console (now is Tuesday 2026-12-15 10:00 in Shanghai), and reads of what a question might have stored.
The fixtures are made available to tests/e2e by tests/e2e/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text

from domain.analytics import Target
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import CONFIG_TEAMS, CONFIG_USERS, NOW, Company, build_company
from tests.e2e.harness import Console, start_console

TABLES = ("customers", "opportunities", "stage_changes", "followups", "leads", "reminders", "audit", "targets",
          "payment_milestones")


@pytest.fixture
async def company_session(db_url: str) -> AsyncIterator[tuple[Console, Company]]:
    """赵敏 (manager of 华东一组) at a terminal, and the company; everyone of it can speak (as_user=name)."""
    console = await start_console(db_url, "赵敏", NOW, teams=CONFIG_TEAMS, users=CONFIG_USERS, assignment=[])
    company = await build_company(console.app.uow_factory, people=False)
    yield console, company
    await console.app.close()


@pytest.fixture
def company(company_session: tuple[Console, Company]) -> Console:
    """The console of `company_session`."""
    return company_session[0]


async def stored(console: Console) -> dict[str, int]:
    """Rows of every table a question might write to."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return {t: int((await uow.session.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()) for t in TABLES}


@asynccontextmanager
async def nothing_stored(console: Console) -> AsyncIterator[None]:
    """Asserts that what runs inside (questions asked) stored nothing: no table gained or lost a row."""
    before = await stored(console)
    yield
    assert await stored(console) == before


async def targets(console: Console, period: str) -> list[Target]:
    """The targets stored for `period`."""
    async with console.app.uow_factory() as uow:
        return list(await uow.targets.for_period(period))
