"""Record the SQL a piece of code sends to the driver, and replay it on a bare connection: the baseline of
bench/digest.py (digests, risk scans). A replay fetches every row and builds nothing (no ORM, no domain
objects); `keep` commits where the recorded code committed, otherwise everything is rolled back at the end."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import SERVER_SETTINGS

Recorded = tuple[str, Any, bool]  # statement, parameters, executemany; COMMIT marks a commit
COMMIT: Recorded = ("COMMIT", None, False)
READS = ("SELECT", "WITH")
READS_AND_WRITES = (*READS, "INSERT", "UPDATE", "DELETE")


async def recording(engine: AsyncEngine, job: Callable[[], Awaitable[object]],
                    kept: Sequence[str] = READS_AND_WRITES) -> list[Recorded]:
    """Run `job`, keeping each statement of a kind in `kept` (and each commit) as sent to the driver."""
    recorded: list[Recorded] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        recorded.append((statement, parameters, many))

    def commit(conn: Any) -> None:
        recorded.append(COMMIT)

    event.listen(engine.sync_engine, "before_cursor_execute", keep)
    event.listen(engine.sync_engine, "commit", commit)
    try:
        await job()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", keep)
        event.remove(engine.sync_engine, "commit", commit)
    return [r for r in recorded if r is COMMIT or r[0].lstrip().upper().startswith(tuple(kept))]


async def replay(url: str, statements: Sequence[Recorded], keep: bool) -> int:
    """The statements on a bare sqlite3 / asyncpg connection; how many rows came back."""
    if url.startswith("sqlite"):
        return _replay_sqlite(url, statements, keep)
    return await _replay_postgres(url, statements, keep)


def _is_commit(sql: str, params: Any) -> bool:
    return sql == COMMIT[0] and params is None


def _replay_sqlite(url: str, statements: Sequence[Recorded], keep: bool) -> int:
    connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    rows = 0
    try:
        connection.execute("BEGIN")
        for sql, params, many in statements:
            if _is_commit(sql, params):
                if keep:
                    connection.execute("COMMIT")
                    connection.execute("BEGIN")
            elif many:
                connection.executemany(sql, params)
            else:
                rows += len(connection.execute(sql, params or ()).fetchall())
        connection.execute("COMMIT" if keep else "ROLLBACK")
        return rows
    finally:
        connection.close()


async def _replay_postgres(url: str, statements: Sequence[Recorded], keep: bool) -> int:
    """With the session settings the application's connections have (storage.engine.SERVER_SETTINGS: no
    parallel workers): the same SQL planned the same way, so the ratio measures the code, not the planner's
    settings (with parallel workers allowed, the digests' SQL alone runs ~25% faster on 2 cores)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"),
                                       server_settings=SERVER_SETTINGS)
    rows = 0
    try:
        await connection.execute("BEGIN")
        for sql, params, many in statements:
            if _is_commit(sql, params):
                if keep:
                    await connection.execute("COMMIT; BEGIN")
            elif many:
                await connection.executemany(sql, params)
            else:
                rows += len(await connection.fetch(sql, *(params or ())))
        await connection.execute("COMMIT" if keep else "ROLLBACK")
        return rows
    finally:
        await connection.close()
