"""Alembic environment: migrates the connection storage.migrate hands in, or opens an engine itself."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage import mysql_ddl  # noqa: F401  (Alembic's MySQL dialect as the migrations need it)
from storage.engine import make_engine
from storage.migrate import render_item
from storage.models import Base
from storage.search_schema import include_object

target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        render_item=render_item,
        include_object=include_object,  # search tables and indexes outside the models (storage.search_schema)
    )


def run_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    config = context.config
    given = config.attributes.get("connection")
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or ""
    if context.is_offline_mode():
        run_offline(url)
    elif given is not None:
        run_on(given)
    else:
        asyncio.run(run_with_own_engine(url))


main()
