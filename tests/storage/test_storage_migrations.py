"""The packaged Alembic migrations build exactly the schema of the models, on both engines."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from setuptools import find_packages
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine

from storage.engine import make_engine
from storage.migrate import MIGRATIONS_DIR, upgrade
from storage.models import Base
from storage.search_schema import include_object, model_tables


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_on_an_empty_database_matches_the_models(empty_db_url: str) -> None:
    await upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(_diff)
            tables = model_tables(set(await connection.run_sync(lambda sync: inspect(sync).get_table_names())))
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    finally:
        await engine.dispose()
    assert diff == []
    assert tables == {*Base.metadata.tables, "alembic_version"}
    assert version == "0027"


async def test_upgrading_twice_changes_nothing(empty_db_url: str) -> None:
    await upgrade(empty_db_url)
    await upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_a_database_already_at_head_is_not_checked_again(empty_db_url: str) -> None:
    """`serve` upgrades at every start: at head it returns at once (the reference check of a 1.5 GB SQLite file
    took ~10 s), and an older database is still upgraded and checked."""
    await upgrade(empty_db_url, "0010")
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.append(sql)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        await upgrade(empty_db_url)
        upgraded = list(seen)
        seen.clear()
        await upgrade(empty_db_url)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    sqlite = empty_db_url.startswith("sqlite")
    assert any("foreign_key_check" in sql for sql in upgraded) == sqlite  # 0010 -> 0011: checked (SQLite)
    assert any("CREATE INDEX" in sql for sql in upgraded)
    assert not any("foreign_key_check" in sql or "CREATE" in sql or "DROP" in sql for sql in seen), seen
    engine = make_engine(empty_db_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar() == "0027"
    finally:
        await engine.dispose()


def test_migrations_ship_as_package_data() -> None:
    packages = find_packages(where=str(MIGRATIONS_DIR.parents[1]), include=["storage*"])
    assert {"storage.models", "storage.repositories", "storage.migrations",
            "storage.migrations.versions"} <= set(packages)
    assert (MIGRATIONS_DIR / "env.py").is_file() and (MIGRATIONS_DIR / "script.py.mako").is_file()
