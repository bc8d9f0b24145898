"""SQLite statements of a scheduled job run in a worker thread (the loop stays free); chat's run inline."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from scheduler.runner import Job, run_job
from storage.engine import make_engine
from storage.sqlite_inline import OFF_LOOP, off_loop


async def _threads_of_statements(tmp_path: Path, in_job: bool) -> set[int]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    seen: set[int] = set()

    @event.listens_for(engine.sync_engine, "connect")
    def _register(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("where_am_i", 0, lambda: seen.add(threading.get_ident()) or 1)

    async def statements(_now: datetime) -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT where_am_i()"))

    try:
        if in_job:
            assert await run_job(Job("probe", 60, statements), datetime.now(UTC))
        else:
            await statements(datetime.now(UTC))
    finally:
        await engine.dispose()
    return seen


async def test_a_jobs_statements_run_off_the_event_loop(tmp_path: Path) -> None:
    assert await _threads_of_statements(tmp_path, in_job=True) - {threading.get_ident()}
    assert threading.get_ident() not in await _threads_of_statements(tmp_path, in_job=True)


async def test_a_chat_requests_statements_run_inline(tmp_path: Path) -> None:
    assert await _threads_of_statements(tmp_path, in_job=False) == {threading.get_ident()}


def test_off_loop_is_reset_after_its_block() -> None:
    with off_loop():
        assert OFF_LOOP.get()
    assert not OFF_LOOP.get()
