"""Engine settings: SQLite runs WAL with foreign keys and a single connection; PostgreSQL pools."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from storage_helpers import Factory

from domain.customer import Contact
from storage.engine import is_sqlite, make_engine


async def test_sqlite_uses_wal_foreign_keys_a_busy_timeout_and_one_connection(
        engine: AsyncEngine, db_backend: str) -> None:
    if db_backend != "sqlite":
        assert not is_sqlite(engine)
        assert engine.pool.size() > 1  # type: ignore[attr-defined]
        return
    assert is_sqlite(engine)
    async with engine.connect() as connection:
        pragmas = {name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                   for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000, "synchronous": 2}
    assert engine.pool.size() == 1  # type: ignore[attr-defined]


async def test_foreign_keys_are_enforced(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            await uow.contacts.add(Contact(customer_id=424242, name="孤儿联系人"))


async def test_sqlite_transactions_take_the_write_lock_up_front(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second process waits for the lock instead of failing halfway through."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/lock.db", busy_timeout=0.05)
    other = make_engine(f"sqlite+aiosqlite:///{tmp_path}/lock.db", busy_timeout=0.05)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        async with engine.connect() as holder:
            await holder.execute(text("SELECT count(*) FROM t"))  # a read still holds the write lock
            with pytest.raises(Exception, match="locked"):
                async with other.begin() as connection:
                    await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
        await other.dispose()
