"""Bulk writes for large loads (`dealbot demo --deals N`): rows go straight to the driver, not the ORM.

PostgreSQL: COPY through asyncpg's `copy_records_to_table`. SQLite: `executemany` in one large
transaction on a plain sqlite3 connection. MySQL/MariaDB: `executemany` on one asyncmy connection (it sends
multi-row INSERTs), in one transaction. Both take rows as tuples of plain Python values (aware UTC
datetimes, Decimals, lists for JSON columns); each writer converts them the way the ORM would store
them (storage.types), so the normal repositories read the rows back unchanged.

Rows carry their ids. `finish` moves every id generator past the largest id written: PostgreSQL
sequences by `setval`, SQLite's AUTOINCREMENT counters in `sqlite_sequence` (MySQL moves AUTO_INCREMENT past
explicit ids by itself), so the next ordinary insert gets a fresh id.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Boolean
from sqlalchemy.engine import make_url

from storage import deal_totals
from storage.models import Base
from storage.mysql import SQL_MODE, is_mysql
from storage.types import ExactDecimal, UTCDateTime, json_dumps

Row = tuple[Any, ...]
Convert = Callable[[Any], Any]


class BulkWriter(Protocol):
    async def max_id(self, table: str) -> int: ...

    async def setting(self, key: str) -> Any: ...

    async def console_ids(self) -> set[str]: ...

    async def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None: ...

    async def finish(self, tables: Sequence[str], settings: dict[str, Any]) -> None:
        """Advance the id generators of `tables`, store `settings` and commit everything."""
        ...

    async def close(self) -> None: ...


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _converters(table: str, columns: Sequence[str], engine: str) -> list[tuple[int, Convert]]:
    """(position, converter) for the columns whose Python value is not what the driver takes."""
    found: list[tuple[int, Convert]] = []
    for position, name in enumerate(columns):
        kind = Base.metadata.tables[table].columns[name].type
        convert: Convert | None = None
        if isinstance(kind, JSON):
            convert = json_dumps
        elif engine == "sqlite" and isinstance(kind, UTCDateTime):
            convert = _sqlite_time
        elif engine == "mysql" and isinstance(kind, UTCDateTime):
            convert = _naive_utc
        elif engine == "sqlite" and isinstance(kind, ExactDecimal):
            convert = float
        elif engine == "sqlite" and isinstance(kind, Boolean):
            convert = int
        if convert is not None:
            found.append((position, convert))
    return found


def _converted(rows: Sequence[Row], converters: list[tuple[int, Convert]]) -> list[Row]:
    if not converters:
        return list(rows)
    out = []
    for row in rows:
        values = list(row)
        for position, convert in converters:
            if values[position] is not None:
                values[position] = convert(values[position])
        out.append(tuple(values))
    return out


class SqliteBulkWriter:
    """One transaction on a plain sqlite3 connection (foreign keys are not re-checked row by row)."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, timeout=60)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("BEGIN IMMEDIATE")

    async def max_id(self, table: str) -> int:
        return int(self._db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    async def setting(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None or row[0] is None else json.loads(row[0])

    async def console_ids(self) -> set[str]:
        rows = self._db.execute("SELECT external_id FROM identities WHERE channel = 'console'")
        return {r[0] for r in rows}

    async def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self._db.executemany(sql, _converted(rows, _converters(table, columns, "sqlite")))
        await asyncio.sleep(0)

    async def finish(self, tables: Sequence[str], settings: dict[str, Any]) -> None:
        for table in tables:  # SQLite moves the counter itself past explicit ids; make sure anyway
            top = await self.max_id(table)
            self._db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (top, table))
        for key, value in settings.items():
            self._db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json_dumps(value)))
        self._db.execute("COMMIT")
        self._db.execute("ANALYZE")

    async def close(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._db.close()


class PostgresBulkWriter:
    """COPY into each table inside one transaction on one asyncpg connection."""

    def __init__(self, connection: Any, transaction: Any) -> None:
        self._db = connection
        self._tx = transaction

    @classmethod
    async def connect(cls, url: str) -> PostgresBulkWriter:
        import asyncpg

        parsed = make_url(url)
        connection = await asyncpg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
            database=parsed.database)
        transaction = connection.transaction()
        await transaction.start()
        return cls(connection, transaction)

    async def max_id(self, table: str) -> int:
        return int(await self._db.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}"))

    async def setting(self, key: str) -> Any:
        value = await self._db.fetchval("SELECT value::text FROM settings WHERE key = $1", key)
        return None if value is None else json.loads(value)

    async def console_ids(self) -> set[str]:
        rows = await self._db.fetch("SELECT external_id FROM identities WHERE channel = 'console'")
        return {r[0] for r in rows}

    async def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        records = _converted(rows, _converters(table, columns, "postgresql"))
        await self._db.copy_records_to_table(table, records=records, columns=list(columns))

    async def finish(self, tables: Sequence[str], settings: dict[str, Any]) -> None:
        for table in tables:
            await self._db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"greatest((SELECT coalesce(max(id), 0) FROM {table}), 1), "
                f"(SELECT count(*) > 0 FROM {table}))")
        for key, value in settings.items():
            await self._db.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2::json) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, json_dumps(value))
        await self._tx.commit()
        self._tx = None
        for table in tables:
            await self._db.execute(f"ANALYZE {table}")
        await self._db.execute(deal_totals.VACUUM_FULL)  # a dead summary row version per loaded deal

    async def close(self) -> None:
        if self._tx is not None:
            await self._tx.rollback()
        await self._db.close()


class MySQLBulkWriter:
    """Multi-row INSERTs inside one transaction on one asyncmy connection (session as storage.mysql sets it)."""

    def __init__(self, connection: Any) -> None:
        self._db = connection
        self._open = True

    @classmethod
    async def connect(cls, url: str) -> MySQLBulkWriter:
        import asyncmy

        parsed = make_url(url)
        connection = await asyncmy.connect(
            host=parsed.host or "127.0.0.1", port=parsed.port or 3306, user=parsed.username or "root",
            password=parsed.password or "", database=parsed.database, charset="utf8mb4", autocommit=False)
        async with connection.cursor() as cursor:
            await cursor.execute(f"SET SESSION time_zone = '+00:00', sql_mode = '{SQL_MODE}'")
            await cursor.execute("START TRANSACTION")
        return cls(connection)

    async def _rows(self, sql: str, *args: Any) -> list[Any]:
        async with self._db.cursor() as cursor:
            await cursor.execute(sql, args or None)
            return list(await cursor.fetchall() or [])

    async def max_id(self, table: str) -> int:
        return int((await self._rows(f"SELECT coalesce(max(id), 0) FROM {table}"))[0][0])

    async def setting(self, key: str) -> Any:
        rows = await self._rows("SELECT value FROM settings WHERE `key` = %s", key)
        return None if not rows or rows[0][0] is None else json.loads(rows[0][0])

    async def console_ids(self) -> set[str]:
        return {r[0] for r in await self._rows("SELECT external_id FROM identities WHERE channel = 'console'")}

    async def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        marks = ", ".join("%s" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(f'`{c}`' for c in columns)}) VALUES ({marks})"
        async with self._db.cursor() as cursor:
            await cursor.executemany(sql, _converted(rows, _converters(table, columns, "mysql")))

    async def finish(self, tables: Sequence[str], settings: dict[str, Any]) -> None:
        async with self._db.cursor() as cursor:
            for key, value in settings.items():
                await cursor.execute("INSERT INTO settings (`key`, value) VALUES (%s, %s) "
                                     "ON DUPLICATE KEY UPDATE value = VALUES(value)", (key, json_dumps(value)))
        await self._db.commit()
        self._open = False
        if tables:
            await self._rows("ANALYZE TABLE " + ", ".join(tables))

    async def close(self) -> None:
        if self._open:
            await self._db.rollback()
        self._db.close()


async def open_bulk_writer(url: str) -> BulkWriter:
    """A writer for a `sqlite+aiosqlite:///path`, `postgresql+asyncpg://...` or `mysql+asyncmy://...` URL
    (migrated already)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SqliteBulkWriter(parsed.database or ":memory:")
    if is_mysql(parsed.get_backend_name()):
        return await MySQLBulkWriter.connect(url)
    return await PostgresBulkWriter.connect(url)
