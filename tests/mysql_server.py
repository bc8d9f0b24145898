"""Test databases on the MySQL/MariaDB server named by DEALBOT_TEST_MYSQL_URL (see tests/conftest.py).

One uniquely named database per test session (CREATE DATABASE dealbot_t_<hex>), migrated once and dropped at
the end; between tests every table is emptied and its AUTO_INCREMENT set back to 1 (`reset`), on one
connection with foreign key checks off, in a single round trip.
"""

from __future__ import annotations

from typing import Any

import asyncmy
from asyncmy.constants import CLIENT
from sqlalchemy.engine import make_url

from storage.models import Base


def _connect_args(url: str, database: str | None) -> dict[str, Any]:
    parsed = make_url(url)
    return {"host": parsed.host or "127.0.0.1", "port": parsed.port or 3306, "user": parsed.username or "root",
            "password": parsed.password or "", "database": database, "charset": "utf8mb4",
            "client_flag": CLIENT.MULTI_STATEMENTS, "autocommit": True, "connect_timeout": 10}


async def execute(url: str, sql: str, *, database: str | None = None) -> list[Any]:
    """Run `sql` (one or several statements) on the server; the rows of the last result set."""
    connection = await asyncmy.connect(**_connect_args(url, database))
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(sql)
            rows: list[Any] = list(await cursor.fetchall() or [])
            while await cursor.nextset():
                rows = list(await cursor.fetchall() or [])
            return rows
    finally:
        connection.close()


def database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def create_sql(name: str) -> str:
    return f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"


def drop_sql(name: str) -> str:
    return f"DROP DATABASE IF EXISTS `{name}`"


def reset_sql(auto_increments: list[str]) -> str:
    """Empty every table; AUTO_INCREMENT back to 1 on `auto_increments` (tables that have handed out ids).

    DELETE, not TRUNCATE: TRUNCATE drops and re-creates each table (measured here: ~0.35 s for all of them,
    against a few ms for DELETE of the few rows a test writes). deal_totals last: deleting deals runs its
    triggers (storage.deal_totals)."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    deletes = "".join(f"DELETE FROM `{name}`;" for name in tables)
    restarts = "".join(f"ALTER TABLE `{name}` AUTO_INCREMENT = 1;" for name in auto_increments)
    return f"SET FOREIGN_KEY_CHECKS = 0;{deletes}DELETE FROM deal_totals;SET FOREIGN_KEY_CHECKS = 1;{restarts}"


def used_auto_increments_sql(name: str) -> str:
    return ("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
            f"'{name}' AND AUTO_INCREMENT > 1")
