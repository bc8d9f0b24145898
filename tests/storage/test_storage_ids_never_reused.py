"""Ids people see are never handed out twice, even after the newest row was deleted (an undo)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable
from storage_helpers import Factory, Parents

from domain.customer import Customer
from domain.opportunity import Opportunity
from storage.engine import make_engine
from storage.migrate import downgrade, upgrade
from storage.migrations.versions.rev_0006_permissions_ids import TABLES as TABLES_0006
from storage.migrations.versions.rev_0019_approvals import AUTOINCREMENT as TABLES_0019
from storage.migrations.versions.rev_0021_delivery import AUTOINCREMENT as TABLES_0021
from storage.migrations.versions.rev_0023_webhooks import AUTOINCREMENT as TABLES_0023
from storage.models import Base

# 0006 made the tables of then; later ones are created with it
TABLES = (*TABLES_0006, *TABLES_0019, *TABLES_0021, *TABLES_0023)


def test_models_and_migration_name_the_same_autoincrement_tables() -> None:
    flagged = {t.name for t in Base.metadata.tables.values() if t.dialect_options["sqlite"]["autoincrement"]}
    assert flagged == set(TABLES)
    for name in TABLES:
        assert "AUTOINCREMENT" in str(CreateTable(Base.metadata.tables[name]).compile(dialect=sqlite.dialect()))


async def test_a_deleted_deal_number_is_not_given_to_the_next_deal(uow_factory: Factory, parents: Parents,
                                                                   now: datetime) -> None:
    async with uow_factory() as uow:
        newest = await uow.opportunities.add(Opportunity(parents.customer_id, "新项目", created_at=now))
        customer = await uow.customers.add(Customer("海纳电子有限公司", created_at=now))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.opportunities.delete(newest)
        await uow.customers.delete(customer)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.opportunities.add(Opportunity(parents.customer_id, "另一个项目", created_at=now))
        other = await uow.customers.add(Customer("青岛海纳有限公司", created_at=now))
        await uow.commit()
    assert again.id is not None and newest.id is not None and again.id > newest.id
    assert other.id is not None and customer.id is not None and other.id > customer.id


CUSTOMER = ("INSERT INTO customers (id, name, short_name, industry, region, tags, aliases, lifecycle, phone, email,"
            " domain, name_key, phone_key, search_text) VALUES (1, '明途', '明途', '', '', '[]', '[]', 'lead', '',"
            " '', '', '明途', '', '明途')")
DEAL = ("INSERT INTO opportunities (id, customer_id, name, stage, next_step, lost_note) "
        "VALUES (1, 1, 'MES', 'proposal', '', '')")
HISTORY = ("INSERT INTO stage_changes (opportunity_id, source, target, at) "
           "VALUES (1, 'initial_contact', 'proposal', '2026-11-24 02:00:00')")
SHARE = "INSERT INTO opportunity_shares (opportunity_id, rep_id) VALUES (1, 7)"


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
async def test_migrating_an_existing_sqlite_database_keeps_rows_and_their_details(empty_db_url: str) -> None:
    await upgrade(empty_db_url, "0005")
    engine = make_engine(empty_db_url)
    try:
        async with engine.begin() as connection:
            for statement in (CUSTOMER, DEAL, HISTORY, SHARE):
                await connection.execute(text(statement))
        await upgrade(empty_db_url)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT name, sql FROM sqlite_master"))).all()
            sql = {name: statement for name, statement in rows}
            counts = [(await connection.execute(text(f"SELECT count(*) FROM {name}"))).scalar()
                      for name in ("customers", "opportunities", "stage_changes", "opportunity_shares")]
            await connection.execute(text("DELETE FROM opportunities WHERE id = 1"))
            await connection.execute(text(DEAL.replace("VALUES (1,", "VALUES (NULL,")))
            new_id = (await connection.execute(text("SELECT max(id) FROM opportunities"))).scalar()
    finally:
        await engine.dispose()
    assert all("AUTOINCREMENT" in sql[name] for name in TABLES)
    assert counts == [1, 1, 1, 1]  # copying the tables cascaded into nothing
    assert new_id == 2


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
async def test_downgrading_past_0006_drops_autoincrement_and_keeps_the_rows(empty_db_url: str) -> None:
    await upgrade(empty_db_url, "0006")
    engine = make_engine(empty_db_url)
    try:
        async with engine.begin() as connection:
            for statement in (CUSTOMER, DEAL, HISTORY, SHARE):
                await connection.execute(text(statement))
        await downgrade(empty_db_url, "0005")
        async with engine.connect() as connection:
            deals = (await connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'opportunities'")))
            sql = deals.scalar_one()
            history = (await connection.execute(text("SELECT count(*) FROM stage_changes"))).scalar()
    finally:
        await engine.dispose()
    assert "AUTOINCREMENT" not in sql and history == 1
    await upgrade(empty_db_url)  # and back up again
