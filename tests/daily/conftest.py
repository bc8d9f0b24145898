"""Every daily-report job test runs on the fake unit of work, SQLite, PostgreSQL and MySQL (`factory`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from domain.ports import UnitOfWork
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.conftest import empty_migrated_url
from tests.fakes import FakeStore

Factory = Callable[[], UnitOfWork]


@pytest.fixture(params=["fake", "sqlite", "postgresql", "mysql"])
async def factory(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Factory]:
    """A unit-of-work factory on an empty store of that kind, just for this test."""
    if request.param == "fake":
        yield FakeStore().uow
        return
    url = empty_migrated_url(request.param, request, tmp_path)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(sessions, worker_id="test-worker")
    await engine.dispose()
