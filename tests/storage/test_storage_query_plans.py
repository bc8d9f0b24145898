"""Lists and customer search use their indexes on every engine (EXPLAIN of the statements the repositories
run, captured as they run). A few thousand rows and fresh statistics (ANALYZE) are enough for the planner;
on PostgreSQL sequential scans are also switched off for the EXPLAIN, the usual way to ask whether an index
*can* serve a query on a table this small; on MySQL/MariaDB max_seeks_for_key = 1 does the same. Its EXPLAIN
rows become one line per table read ("<table> <access type> key=<index> <extra>"; ALL: a whole-table scan)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from storage_helpers import Factory

from bench.lists_data import Size, load_company
from domain.listing import ViewScope
from domain.opportunity import OPEN_STAGES
from storage.search_schema import analyze
from storage.uow import SqlAlchemyUnitOfWork

Captured = list[tuple[str, Any]]


@contextmanager
def captured(engine: AsyncEngine) -> Iterator[Captured]:
    """The SELECT statements (SQL text, driver parameters) run on `engine` inside the block."""
    seen: Captured = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, _many: bool) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((sql, params))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _plan(session: AsyncSession, sql: str, params: Any, walks: bool = True) -> str:
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in rows)
    if connection.dialect.name == "mysql":  # index lookups assumed cheap: MySQL's way to prefer indexes to scans
        await connection.exec_driver_sql("SET SESSION max_seeks_for_key = 1")
        rows = (await connection.exec_driver_sql(f"EXPLAIN {sql}", params)).all()
        await connection.exec_driver_sql("SET SESSION max_seeks_for_key = DEFAULT")
        return "\n".join(f"{row.table} {row.type} key={row.key} {row.Extra or ''}" for row in rows)
    await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    if not walks:  # nor walk the primary key, filtering as it goes (cheapest on a table this small)
        await connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    rows = await connection.exec_driver_sql(f"EXPLAIN {sql}", params)
    return "\n".join(str(row[0]) for row in rows)


@pytest.fixture
async def company(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        await load_company(uow.session, Size(deals=4000, people=40, groups=8))  # 100 deals a rep, 5 reps a team
        await uow.commit()
    async with uow_factory() as uow:
        await analyze(uow.session)
        await uow.commit()


async def _plans(engine: AsyncEngine, uow: SqlAlchemyUnitOfWork, call: Callable[[], Any],
                 walks: bool = True) -> str:
    """The plans of the SELECTs that `call` runs, explained on the same connection (SQLite has one)."""
    with captured(engine) as seen:
        await call()
    assert seen
    return "\n".join([await _plan(uow.session, sql, params, walks) for sql, params in seen])


def _scans_whole(plan: str, table: str) -> bool:
    """A full table scan of `table` (SQLite: SCAN without an index; PostgreSQL: Seq Scan; MySQL: ALL)."""
    lines = plan.splitlines()
    return any(line.strip().endswith(f"SCAN {table}") or f"Seq Scan on {table} " in line + " "
               or line.startswith(f"{table} ALL ") for line in lines)


async def test_deal_lists_and_totals_use_the_composite_indexes(
        engine: AsyncEngine, uow_factory: Factory, company: None) -> None:
    rep = ViewScope(owner_ids=frozenset({7}), sharee_id=7)
    manager = ViewScope(owner_ids=frozenset({1, 9, 17, 25, 33}), team_ids=frozenset({1}), sharee_id=1)
    for scope, indexes in ((rep, ["ix_opportunities_owner_id_stage_next_at_team_id",
                                  "ix_opportunity_shares_rep_id_opportunity_id"]),
                           (manager, ["ix_opportunities_team_id_stage_next_at_created_at"]),
                           (ViewScope(everything=True), ["ix_opportunities_stage_next_at_created_at"])):
        async with uow_factory() as uow:
            deals = uow.opportunities
            plan = await _plans(engine, uow, partial(deals.visible, scope, stages=OPEN_STAGES))
            totals = await _plans(engine, uow, partial(deals.totals, scope, stages=OPEN_STAGES))
        for index in indexes:
            assert index in plan, plan
        assert not _scans_whole(plan + totals, "opportunities"), plan + totals
        assert "deal_totals" in totals, totals  # headers from the summary (storage.deal_totals)
        if scope.everything:  # everyone's header does not read a single deal
            assert "opportunities" not in totals, totals


@pytest.mark.parametrize("written, index", [
    ("杭州", "ix_customer_names_key_customer_id"),  # exact and prefix
    ("1234有限", "customers_fts"),  # substring: SQLite FTS5 (PostgreSQL: see below)
])
async def test_customer_search_uses_the_names_index_and_the_trigram_index(
        engine: AsyncEngine, uow_factory: Factory, company: None, written: str, index: str) -> None:
    async with uow_factory() as uow:
        plan = await _plans(engine, uow, lambda: uow.customers.search(written), walks=False)
    if index == "customers_fts" and engine.dialect.name == "postgresql":
        index = "ix_customers_search_trgm"
    if index == "customers_fts" and engine.dialect.name == "mysql":
        # No substring index on MySQL/MariaDB (no n-gram parser; README "MySQL and MariaDB"): the LIKE walks
        # the primary key in id order, so its LIMIT stops the walk at the page's last hit (no sort of all hits).
        assert "customers index key=PRIMARY" in plan and "filesort" not in plan, plan
        return
    assert index in plan, plan
    assert not _scans_whole(plan, "customers") and not _scans_whole(plan, "customer_names"), plan


# Not on MySQL/MariaDB: at this size its optimizer reads followups and mail_threads whole for the grouped
# "latest per customer" subqueries (ALL with a filesort, even with index lookups made cheap); the deal lists
# and customer search above are checked there.
@pytest.mark.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)
async def test_customer_health_reads_one_teams_customers_through_indexes(
        engine: AsyncEngine, uow_factory: Factory, company: None) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    async with uow_factory() as uow:
        customers = await uow.health.candidates(now, team_ids=[1])
        assert customers
        pick = await _plans(engine, uow, partial(uow.health.candidates, now, team_ids=[1]), walks=False)
        plan = await _plans(engine, uow, partial(uow.health.facts_many, customers, now), walks=False)
    assert "ix_opportunities_team_id_stage_next_at_created_at" in pick, pick
    for table in ("opportunities", "followups", "mail_threads", "payment_milestones", "projects", "customers"):
        assert not _scans_whole(pick + plan, table), plan
    assert "ix_followups_customer_id_at" in plan, plan  # (the bench company has no mails: no plan to judge)
