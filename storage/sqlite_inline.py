"""An aiosqlite-compatible connection that runs sqlite3 calls inline, on the event loop's thread.

aiosqlite hands every call to a worker thread and back: measured here, ~250 µs per statement against
~17 µs for sqlite3 itself, which made that hand-off the largest cost of a request. SQLite is a local
file, so a statement takes microseconds and needs no thread. SQLAlchemy's aiosqlite dialect accepts
any connection with aiosqlite's coroutine API through `async_creator`; this module provides one.

Two calls can wait on something other than the CPU, and go to a worker thread instead: `BEGIN IMMEDIATE`
(it waits for SQLite's write lock while another connection writes: the inbox's group commit, another
process, a CLI import) and `COMMIT` (an fsync of the write-ahead log, milliseconds to tens of milliseconds on
a busy disk). The loop answers other requests meanwhile; the session is awaiting, so nothing else uses the
connection until the call returns.

Scheduled jobs (digests, risk scans, daily reports) run aggregates over the whole company: at a million
deals one statement can take tens or hundreds of milliseconds. Code that runs them sets `OFF_LOOP`
(`off_loop()`, scheduler.runner does it for every job): then every call of that task goes to a worker
thread, and the loop keeps answering chat and /healthz while the statement runs.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
OFF_LOOP: ContextVar[bool] = ContextVar("sqlite_off_loop", default=False)


@contextmanager
def off_loop() -> Iterator[None]:
    """Within this block (this task and the tasks it starts), SQLite calls run in a worker thread."""
    token = OFF_LOOP.set(True)
    try:
        yield
    finally:
        OFF_LOOP.reset(token)


async def _call(function: Callable[..., T], *args: Any, always: bool = False) -> T:
    """`function(*args)` inline, or in a worker thread when `always` or the task asked for OFF_LOOP."""
    if always or OFF_LOOP.get():
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)
    return function(*args)


class _Immediately:
    """Stands in for aiosqlite's request queue (SQLAlchemy's isolation_level setter uses it)."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        # BEGIN may wait for the write lock (busy timeout): always off the loop
        await _call(self._cursor.execute, sql, parameters, always=sql.startswith("BEGIN"))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        await _call(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return await _call(self._cursor.fetchone)

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return await _call(self._cursor.fetchmany, size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return await _call(self._cursor.fetchall)

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """The parts of aiosqlite.Connection that SQLAlchemy's adapter uses."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._tx = _Immediately()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        connection = self._conn
        if connection.in_transaction:  # an fsync: off the loop
            await _call(connection.commit, always=True)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def inline_connector(path: str, timeout: float) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine: a fresh InlineConnection to `path`."""

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(path, timeout=timeout, check_same_thread=False))

    return connect
