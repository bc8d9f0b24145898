"""Revision 0007 (plan history, red invoices) downgrades and upgrades again on both engines."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.engine import make_engine
from storage.migrate import alembic_config, upgrade


def _downgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _columns(connection: Connection) -> dict[str, set[str]]:
    found = inspect(connection)
    return {table: {c["name"] for c in found.get_columns(table)} for table in ("payment_milestones", "invoices")}


async def test_revision_0007_downgrades_and_upgrades_again(empty_db_url: str) -> None:
    await upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_on, "0006")
        async with engine.connect() as connection:
            down = await connection.run_sync(_columns)
        await upgrade(empty_db_url)
        async with engine.connect() as connection:
            up = await connection.run_sync(_columns)
    finally:
        await engine.dispose()
    assert not {"plan", "replaced_at"} & down["payment_milestones"] and "reverses_id" not in down["invoices"]
    assert {"plan", "replaced_at"} <= up["payment_milestones"] and "reverses_id" in up["invoices"]
