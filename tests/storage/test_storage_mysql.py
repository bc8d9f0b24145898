"""What storage.mysql sets on MySQL/MariaDB, read back from the server: session settings, the column types
and collations the migrations created, and exact (case- and accent-sensitive) comparisons of names."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from storage_helpers import Factory

from domain.customer import Customer
from storage.engine import make_engine
from storage.mysql import mysql_url


@pytest.fixture
def db_backend() -> str:
    """MySQL only: the settings below do not exist on the other engines."""
    return "mysql"


async def test_sessions_read_committed_strict_utc_utf8mb4_and_a_stalled_transaction_limit(db_url: str) -> None:
    engine = make_engine(db_url, idle_in_transaction=7.0)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(text(
                "SELECT @@session.tx_isolation, @@session.time_zone, @@session.sql_mode, "
                "@@session.character_set_client, @@session.idle_transaction_timeout"))).one()
    finally:
        await engine.dispose()
    isolation, zone, mode, charset, idle = row
    assert (isolation, zone, charset, int(idle)) == ("READ-COMMITTED", "+00:00", "utf8mb4", 7)
    assert "STRICT_TRANS_TABLES" in mode
    assert engine.pool.size() > 1  # type: ignore[attr-defined]


def test_the_url_gets_utf8mb4_when_it_names_no_or_another_charset() -> None:
    assert mysql_url("mysql+asyncmy://u:p@db/x") == "mysql+asyncmy://u:p@db/x?charset=utf8mb4"
    assert mysql_url("mysql+asyncmy://u@db/x?charset=utf8") == "mysql+asyncmy://u@db/x?charset=utf8mb4"


async def test_tables_are_utf8mb4_binary_with_microsecond_datetimes_and_medium_text(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        collations = set((await connection.execute(text(
            "SELECT DISTINCT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        ))).scalars())
        columns = dict((await connection.execute(text(
            "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'inbox'"))).all())
    assert collations in ({"utf8mb4_nopad_bin"}, {"utf8mb4_bin"})
    assert columns["received_at"] == "datetime(6)" and columns["text"] == "mediumtext"


async def test_names_compare_exactly_as_on_the_other_engines(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        for name in ("Acme", "ACME", "Açme"):
            await uow.customers.add(Customer(name))
        await uow.commit()
    async with uow_factory() as uow:
        found = (await uow.session.execute(text("SELECT name FROM customers WHERE name = 'Acme'"))).scalars().all()
        ordered = (await uow.session.execute(text("SELECT name FROM customers ORDER BY name"))).scalars().all()
    assert found == ["Acme"]
    assert ordered == sorted(["Acme", "ACME", "Açme"])  # code point order, as Python sorts
