"""Customer search by index (pg_trgm / FTS5 trigram) and composite indexes for deal lists.

- customer_names: every normalized way of writing a customer (full name, short name, aliases), for exact
  and prefix lookups; filled here from the existing customers.
- customers.search_text substring search: SQLite FTS5 trigram table + triggers; PostgreSQL pg_trgm GIN index
  (storage.search_schema explains why they are outside the models).
- opportunities / opportunity_shares: composite indexes for lists by owner, team, sharee and urgency; they
  replace the single-column indexes they start with.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 00:20:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from domain.customer import normalize_name
from storage.search_schema import analyze_in_migration

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_INDEXES = {
    "ix_opportunities_owner_id_stage_next_at": ("opportunities", ["owner_id", "stage", "next_at"]),
    "ix_opportunities_team_id_stage_owner_id": ("opportunities", ["team_id", "stage", "owner_id"]),
    "ix_opportunities_next_at_created_at": ("opportunities", ["next_at", "created_at"]),
    "ix_opportunities_stage_amount_currency_amount": ("opportunities", ["stage", "amount_currency", "amount"]),
    "ix_opportunity_shares_rep_id_opportunity_id": ("opportunity_shares", ["rep_id", "opportunity_id"]),
}
OLD_INDEXES = {
    "ix_opportunities_owner_id": ("opportunities", ["owner_id"]),
    "ix_opportunities_stage": ("opportunities", ["stage"]),
    "ix_opportunity_shares_rep_id": ("opportunity_shares", ["rep_id"]),
}
SQLITE_FTS = ("CREATE VIRTUAL TABLE customers_fts USING fts5(search_text, content='customers', "
              "content_rowid='id', tokenize='trigram case_sensitive 1')")
SQLITE_TRIGGERS = (
    """CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
         INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
         INSERT INTO customers_fts(customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
       END""",
    """CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_text ON customers
         WHEN old.search_text IS NOT new.search_text BEGIN
         INSERT INTO customers_fts(customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
         INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
)
PAGE = 5000


def upgrade() -> None:
    op.create_table(
        "customer_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=255).with_variant(sa.String(length=255, collation="C"), "postgresql"),
                  nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name="fk_customer_names_customer_id_customers"),
        sa.PrimaryKeyConstraint("id", name="pk_customer_names"),
    )
    op.create_index("ix_customer_names_customer_id", "customer_names", ["customer_id"])
    op.create_index("ix_customer_names_key_customer_id", "customer_names", ["key", "customer_id"])
    for name, (table, _columns) in OLD_INDEXES.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in NEW_INDEXES.items():
        op.create_index(name, table, columns)
    _fill_names(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_FTS)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')")
    elif op.get_bind().dialect.name == "postgresql":  # MySQL: LIKE in id order (storage.search_schema)
        # pg_trgm is a trusted extension (PostgreSQL 13+): any role that may CREATE in the database can add it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_customers_search_trgm ON customers USING gin (search_text gin_trgm_ops)")
    analyze_in_migration(op.get_bind())  # SQLite plans with no statistics at all until ANALYZE has run


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("customers_fts_update", "customers_fts_delete", "customers_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS customers_fts")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_customers_search_trgm")  # the extension stays: others may use it
    for name, (table, _columns) in NEW_INDEXES.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in OLD_INDEXES.items():
        op.create_index(name, table, columns)
    op.drop_table("customer_names")


def _fill_names(connection: sa.Connection) -> None:
    """customer_names for the customers already there, a page at a time (keyset paging on id)."""
    customers = sa.table("customers", sa.column("id", sa.Integer()), sa.column("name", sa.String()),
                         sa.column("short_name", sa.String()), sa.column("aliases", sa.JSON()))
    names = sa.table("customer_names", sa.column("customer_id", sa.Integer()), sa.column("kind", sa.String()),
                     sa.column("key", sa.String()))
    last = 0
    while True:
        rows = connection.execute(sa.select(customers).where(customers.c.id > last)
                                  .order_by(customers.c.id).limit(PAGE)).all()
        if not rows:
            return
        values = [{"customer_id": row.id, "kind": kind, "key": key}
                  for row in rows for kind, key in _keys(row.name, row.short_name, row.aliases)]
        if values:
            connection.execute(sa.insert(names), values)
        last = rows[-1].id


def _keys(name: str, short_name: str, aliases: Any) -> list[tuple[str, str]]:
    """(kind, key) pairs, best kind first for a key written twice (as storage.repositories.customer_search)."""
    if isinstance(aliases, str):
        aliases = json.loads(aliases)
    found: dict[str, str] = {}
    for kind, written in [("name", name), ("short", short_name), *(("alias", a) for a in aliases or [])]:
        key = normalize_name(written or "")[:255]
        if key:
            found.setdefault(key, kind)
    return [(kind, key) for key, kind in found.items()]
