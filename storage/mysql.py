"""MySQL / MariaDB (`mysql+asyncmy://user@host/db?charset=utf8mb4`), the third engine beside SQLite and PostgreSQL.

What this module evens out, so that the repositories and migrations stay written once:

- Column types, when compiled for MySQL: every DateTime becomes DATETIME(6) (microseconds, as the other engines
  keep them; the session's time zone is UTC), every unbounded Text MEDIUMTEXT (TEXT holds only 64 KB; a mail
  body can be longer), and every table is created with utf8mb4 and a binary collation, so that names, keys and
  dedupe keys compare exactly (case and accents count) as on SQLite and PostgreSQL "C".
- Sessions: READ COMMITTED (as PostgreSQL: the work queues' SKIP LOCKED claims and short upserts would take
  gap locks and deadlock under REPEATABLE READ), strict SQL mode (a too-long or invalid value is an error, not
  a silent cut), UTC, and optionally `idle_transaction_timeout` (MariaDB) as PostgreSQL's
  idle_in_transaction_session_timeout.
- Upserts: `mysql_insert` gives the `on_conflict_do_nothing` / `on_conflict_do_update` / `excluded` surface of
  the other two dialects' INSERT (storage.repositories.base.dialect_insert), in MySQL's words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import DateTime, Text, event
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.compiler import DDLCompiler, TypeCompiler

DIALECTS = ("mysql", "mariadb")
CHARSET = "utf8mb4"
ISOLATION = "READ COMMITTED"
UNKNOWN_VARIABLE = 1193
SQL_MODE = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"


def is_mysql(dialect_name: str) -> bool:
    return dialect_name in DIALECTS


def collation(is_mariadb: bool) -> str:
    """Binary, without trailing-space padding where the server has it (MariaDB): exact like PostgreSQL "C"."""
    return "utf8mb4_nopad_bin" if is_mariadb else "utf8mb4_bin"


@compiles(DateTime, "mysql")
def _datetime(type_: DateTime, compiler: TypeCompiler, **kw: Any) -> str:
    return "DATETIME(6)"


@compiles(Text, "mysql")
def _text(type_: Text, compiler: TypeCompiler, **kw: Any) -> str:
    return "MEDIUMTEXT" if type_.length is None else f"TEXT({type_.length})"


@compiles(CreateTable, "mysql")
def _create_table(create: CreateTable, compiler: DDLCompiler, **kw: Any) -> str:
    sql: str = compiler.visit_create_table(create, **kw)  # type: ignore[no-untyped-call]
    if "COLLATE" in sql.rsplit(")", 1)[-1]:
        return sql
    is_mariadb = bool(getattr(compiler.dialect, "is_mariadb", False))
    return f"{sql.rstrip()} DEFAULT CHARSET={CHARSET} COLLATE={collation(is_mariadb)}"


def mysql_url(url: str) -> str:
    """The URL with `charset=utf8mb4` (the default utf8 of older servers cannot store emoji or rare CJK)."""
    parsed = make_url(url)
    if parsed.query.get("charset") != CHARSET:
        parsed = parsed.update_query_dict({"charset": CHARSET})
    return parsed.render_as_string(hide_password=False)


def make_mysql_engine(url: str, *, echo: bool, pool_size: int, pool_timeout: float,
                      idle_in_transaction: float | None, json_serializer: Any) -> AsyncEngine:
    """Pooled engine: connections recycled hourly (the server closes idle ones after wait_timeout) and
    pinged before use."""
    engine = create_async_engine(mysql_url(url), echo=echo, pool_size=pool_size, max_overflow=pool_size,
                                 pool_timeout=pool_timeout, pool_pre_ping=True, pool_recycle=3600,
                                 isolation_level=ISOLATION, json_serializer=json_serializer)
    settings = f"SET SESSION time_zone = '+00:00', sql_mode = '{SQL_MODE}'"
    idle = None if idle_in_transaction is None else \
        f"SET SESSION idle_transaction_timeout = {max(1, round(idle_in_transaction))}"

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(settings)
        if idle is not None:
            try:
                cursor.execute(idle)
            except Exception as error:  # MySQL has no such variable (MariaDB only): no limit there
                if UNKNOWN_VARIABLE not in getattr(error, "args", ()):
                    raise
        cursor.close()

    return engine


class MySQLInsert(mysql.Insert):
    """MySQL's INSERT with the ON CONFLICT surface the repositories use on the other engines.

    - `on_conflict_do_nothing()`: INSERT IGNORE. A duplicate of ANY unique key is skipped (on the other
      engines only the named one), and RETURNING yields only the rows inserted, as ON CONFLICT DO NOTHING
      does. IGNORE also turns other errors into warnings, so callers pass complete, valid rows (they do:
      strict mode still applies to what the length guard and the domain let through).
    - `on_conflict_do_update(set_=...)`: ON DUPLICATE KEY UPDATE; `excluded.<column>` is the row that was
      proposed (VALUES(<column>)). MySQL runs the assignments left to right, each seeing the ones before it
      (PostgreSQL and SQLite: all see the old row), so they are kept in the order given: a `set_` that reads
      the old value of a column it also sets lists that read first (storage.repositories.win_data).
    """

    inherit_cache = True

    @property
    def excluded(self) -> Any:
        return self.inserted

    def on_conflict_do_nothing(self, index_elements: Iterable[Any] | None = None, **_: Any) -> MySQLInsert:
        return self.prefix_with("IGNORE")

    def on_conflict_do_update(self, index_elements: Iterable[Any] | None = None, *,
                              set_: Mapping[Any, Any] | None = None, **_: Any) -> MySQLInsert:
        return self.on_duplicate_key_update(list((set_ or {}).items()))


def mysql_insert(table: Any) -> MySQLInsert:
    return MySQLInsert(table)
