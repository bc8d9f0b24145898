"""The lead pool's storage (issue #14) on SQLite and PostgreSQL: the pool list (pools, filters, pages, leads
after customers), the reclaim scan's facts per keyset page, the events log's counts, and the indexes the
scan's statements use."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from storage_helpers import Factory, Parents
from test_storage_query_plans import _plans, _scans_whole

from domain.activity import FollowUp
from domain.billing import Contract
from domain.customer import Customer
from domain.lead import Lead, LeadStatus
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.pool import Holding
from domain.pool_ports import EventKind, PoolEvent, PoolFilter
from storage.search_schema import analyze

DAY = timedelta(days=1)


async def test_the_pool_lists_unowned_customers_then_new_leads_of_the_pools_asked(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    team = parents.team_id
    async with uow_factory() as uow:
        for n, (pool_team, region) in enumerate([(team, "华东"), (None, "华东"), (99, "华东"), (team, "华南")]):
            await uow.customers.add(Customer(f"公海客户{n}", region=region, industry="制造", pool_team_id=pool_team,
                                             created_at=now))
        await uow.customers.add(Customer("有主客户", owner_id=parents.rep_id, created_at=now))  # not in the pool
        await uow.leads.add(Lead(parents.customer_id, region="华东", team_id=team, created_at=now - 40 * DAY))
        await uow.leads.add(Lead(parents.customer_id, region="华东", owner_id=parents.rep_id, created_at=now))
        await uow.followups.add(FollowUp(parents.rep_id, "电话", now - DAY, customer_id=3))
        await uow.commit()
    async with uow_factory() as uow:
        total, page = await uow.pool.listing(PoolFilter(frozenset({team})), 0, 10)
        # C1 (the parents' customer) has no owner and no pool team: the company's pool
        assert total == 5 and [e.ref for e in page] == ["C1", "C2", "C3", "C5", "L1"]
        assert page[2].last_activity == now - DAY and page[1].last_activity is None
        assert page[4].name == "明途科技有限公司" and page[4].created_at == now - 40 * DAY
        assert page[4].last_activity is None  # a lead without a follow-up: shown by its creation
        total, page = await uow.pool.listing(PoolFilter(frozenset({team})), 3, 2)
        assert total == 5 and [e.ref for e in page] == ["C5", "L1"]
        everyone = (await uow.pool.listing(PoolFilter(None), 0, 10))[1]
        assert [e.ref for e in everyone] == ["C1", "C2", "C3", "C4", "C5", "L1"]
        assert [e.ref for e in (await uow.pool.listing(PoolFilter(frozenset()), 0, 10))[1]] == ["C1", "C3"]
        region = await uow.pool.listing(PoolFilter(frozenset({team}), region="华南"), 0, 10)
        assert [e.ref for e in region[1]] == ["C5"]
        idle = await uow.pool.listing(PoolFilter(frozenset({team}), idle_since=now - 30 * DAY), 0, 10)
        assert [e.ref for e in idle[1]] == ["C1", "C2", "C5", "L1"]  # C3 was followed up yesterday


async def test_held_pages_carry_the_rule_facts(uow_factory: Factory, parents: Parents, now: datetime) -> None:
    rep, claimed = parents.rep_id, now - 50 * DAY
    async with uow_factory() as uow:
        won = await uow.customers.add(Customer("赢单客户", owner_id=rep, claimed_at=claimed,
                                               created_at=now - 400 * DAY))
        signed = await uow.customers.add(Customer("签约客户", owner_id=rep, created_at=claimed, protected=False))
        flagged = await uow.customers.add(Customer("保护客户", owner_id=rep, created_at=claimed, protected=True,
                                                   tags=["重点客户"]))
        assert won.id and signed.id and flagged.id
        deal = await uow.opportunities.add(Opportunity(won.id, "赢单", owner_id=rep, created_at=claimed,
                                                       stage=Stage.WON, closed_at=now - 10 * DAY))
        await uow.opportunities.add(Opportunity(won.id, "输单", owner_id=rep, created_at=claimed, stage=Stage.LOST,
                                                closed_at=now - 5 * DAY))
        other = await uow.opportunities.add(Opportunity(signed.id, "在谈", owner_id=rep, created_at=claimed))
        assert deal.id and other.id
        await uow.contracts.add(Contract(other.id, "HT-1", Money(Decimal(100)), signed_on=date(2025, 1, 1)))
        await uow.followups.add(FollowUp(rep, "拜访", now - 3 * DAY, opportunity_id=deal.id, customer_id=won.id))
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.pool.held_page(0, 2)  # C1 (parents' customer) has no owner: not held
        assert [h.customer_id for h in first.holdings] == [won.id, signed.id] and first.last_id == signed.id
        second = await uow.pool.held_page(first.last_id, 2)
        assert [h.customer_id for h in second.holdings] == [flagged.id] and second.tags[flagged.id] == ["重点客户"]
        assert (await uow.pool.held_page(second.last_id, 2)).last_id == 0
    assert first.holdings[0] == Holding(won.id, rep, claimed, last_followup=now - 3 * DAY,
                                        last_open_deal=now - 5 * DAY, has_open_deal=False, won_since_claim=True)
    assert first.holdings[1] == Holding(signed.id, rep, claimed, has_open_deal=True, protected=True,
                                        owner_open_deals=1)  # the contract; his open deal
    assert second.holdings[0].protected


async def test_the_log_counts_claims_departures_warnings_and_reclaims(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    rep, customer = parents.rep_id, parents.customer_id
    async with uow_factory() as uow:
        for kind, at in [(EventKind.CLAIM, now - 2 * DAY), (EventKind.CLAIM, now - DAY), (EventKind.CLAIM, now),
                         (EventKind.RELEASE, now - 20 * DAY), (EventKind.RECLAIM, now - 10 * DAY)]:
            await uow.pool.add(PoolEvent(kind, at, rep, customer_id=customer, team_id=parents.team_id))
        await uow.pool.add(PoolEvent(EventKind.WARN, now - 4 * DAY, rep, customer_id=customer, due_at=now - DAY))
        await uow.pool.add(PoolEvent(EventKind.WARN, now - 3 * DAY, rep, customer_id=customer, due_at=now))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.pool.claims_since(rep, now - DAY) == 2
        assert await uow.pool.claims_since(rep + 1, now - DAY) == 0
        assert await uow.pool.left_me_at(rep, customer_id=customer) == now - 10 * DAY
        assert await uow.pool.left_me_at(rep + 1, customer_id=customer) is None
        assert (await uow.pool.last_warnings([customer, 999]))[customer].due_at == now
        assert await uow.pool.reclaimed([parents.team_id], now - 11 * DAY, now, 5) == (
            1, [(customer, "明途科技有限公司", rep)])
        assert await uow.pool.reclaimed([parents.team_id + 1], now - 11 * DAY, now, 5) == (0, [])
        assert (await uow.pool.reclaimed(None, now - 9 * DAY, now, 5))[0] == 0


# Not on MySQL/MariaDB: with 300 customers its optimizer reads the deals and contracts of the grouped
# subqueries whole (ALL, even with index lookups made cheap), a choice of table size that says nothing about
# the index design; the deal lists and customer search are checked there (test_storage_query_plans).
@pytest.mark.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)
async def test_the_scan_and_the_list_use_indexes(uow_factory: Factory, parents: Parents, engine: AsyncEngine,
                                                 now: datetime) -> None:
    async with uow_factory() as uow:
        for n in range(300):
            owner = parents.rep_id if n % 3 else None
            customer = await uow.customers.add(Customer(f"客户{n}", owner_id=owner, created_at=now,
                                                        pool_team_id=parents.team_id))
            assert customer.id is not None
            await uow.followups.add(FollowUp(parents.rep_id, "电话", now, customer_id=customer.id))
            await uow.opportunities.add(Opportunity(customer.id, f"商机{n}", owner_id=parents.rep_id, created_at=now))
            lead = await uow.leads.add(Lead(customer.id, owner_id=owner, status=LeadStatus.ASSIGNED, created_at=now))
            await uow.followups.add(FollowUp(parents.rep_id, "邮件", now, lead_id=lead.id))
        await uow.commit()
    async with uow_factory() as uow:
        await analyze(uow.session)
        await uow.commit()
    async with uow_factory() as uow:
        scan = await _plans(engine, uow, lambda: uow.pool.held_page(100, 50))
        listing = await _plans(engine, uow, lambda: uow.pool.listing(PoolFilter(frozenset({parents.team_id})), 0, 20),
                               walks=False)
        leads = await _plans(engine, uow, lambda: uow.pool.held_leads_page(100, 50))
    assert not _scans_whole(leads, "followups") and "ix_followups_lead_id_at" in leads, leads
    for table in ("followups", "opportunities", "contracts"):
        assert not _scans_whole(scan, table), scan
    assert "ix_followups_customer_id_at" in scan, scan
    # the counts read the pool index; a page may instead walk the ids in order (it stops after one page)
    assert "ix_customers_owner_id" in listing, listing  # (owner_id) or (owner_id, pool_team_id, id)


async def test_a_pages_events_in_one_insert_and_an_owners_notice_lines(uow_factory: Factory, parents: Parents,
                                                                       now: datetime) -> None:
    rep, customer = parents.rep_id, parents.customer_id
    async with uow_factory() as uow:
        lead = await uow.leads.add(Lead(customer, title="MES", owner_id=rep, status=LeadStatus.ASSIGNED,
                                        created_at=now - 40 * DAY))
        await uow.followups.add(FollowUp(rep, "邮件", now - 35 * DAY, lead_id=lead.id))
        events = [PoolEvent(EventKind.WARN, now, rep, customer_id=customer, reason="no_followup", due_at=now + DAY),
                  PoolEvent(EventKind.WARN, now, rep, lead_id=lead.id, reason="no_followup", due_at=now),
                  PoolEvent(EventKind.RECLAIM, now, 99, customer_id=customer, reason="no_win")]
        ids = await uow.pool.add_many(events)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.pool.many(ids)
        assert [(stored[i].kind, stored[i].rep_id, stored[i].lead_id) for i in ids] == [
            (EventKind.WARN, rep, None), (EventKind.WARN, rep, lead.id), (EventKind.RECLAIM, 99, None)]
        assert await uow.pool.noticed_reps(EventKind.WARN, now - DAY, now) == [rep]
        assert await uow.pool.noticed_reps(EventKind.WARN, now, now + DAY) == []  # (since, until]
        count, lines = await uow.pool.notice_lines(rep, EventKind.WARN, now - DAY, now, 10)
        assert count == 2 and [(x.ref, x.name, x.due_at) for x in lines] == [
            (f"C{customer}", "明途科技有限公司", now + DAY), (f"L{lead.id}", "明途科技有限公司 MES", now)]
        assert (await uow.pool.notice_lines(rep, EventKind.WARN, now - DAY, now, 1))[0] == 2
        page = await uow.pool.held_leads_page(0, 10)
        assert page.leads and [(h.customer_id, h.claimed_at, h.last_followup) for h in page.holdings] == [
            (lead.id, now - 40 * DAY, now - 35 * DAY)]
        assert (await uow.pool.last_warnings([lead.id or 0], leads=True))[lead.id or 0].lead_id == lead.id


async def test_a_second_claim_at_the_same_time_sees_the_first(uow_factory: Factory, parents: Parents) -> None:
    """Two reps claim the pool customer C1 at once: the first holds its row until its commit, and the second,
    asking for the owner meanwhile, gets the first's claim (not the owner it read before)."""
    first = uow_factory()
    async with first as uow:
        assert await uow.pool.owner_now(customer_id=parents.customer_id) is None
        customer = await uow.customers.get(parents.customer_id)
        customer.owner_id = parents.rep_id
        await uow.customers.save(customer)

        async def second() -> int | None:
            async with uow_factory() as other:
                found: int | None = await other.pool.owner_now(customer_id=parents.customer_id)
                return found

        racing = asyncio.create_task(second())
        await asyncio.sleep(0.2)
        assert not racing.done()  # waits for the first claim's transaction
        await uow.commit()
    assert await racing == parents.rep_id
