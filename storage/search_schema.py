"""Search structures that live beside the ORM models, made by migration 0008 for one engine each:

- SQLite: `customers_fts`, an FTS5 table with the trigram tokenizer over customers.search_text (external
  content: it stores only the index), kept in sync by three triggers on customers; FTS5 adds its shadow
  tables (`customers_fts_data`, `_idx`, `_docsize`, `_config`).
- PostgreSQL: `ix_customers_search_trgm`, a GIN index with pg_trgm's gin_trgm_ops on customers.search_text.
- MySQL/MariaDB: nothing. MariaDB has no n-gram full-text parser (InnoDB FULLTEXT splits on spaces and
  punctuation, so it cannot find 科技 inside 华为科技有限公司), and MySQL's ngram parser has no MariaDB
  counterpart. Substring search there is LIKE '%needle%' over search_text in primary-key order with a
  LIMIT (storage.repositories.customer_search): exact, the same hits as the other engines, no extra index to
  keep, but it reads customers until it has found enough, which at hundreds of thousands of customers
  costs a full scan for a rare needle (exact, prefix and alias lookups still use customer_names' index).

SQLAlchemy cannot describe either in the models (a virtual table; an index of one engine only), so the
comparison of models and migrations (Alembic autogenerate, tests/storage/test_storage_migrations.py) leaves
exactly these names out through `include_object`. Everything else is still compared.

Caution for later migrations: a SQLite batch ALTER of `customers` (copy, drop, rename) drops the triggers;
such a migration must create them again (see rev_0008_search_lists.SQLITE_TRIGGERS).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.mysql import is_mysql

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
    them it may pick the wrong index for lists and search). PostgreSQL's autovacuum would get there later.
    MySQL: ANALYZE TABLE of every table of the models."""
    dialect = connection.get_bind().dialect.name if isinstance(connection, AsyncSession) else connection.dialect.name
    if not is_mysql(dialect):
        await connection.execute(text("ANALYZE"))
        return
    from storage.models import Base

    await connection.execute(text("ANALYZE TABLE " + ", ".join(t.name for t in Base.metadata.sorted_tables)))


def analyze_in_migration(connection: Connection, *tables: str) -> None:
    """ANALYZE for a migration: `tables` (all when none) on SQLite and PostgreSQL; on MySQL only the tables
    named (ANALYZE TABLE needs names; InnoDB keeps persistent statistics of every table by itself)."""
    if not is_mysql(connection.dialect.name):
        connection.execute(text("ANALYZE " + ", ".join(tables) if tables else "ANALYZE"))
    elif tables:
        connection.execute(text("ANALYZE TABLE " + ", ".join(tables)))
