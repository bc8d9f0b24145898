"""Search structures that live beside the ORM models, made by migration 0008 for one engine each:

- SQLite: `customers_fts`, an FTS5 table with the trigram tokenizer over customers.search_text (external
  content: it stores only the index), kept in sync by three triggers on customers; FTS5 adds its shadow
  tables (`customers_fts_data`, `_idx`, `_docsize`, `_config`).
- PostgreSQL: `ix_customers_search_trgm`, a GIN index with pg_trgm's gin_trgm_ops on customers.search_text.

SQLAlchemy cannot describe either in the models (a virtual table; an index of one engine only), so the
comparison of models and migrations (Alembic autogenerate, tests/storage/test_storage_migrations.py) leaves
exactly these names out through `include_object`. Everything else is still compared.

Caution for later migrations: a SQLite batch ALTER of `customers` (copy, drop, rename) drops the triggers;
such a migration must create them again (see rev_0008_search_lists.SQLITE_TRIGGERS).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

FTS_TABLE = "customers_fts"
SQLITE_TABLES = frozenset({FTS_TABLE, *(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))})
SQLITE_TRIGGERS = frozenset({"customers_fts_insert", "customers_fts_delete", "customers_fts_update"})
POSTGRESQL_INDEXES = frozenset({"ix_customers_search_trgm"})
OUTSIDE_MODELS = SQLITE_TABLES | POSTGRESQL_INDEXES


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's include_object hook: skip the database objects above (reflected, with no model)."""
    return not (reflected and compare_to is None and name in OUTSIDE_MODELS)


def model_tables(names: set[str]) -> set[str]:
    """Table names of a database without the search tables (for comparisons with the models)."""
    return names - SQLITE_TABLES


async def analyze(connection: AsyncConnection | AsyncSession) -> None:
    """Refresh the planner's statistics after a bulk load (SQLite keeps none until ANALYZE runs; without
    them it may pick the wrong index for lists and search). PostgreSQL's autovacuum would get there later."""
    await connection.execute(text("ANALYZE"))
