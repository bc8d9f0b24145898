"""Every daily-report job test runs on the fake unit of work, SQLite and PostgreSQL (`factory`)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from domain.ports import UnitOfWork
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.conftest import _empty_tables_sql, _execute, asyncpg_dsn, run_async, sqlite_url
from tests.fakes import FakeStore

Factory = Callable[[], UnitOfWork]


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
async def factory(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Factory]:
    """A unit-of-work factory on an empty store of that kind, just for this test."""
    if request.param == "fake":
        yield FakeStore().uow
        return
    if request.param == "sqlite":
        path = tmp_path / "dealbot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = sqlite_url(path)
    else:
        url = request.getfixturevalue("pg_migrated_url")
        run_async(lambda: _execute(asyncpg_dsn(url), _empty_tables_sql()))
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(sessions, worker_id="test-worker")
    await engine.dispose()
