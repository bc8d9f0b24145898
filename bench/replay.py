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


def pg_dsn(url: str) -> str:
    """An application URL (postgresql+asyncpg://…) as asyncpg's DSN."""
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def replay(url: str, statements: Sequence[Recorded], keep: bool) -> int:
    """The statements on a bare sqlite3 / asyncpg connection; how many rows came back."""
    bare = _Sqlite(url) if url.startswith("sqlite") else await _Postgres.open(url)
    rows = 0
    try:
        await bare.run("BEGIN")
        for sql, params, many in statements:
            if sql == COMMIT[0] and params is None:
                if keep:
                    await bare.run("COMMIT")
                    await bare.run("BEGIN")
            else:
                rows += await bare.run(sql, params, many)
        await bare.run("COMMIT" if keep else "ROLLBACK")
        return rows
    finally:
        await bare.close()


class _Sqlite:
    def __init__(self, url: str) -> None:
        self.connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)

    async def run(self, sql: str, params: Any = None, many: bool = False) -> int:
        if many:
            self.connection.executemany(sql, params)
            return 0
        return len(self.connection.execute(sql, params or ()).fetchall())

    async def close(self) -> None:
        self.connection.close()


class _Postgres:
    """With the session settings the application's connections have (storage.engine.SERVER_SETTINGS: no
    parallel workers): the same SQL planned the same way, so the ratio measures the code, not the planner's
    settings (with parallel workers allowed, the digests' SQL alone runs ~25% faster on 2 cores)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    @classmethod
    async def open(cls, url: str) -> _Postgres:
        return cls(await asyncpg.connect(pg_dsn(url), server_settings=SERVER_SETTINGS))

    async def run(self, sql: str, params: Any = None, many: bool = False) -> int:
        if many:
            await self.connection.executemany(sql, params)
            return 0
        return len(await self.connection.fetch(sql, *(params or ())))

    async def close(self) -> None:
        await self.connection.close()
