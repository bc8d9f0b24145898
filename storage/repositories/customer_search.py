"""Customer search by index on both engines (ranking: domain.customer_names).

- Full name, short name, alias and prefix: the customer_names table, one row per normalized way of writing
  a customer, searched by key (equality) and by key range (prefix; byte order on both engines).
- Substring (3+ characters): SQLite FTS5 trigram table customers_fts; PostgreSQL LIKE on customers.search_text
  served by the pg_trgm GIN index (storage.search_schema). Both read the same case-folded search_text, and
  FTS5 is created case-sensitive over it, so both find exactly what LIKE '%needle%' finds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customer import Customer, normalize_name
from domain.customer_names import PREFIX, SUBSTRING, exact_tier, name_keys, substring_needle
from storage.clean import clean_text
from storage.models import CustomerNameRow, CustomerRow
from storage.repositories.base import like_pattern, statement, table_of

NAMES = table_of(CustomerNameRow)
CUSTOMERS = table_of(CustomerRow)
HIGHEST = "\U0010ffff"  # sorts after every character: key < prefix + HIGHEST bounds a prefix range


async def write_names(session: AsyncSession, customer: Customer, *, created: bool) -> None:
    """Bring the customer's rows in customer_names in line with its name, short name and aliases."""
    assert customer.id is not None
    wanted = sorted(name_keys(customer))
    if not created:
        stmt = statement(__name__, "names_of", lambda: select(NAMES.c.kind, NAMES.c.key).where(
            NAMES.c.customer_id == bindparam("customer")))
        have = sorted((row.kind, row.key) for row in await session.execute(stmt, {"customer": customer.id}))
        if have == wanted:
            return
        await session.execute(delete(NAMES).where(NAMES.c.customer_id == customer.id))
    if wanted:
        await session.execute(insert(NAMES), [{"customer_id": customer.id, "kind": kind, "key": key}
                                              for kind, key in wanted])


def name_rows(customer_id: int, customer: Customer) -> list[dict[str, Any]]:
    """customer_names rows for a bulk load (insert them with the customers; search relies on them)."""
    return [{"customer_id": customer_id, "kind": kind, "key": key} for kind, key in name_keys(customer)]


async def ranked_ids(session: AsyncSession, written: str, limit: int) -> list[int]:
    """Ids of the customers matching `written`, best first (at most `limit`)."""
    ranked: dict[int, int] = {}
    written = clean_text(written)  # the substring pattern is written into the SQL text: no NUL bytes there
    key = normalize_name(written)
    if key:
        exact = statement(__name__, "exact", lambda: select(NAMES.c.customer_id, NAMES.c.kind).where(
            NAMES.c.key == bindparam("key")))
        found = sorted((exact_tier(row.kind), row.customer_id) for row in await session.execute(exact, {"key": key}))
        for tier, customer_id in found:
            ranked.setdefault(customer_id, tier)
        if len(ranked) < limit:
            for customer_id in await _prefixed(session, key, limit * 3):
                ranked.setdefault(customer_id, PREFIX)
    needle = substring_needle(written)
    if needle and len(ranked) < limit:
        for customer_id in await _containing(session, needle, limit + len(ranked)):
            ranked.setdefault(customer_id, SUBSTRING)
    return list(ranked)[:limit]  # dicts keep insertion order: tiers were added best first


async def _prefixed(session: AsyncSession, key: str, limit: int) -> list[int]:
    """Customers with a key that starts with `key` (and is longer), by that key, then id."""
    stmt = statement(__name__, "prefix", lambda: select(NAMES.c.customer_id).where(
        NAMES.c.key > bindparam("key"), NAMES.c.key < bindparam("upper"))
        .order_by(NAMES.c.key, NAMES.c.customer_id).limit(bindparam("limit")))
    result = await session.execute(stmt, {"key": key, "upper": key + HIGHEST, "limit": limit})
    return list(dict.fromkeys(result.scalars()))


async def _containing(session: AsyncSession, needle: str, limit: int) -> list[int]:
    """Customers whose search_text contains `needle` (3+ characters), by id."""
    if session.get_bind().dialect.name == "sqlite":
        stmt = statement(__name__, "fts", lambda: text(
            "SELECT rowid FROM customers_fts WHERE customers_fts MATCH :phrase ORDER BY rowid LIMIT :limit"))
        phrase = '"' + needle.replace('"', '""') + '"'
        result = await session.execute(stmt, {"phrase": phrase, "limit": limit})
    else:
        # Pattern and limit go into the SQL text (escaped by SQLAlchemy): with bound values PostgreSQL switches to
        # a generic plan after five runs, which cannot know the pattern is selective and walks the whole table.
        like = statement(__name__, "like", lambda: select(CUSTOMERS.c.id).where(
            CUSTOMERS.c.search_text.like(bindparam("pattern", literal_execute=True), escape="\\"))
            .order_by(CUSTOMERS.c.id).limit(bindparam("limit", type_=Integer(), literal_execute=True)))
        result = await session.execute(like, {"pattern": like_pattern(needle), "limit": limit})
    return [int(customer_id) for customer_id in result.scalars()]
