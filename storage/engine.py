"""Engines and session factories for SQLite (default), PostgreSQL (production) and MySQL/MariaDB (storage.mysql).

SQLite gets ONE connection per process: several writer connections fight over the file lock
(DESIGN.md §2), so concurrent units of work queue for the connection instead. Every SQLite
transaction starts with BEGIN IMMEDIATE, which takes the write lock up front: other processes
wait (busy timeout) rather than fail half-way with "database is locked".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from storage.clean import install_text_guard
from storage.limits import install_length_guard
from storage.models import Base
from storage.mysql import is_mysql, make_mysql_engine
from storage.sqlite_inline import inline_connector
from storage.types import json_dumps

# PostgreSQL session settings. No parallel workers: a bot's statements are short index walks, and where the
# planner misjudges a walk (a list's band of deals without a next step: estimated at 100,000 rows, found 50)
# it starts two workers for it, which costs ~10 ms each time, against well under 1 ms without.
SERVER_SETTINGS = {"max_parallel_workers_per_gather": "0"}


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, pool_timeout: float = 60.0,
                busy_timeout: float = 30.0, idle_in_transaction: float | None = None) -> AsyncEngine:
    """An async engine for `sqlite+aiosqlite:///path`, `postgresql+asyncpg://...` or `mysql+asyncmy://...` URLs.

    `pool_size` applies to PostgreSQL and MySQL only. `pool_timeout` is how long a unit of work waits for a
    connection; `busy_timeout` how long SQLite waits for another process's write lock (seconds).
    `idle_in_transaction` (PostgreSQL, seconds): the server ends a session that sits inside a transaction
    this long without sending anything (a stalled process), so its row locks do not outlive its leases:
    the other processes' sweeps skip locked rows and could otherwise never take them over. MariaDB: the
    same through idle_transaction_timeout.
    """
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(url, echo=echo, pool_timeout=pool_timeout, busy_timeout=busy_timeout)
    elif is_mysql(backend):
        engine = make_mysql_engine(url, echo=echo, pool_size=pool_size, pool_timeout=pool_timeout,
                                   idle_in_transaction=idle_in_transaction, json_serializer=json_dumps)
    else:
        settings = {**SERVER_SETTINGS, **({} if idle_in_transaction is None else {
            "idle_in_transaction_session_timeout": str(max(1, round(idle_in_transaction * 1000)))})}
        engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size,
                                     pool_timeout=pool_timeout, pool_pre_ping=True, json_serializer=json_dumps,
                                     connect_args={"server_settings": settings})
    install_text_guard(engine)  # NUL bytes and lone surrogates never reach the driver (every engine)
    install_length_guard(engine, Base.metadata)  # over-long values: the same DomainError on every engine
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_engine(url: str, *, echo: bool, pool_timeout: float, busy_timeout: float) -> AsyncEngine:
    database = make_url(url).database or ":memory:"
    engine = create_async_engine(
        url, echo=echo, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0,
        pool_timeout=pool_timeout, json_serializer=json_dumps,
        async_creator=inline_connector(database, busy_timeout))
    busy_ms = int(busy_timeout * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={busy_ms}", "synchronous=FULL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"
