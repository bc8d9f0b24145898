"""Shared fixtures: real databases on SQLite, PostgreSQL and MySQL/MariaDB (DESIGN.md §4).

- `db_backend`: "sqlite" | "postgresql" | "mysql" (every test using the fixtures below runs on each).
- `db_url`: a migrated database with empty tables, fresh for each test.
  SQLite: a copy of a migrated template file in tmp_path. PostgreSQL: one uniquely named database
  per test session (CREATE DATABASE dealbot_t_<random> on the server in DEALBOT_TEST_PG_URL,
  dropped at the end), truncated before each test. MySQL: the same on the server in DEALBOT_TEST_MYSQL_URL
  (tests/mysql_server.py), its tables emptied before each test.
- `empty_db_url`: a database with no tables at all (migration tests).
- `engine`, `session_factory`, `uow_factory`: async plumbing on `db_url`.

DEALBOT_TEST_PG_URL / DEALBOT_TEST_MYSQL_URL unset -> the postgresql / mysql variants are skipped with a
reason. Set but the server is unreachable -> they fail.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Base
from storage.uow import SqlAlchemyUnitOfWork
from tests import mysql_server

PG_URL_ENV = "DEALBOT_TEST_PG_URL"
MYSQL_URL_ENV = "DEALBOT_TEST_MYSQL_URL"
BACKENDS = ["sqlite", "postgresql", "mysql"]
T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own loop in a worker thread (works inside a running test loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def asyncpg_dsn(url: str, database: str | None = None) -> str:
    """The asyncpg DSN for a SQLAlchemy URL, optionally for another database on the same server."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _execute(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@dataclass(frozen=True)
class Server:
    """How the tests talk to one database server: its variable, how to run SQL there, how to name databases."""

    env: str
    label: str
    example: str
    execute: Callable[[str, str], Coroutine[Any, Any, Any]]  # (server URL, SQL)
    create_sql: Callable[[str], str]
    drop_sql: Callable[[str], str]


POSTGRESQL = Server(PG_URL_ENV, "PostgreSQL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
                    lambda url, sql: _execute(asyncpg_dsn(url), sql), lambda name: f'CREATE DATABASE "{name}"',
                    lambda name: f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
MYSQL = Server(MYSQL_URL_ENV, "MySQL/MariaDB", "mysql+asyncmy://root@127.0.0.1:3306/test", mysql_server.execute,
               mysql_server.create_sql, mysql_server.drop_sql)


class ServerDatabases:
    """Creates uniquely named databases (dealbot_t_<hex>) on a test server; drops each at the end."""

    def __init__(self, server: Server, server_url: str) -> None:
        self.server = server
        self.server_url = server_url
        self.names: list[str] = []

    def url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def create(self) -> str:
        name = f"dealbot_t_{secrets.token_hex(6)}"
        run_async(lambda: self.server.execute(self.server_url, self.server.create_sql(name)))
        self.names.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name in self.names:
            self.names.remove(name)
            sql = self.server.drop_sql(name)
            run_async(lambda: self.server.execute(self.server_url, sql))

    def drop_all(self) -> None:
        for name in list(self.names):
            self.drop(self.url(name))


def server_databases(server: Server) -> Iterator[ServerDatabases]:
    """The server's databases; skipped with a reason when its variable is unset, failed when it is unreachable."""
    server_url = os.environ.get(server.env)
    if not server_url:
        pytest.skip(f"{server.env} not set, {server.label} variant skipped (e.g. {server.example})")
    try:
        run_async(lambda: server.execute(server_url, "SELECT 1"))
    except Exception as exc:
        pytest.fail(f"{server.env} is set but {server.label} is unreachable: {exc!r}", pytrace=False)
    databases = ServerDatabases(server, server_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[ServerDatabases]:
    yield from server_databases(POSTGRESQL)


def migrated(databases: ServerDatabases) -> str:
    """A new database on that server, migrated to head."""
    url = databases.create()
    run_async(lambda: upgrade(url))
    return url


@pytest.fixture(scope="session")
def pg_migrated_url(pg_databases: ServerDatabases) -> str:
    return migrated(pg_databases)


@pytest.fixture(scope="session")
def mysql_databases() -> Iterator[ServerDatabases]:
    yield from server_databases(MYSQL)


@pytest.fixture(scope="session")
def mysql_migrated_url(mysql_databases: ServerDatabases) -> str:
    return migrated(mysql_databases)


class MySQLTurns:
    """Two migrated databases used in turn by `db_url`: while a test runs on one, the other is emptied in
    a background thread. MySQL's AUTO_INCREMENT reset is DDL (~10-30 ms a table, mostly waiting on the disk),
    so emptying after a test that wrote a dozen tables costs a few hundred ms; in turns it is hidden behind
    the next test."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.turn = 0
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.emptying: dict[str, Any] = {}

    def take(self) -> str:
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        emptying = self.emptying.pop(url, None)
        if emptying is None:
            empty_mysql_tables(url)
        else:
            emptying.result()
        return url

    def give_back(self, url: str) -> None:
        self.emptying[url] = self.pool.submit(empty_mysql_tables, url)

    def close(self) -> None:
        for emptying in self.emptying.values():
            emptying.result()
        self.pool.shutdown()


@pytest.fixture(scope="session")
def mysql_turns(mysql_databases: ServerDatabases, mysql_migrated_url: str) -> Iterator[MySQLTurns]:
    turns = MySQLTurns([mysql_migrated_url, migrated(mysql_databases)])
    yield turns
    turns.close()


def empty_mysql_tables(url: str) -> None:
    """Every table of the test database at `url` emptied, ids starting at 1 again."""
    name = make_url(url).database or ""
    server = mysql_server.database_url(url, name)

    async def reset() -> None:
        used = [row[0] for row in await mysql_server.execute(server, mysql_server.used_auto_increments_sql(name))]
        await mysql_server.execute(server, mysql_server.reset_sql(used), database=name)
    run_async(reset)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "dealbot.db"
    run_async(lambda: upgrade(sqlite_url(path)))
    return path


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
def db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with empty tables, just for this test."""
    if db_backend != "mysql":
        yield empty_migrated_url(db_backend, request, tmp_path)
        return
    turns: MySQLTurns = request.getfixturevalue("mysql_turns")
    url = turns.take()
    yield url
    turns.give_back(url)


def empty_migrated_url(db_backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """A migrated database of `db_backend` with empty tables (SQLite: a new file in `folder`)."""
    if db_backend == "sqlite":
        path = folder / "dealbot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return sqlite_url(path)
    if db_backend == "mysql":  # one of db_url's turns (never given back: the next to take it empties it first)
        turns: MySQLTurns = request.getfixturevalue("mysql_turns")
        return turns.take()
    url: str = request.getfixturevalue("pg_migrated_url")
    run_async(lambda: _execute(asyncpg_dsn(url), _empty_tables_sql()))
    return url


def _empty_tables_sql() -> str:
    """Delete every row and restart the ids at 1 (much faster than TRUNCATE on small tables)."""
    tables = Base.metadata.sorted_tables
    # deal_totals last: deleting deals runs its triggers (storage.deal_totals)
    deletes = [f'DELETE FROM "{table.name}";' for table in reversed(tables)] + ["DELETE FROM deal_totals;"]
    restarts = [f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), 1, false);"
                for table in tables if "id" in table.c]
    return "".join(deletes + restarts)


@pytest.fixture
def empty_db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any tables."""
    if db_backend == "sqlite":
        yield sqlite_url(tmp_path / "empty.db")
        return
    databases: ServerDatabases = request.getfixturevalue(
        "mysql_databases" if db_backend == "mysql" else "pg_databases")
    url = databases.create()
    yield url
    databases.drop(url)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def uow_factory(session_factory: async_sessionmaker[AsyncSession]) -> Callable[[], SqlAlchemyUnitOfWork]:
    """A fresh SqlAlchemyUnitOfWork per call, on this test's migrated database."""
    return lambda: SqlAlchemyUnitOfWork(session_factory, worker_id="test-worker")
