"""Run the packaged Alembic migrations from code: no alembic.ini needed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from storage.engine import is_sqlite, make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    """Alembic config pointing at storage/migrations; `url` is used when env.py opens its own engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "rev_%%(rev)s_%%(slug)s")
    if url is not None:
        config.attributes["url"] = url
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """`alembic upgrade head` on the database at `url`, in one transaction."""
    await _migrate(url, _upgrade_on, revision)


async def downgrade(url: str, revision: str) -> None:
    """`alembic downgrade <revision>` on the database at `url`, in one transaction."""
    await _migrate(url, _downgrade_on, revision)


async def _migrate(url: str, step: Callable[[Connection, str], None], revision: str) -> None:
    engine = make_engine(url)
    sqlite = is_sqlite(engine)
    if sqlite:
        event.listen(engine.sync_engine, "connect", _foreign_keys_off)
    try:
        async with engine.begin() as connection:
            if step is _upgrade_on and await connection.run_sync(_at, revision):
                return  # nothing to do: no reference check either (seconds on a large SQLite file)
            broken = await connection.run_sync(_broken_references) if sqlite else 0
            await connection.run_sync(step, revision)
            if sqlite and (now := await connection.run_sync(_broken_references)) > broken:
                raise RuntimeError(f"migrating to {revision} broke {now - broken} references; rolled back")
    finally:
        await engine.dispose()


def _at(connection: Connection, revision: str) -> bool:
    """Is the database exactly at `revision` ("head": every head of the scripts)?"""
    current = set(MigrationContext.configure(connection).get_current_heads())
    wanted = {script.revision for script in ScriptDirectory.from_config(alembic_config()).get_revisions(revision)
              if script is not None}
    return bool(wanted) and current == wanted


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    """SQLite migrations copy tables (batch mode): with foreign keys on, dropping the old copy would delete
    or cascade into the rows pointing at it. The pragma only works outside a transaction, hence here."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _broken_references(connection: Connection) -> int:
    return len(connection.exec_driver_sql("PRAGMA foreign_key_check").all())


def upgrade_sync(url: str, revision: str = "head") -> None:
    """`upgrade` for callers without an event loop (CLI)."""
    asyncio.run(upgrade(url, revision))


def autogenerate_revision(url: str, message: str, rev_id: str | None = None) -> None:
    """Write a new revision file from the difference between the models and the database at `url`.

    For developers (no running event loop); always read the generated file before committing it.
    """
    command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Migrations spell out our TypeDecorators as plain SQLAlchemy types, so they never import models."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _upgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)
