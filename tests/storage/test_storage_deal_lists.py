"""Deal lists at size on both engines: true counts and totals, most urgent first in SQL, scope per role."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from storage_helpers import Factory, Parents

from domain.customer import Customer
from domain.listing import DealTotals, urgency_sort_key
from domain.money import CNY, USD, Money
from domain.opportunity import OPEN_STAGES, Opportunity, Stage
from domain.people import Rep, Role, Team
from domain.permissions import can_view, view_scope

DIRECT_SUM = """SELECT amount_currency, count(*), sum(amount) FROM opportunities
                WHERE stage IN ('initial_contact', 'proposal', 'negotiation')
                  AND (owner_id = :rep OR id IN (SELECT opportunity_id FROM opportunity_shares WHERE rep_id = :rep))
                GROUP BY amount_currency"""


def _deal(parents: Parents, n: int, owner: int | None, now: datetime, **extra: object) -> Opportunity:
    """Deal n: amounts in CNY (every 7th in USD, every 11th none); next steps overdue, later or none."""
    amount = None if n % 11 == 0 else Money(Decimal(n * 1000) + Decimal("0.35"), USD if n % 7 == 0 else CNY)
    next_at = None if n % 3 == 0 else now + timedelta(hours=(n * 37) % 500 - 200)
    created = now - timedelta(minutes=(n * 53) % 1000)
    return Opportunity(parents.customer_id, f"deal {n}", owner_id=owner, amount=amount, next_at=next_at,
                       created_at=created, **extra)  # type: ignore[arg-type]


async def _rep(uow_factory: Factory, name: str, team_id: int | None, role: Role = Role.REP) -> int:
    async with uow_factory() as uow:
        rep = await uow.reps.add(Rep(name, role=role, team_id=team_id))
        await uow.commit()
    return rep.id or 0


async def test_counts_and_totals_cover_every_deal_beyond_the_list_limit(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    other = await _rep(uow_factory, "李四", parents.team_id)
    me = parents.rep_id
    async with uow_factory() as uow:
        mine = [await uow.opportunities.add(_deal(parents, n, me, now)) for n in range(1, 451)]
        for deal in mine[:25]:  # closed deals are not in the open list
            deal.stage = Stage.WON
            await uow.opportunities.save(deal)
        for n in range(451, 491):  # 30 of the colleague's deals are shared with me, 10 are not
            await uow.opportunities.add(_deal(parents, n, other, now, shared_with=[me] if n <= 480 else []))
        await uow.commit()
    me_rep = Rep("张三", team_id=parents.team_id, id=me)
    scope = view_scope(me_rep, [me_rep], [])
    async with uow_factory() as uow:
        totals = await uow.opportunities.totals(scope, stages=OPEN_STAGES)
        shown = await uow.opportunities.visible(scope, stages=OPEN_STAGES, limit=30)
        direct = (await uow.session.execute(text(DIRECT_SUM), {"rep": me})).all()
        everything = [d for d in (await uow.opportunities.many(range(1, 600))).values()
                      if d.stage in OPEN_STAGES and (d.owner_id == me or me in d.shared_with)]
    assert totals.count == 450 - 25 + 30 + 1 == len(everything)  # + the parents fixture's deal
    assert totals.count == sum(row[1] for row in direct)
    assert totals.amounts == {row[0]: Decimal(str(row[2])).quantize(Decimal("0.01")) for row in direct if row[0]}
    assert totals.amounts == _sums(everything)
    assert len(shown) == 30
    assert shown == sorted(everything, key=urgency_sort_key)[:30]


def _sums(deals: list[Opportunity]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for deal in deals:
        if deal.amount is not None:
            sums[deal.amount.currency] = sums.get(deal.amount.currency, Decimal(0)) + deal.amount.amount
    return sums


async def test_each_role_lists_and_counts_exactly_the_deals_it_may_view(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        east = parents.team_id
        west = (await uow.teams.add(Team("西区"))).id or 0
        await uow.commit()
    manager = await _rep(uow_factory, "王经理", east, Role.MANAGER)
    admin = await _rep(uow_factory, "管理员", None, Role.ADMIN)
    colleague = await _rep(uow_factory, "李四", east)
    outsider = await _rep(uow_factory, "陈晨", west)
    async with uow_factory() as uow:
        for n in range(1, 121):
            owner = None if n % 17 == 0 else (parents.rep_id, colleague, outsider, manager)[n % 4]
            team = (east, west, None)[n % 3]
            shared = [[], [outsider], [parents.rep_id], [colleague, manager]][n % 4 if n % 5 else 0]
            await uow.opportunities.add(_deal(parents, n, owner, now, team_id=team, shared_with=shared,
                                              stage=OPEN_STAGES[n % 3] if n % 10 else Stage.LOST))
        reps = list(await uow.reps.list())
        teams = list(await uow.teams.list())
        await uow.commit()
    team_of = {r.id: r.team_id for r in reps if r.id is not None}
    async with uow_factory() as uow:
        every = list((await uow.opportunities.many(range(1, 200))).values())
        for rep in reps:
            scope = view_scope(rep, reps, teams)
            allowed = sorted((d for d in every if d.stage in OPEN_STAGES and can_view(rep, d, team_of, teams)),
                             key=urgency_sort_key)
            assert list(await uow.opportunities.visible(scope, stages=OPEN_STAGES, limit=500)) == allowed, rep.name
            assert list(await uow.opportunities.visible(scope, stages=OPEN_STAGES, limit=7)) == allowed[:7]
            assert await uow.opportunities.totals(scope, stages=OPEN_STAGES) == DealTotals(len(allowed),
                                                                                           _sums(allowed))
    assert admin and manager  # both listed above, with the rep and the colleague


async def test_lists_filter_by_customer_and_stage_and_an_empty_scope_finds_nothing(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        other = (await uow.customers.add(Customer("蓝海"))).id or 0
        a = await uow.opportunities.add(_deal(parents, 1, parents.rep_id, now, stage=Stage.PROPOSAL))
        b = await uow.opportunities.add(Opportunity(other, "b", owner_id=parents.rep_id, created_at=now))
        await uow.commit()
    rep = Rep("张三", id=parents.rep_id)
    scope = view_scope(rep, [rep], [])
    async with uow_factory() as uow:
        assert [d.id for d in await uow.opportunities.visible(scope, customer_id=other)] == [b.id]
        assert [d.id for d in await uow.opportunities.visible(scope, stages=[Stage.PROPOSAL])] == [a.id]
        assert (await uow.opportunities.totals(scope, customer_id=other)).count == 1
        nobody = view_scope(Rep("停用", id=parents.rep_id, active=False), [], [])
        assert await uow.opportunities.visible(nobody) == []
        assert await uow.opportunities.totals(nobody) == DealTotals()
