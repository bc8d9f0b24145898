"""The deal_totals summary (storage.deal_totals) follows every write on both engines: it always equals a
recount from the deals, and list headers read from it agree with the deals themselves."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from storage_helpers import Factory, Parents

from bot.cli import main
from domain.money import CNY, USD, Money
from domain.opportunity import OPEN_STAGES, Opportunity, Stage
from domain.people import Rep, Role, Team
from domain.permissions import view_scope
from domain.retention import RetentionPolicy
from scheduler.housekeeping import Housekeeper
from storage.housekeeping import SqlAlchemyHousekeeping

Sessions = async_sessionmaker[AsyncSession]
SUMMARY = "SELECT team_id, owner_id, stage, currency, deals, priced, cents FROM deal_totals WHERE deals <> 0"
RECOUNT = """SELECT coalesce(team_id, 0), coalesce(owner_id, 0), stage, coalesce(amount_currency, ''),
                    count(*), count(amount), coalesce(sum(CAST(round(amount * 100) AS DECIMAL(20, 0))), 0)
             FROM opportunities
             GROUP BY coalesce(team_id, 0), coalesce(owner_id, 0), stage, coalesce(amount_currency, '')"""


async def _summary(uow_factory: Factory) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    async with uow_factory() as uow:
        kept = {tuple(int(v) if isinstance(v, Decimal) else v for v in row)
                for row in (await uow.session.execute(text(SUMMARY))).all()}
        recount = {tuple(int(v) if isinstance(v, Decimal) else v for v in row)
                   for row in (await uow.session.execute(text(RECOUNT))).all()}
    return kept, recount


async def test_the_summary_follows_adds_moves_amounts_owners_and_deletes(
        uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        west = (await uow.teams.add(Team("西区"))).id
        other = (await uow.reps.add(Rep("李四", team_id=west))).id
        deals = [await uow.opportunities.add(Opportunity(
            parents.customer_id, f"d{n}", owner_id=parents.rep_id if n % 4 else None,
            team_id=parents.team_id if n % 3 else None,
            amount=None if n % 5 == 0 else Money(Decimal(n) * 1000 + Decimal("0.07"), USD if n % 7 == 0 else CNY)))
            for n in range(1, 41)]
        await uow.commit()
    kept, recount = await _summary(uow_factory)
    assert kept == recount and sum(row[4] for row in kept) == 41  # + the parents fixture's deal
    async with uow_factory() as uow:
        for deal in deals[:10]:
            deal.stage = Stage.PROPOSAL
            await uow.opportunities.save(deal)
        for deal in deals[10:15]:
            deal.amount = Money(Decimal("12.34"), USD)
            await uow.opportunities.save(deal)
        for deal in deals[15:20]:
            deal.owner_id, deal.team_id = other, west
            await uow.opportunities.save(deal)
        for deal in deals[20:25]:
            deal.amount = None
            await uow.opportunities.save(deal)
        for deal in deals[25:30]:
            await uow.opportunities.delete(deal)
        deals[30].next_step = "only the next step changes: the summary stays"
        await uow.opportunities.save(deals[30])
        await uow.commit()
    kept, recount = await _summary(uow_factory)
    assert kept == recount and sum(row[4] for row in kept) == 36
    assert sum(row[4] for row in kept if row[2] == "proposal") == 10


async def test_a_rolled_back_write_leaves_the_summary_as_it_was(uow_factory: Factory, parents: Parents) -> None:
    before, _ = await _summary(uow_factory)
    async with uow_factory() as uow:
        await uow.opportunities.add(Opportunity(parents.customer_id, "x", owner_id=parents.rep_id,
                                                amount=Money(Decimal(5), CNY)))
        deal = await uow.opportunities.get(parents.opportunity_id)
        deal.stage = Stage.NEGOTIATION
        await uow.opportunities.save(deal)
        await uow.rollback()
    after, recount = await _summary(uow_factory)
    assert after == before == recount


async def test_headers_from_the_summary_match_the_deals_for_admins_and_managers(
        uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        admin = await uow.reps.add(Rep("管理员", role=Role.ADMIN))
        manager = await uow.reps.add(Rep("王经理", role=Role.MANAGER, team_id=parents.team_id))
        for n in range(1, 31):
            await uow.opportunities.add(Opportunity(
                parents.customer_id, f"d{n}", owner_id=(parents.rep_id, manager.id, None)[n % 3],
                team_id=parents.team_id if n % 2 else None, stage=(*OPEN_STAGES, Stage.WON)[n % 4],
                amount=Money(Decimal(n * 100), CNY)))
        reps, teams = list(await uow.reps.list()), list(await uow.teams.list())
        every = list((await uow.opportunities.many(range(1, 100))).values())
        for rep in (admin, manager):
            scope = view_scope(rep, reps, teams)
            wanted = [d for d in every if d.stage in OPEN_STAGES and scope.admits(d)]
            totals = await uow.opportunities.totals(scope, stages=OPEN_STAGES)
            assert totals.count == len(wanted) > 0, rep.name
            assert totals.amount(CNY) == sum((d.amount.amount for d in wanted if d.amount), Decimal(0))


async def test_dealbot_db_recount_rebuilds_a_summary_that_went_wrong(
        uow_factory: Factory, parents: Parents, db_url: str, tmp_path: Path) -> None:
    async with uow_factory() as uow:
        for n in range(5):
            await uow.opportunities.add(Opportunity(parents.customer_id, f"d{n}", owner_id=parents.rep_id,
                                                    amount=Money(Decimal(n), CNY)))
        await uow.session.execute(text("DELETE FROM deal_totals"))  # as after a restore without triggers
        await uow.commit()
    assert (await _summary(uow_factory))[0] == set()
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    assert await asyncio.to_thread(main, ["db", "recount", "--config", str(config)]) == 0
    kept, recount = await _summary(uow_factory)
    assert kept == recount and sum(row[4] for row in kept) == 6


async def test_housekeeping_vacuums_the_dead_versions_counting_writes_leave_in_the_summary(
        uow_factory: Factory, parents: Parents, engine: AsyncEngine, session_factory: Sessions) -> None:
    async with uow_factory() as uow:
        deal = await uow.opportunities.add(Opportunity(parents.customer_id, "d", owner_id=parents.rep_id,
                                                       amount=Money(Decimal(1), CNY)))
        await uow.commit()
    for n in range(2, 40):  # each amount change moves the deal: one dead summary row version on PostgreSQL
        async with uow_factory() as uow:
            deal.amount = Money(Decimal(n), CNY)
            await uow.opportunities.save(deal)
            await uow.commit()
    before = await _vacuums(engine)
    report = await Housekeeper(SqlAlchemyHousekeeping(session_factory), RetentionPolicy(), "w").run_once()
    assert not report.skipped
    if engine.dialect.name != "postgresql":  # SQLite and InnoDB rewrite rows in place: nothing to reclaim or run
        assert before is None and await _vacuums(engine) is None
    else:
        assert before is not None and await _vacuums(engine) == before + 1
    kept, recount = await _summary(uow_factory)
    assert kept == recount


async def _vacuums(engine: AsyncEngine) -> int | None:
    """How often deal_totals was vacuumed (PostgreSQL's statistics; None on SQLite and MySQL)."""
    if engine.dialect.name != "postgresql":
        return None
    async with engine.connect() as connection:
        count = await connection.scalar(text(
            "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'deal_totals'"))
    return int(count or 0)
