"""A small company with a sales history for the win model's storage and CLI tests (issue #13): two teams,
customers in a few industries, deals with stage changes, follow-ups and quote versions over a year and a
half, some closed before DATE, some after, some still open. Deterministic."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.activity import FollowUp
from domain.customer import Customer
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.people import Rep, Team
from domain.quote import Quote
from storage.uow import SqlAlchemyUnitOfWork

START = datetime(2025, 1, 1, 2, tzinfo=UTC)
DATE = datetime(2026, 3, 1, tzinfo=UTC)  # the as-of date of the tests
INDUSTRIES = ("制造", "金融", "教育")
PATH = (Stage.PROPOSAL, Stage.NEGOTIATION)


@dataclass
class World:
    teams: dict[str, int] = field(default_factory=dict)
    reps: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)
    deals: list[int] = field(default_factory=list)


def _plan(rng: random.Random, n: int) -> tuple[datetime, list[tuple[Stage, datetime]], list[datetime]]:
    """Creation time, stage moves and follow-up times of deal n."""
    created = START + timedelta(days=rng.randint(0, 520), hours=rng.randint(0, 8))
    moves, at = [], created
    good = rng.random() < 0.45
    for stage in PATH[:rng.randint(0, 2)]:
        at += timedelta(days=rng.randint(5, 20) if good else rng.randint(15, 45))
        moves.append((stage, at))
    if rng.random() < 0.8:  # closes at some point
        at += timedelta(days=rng.randint(3, 30))
        moves.append((Stage.WON if good and len(moves) == 2 else Stage.LOST, at))
    follow_every = 5 if good else 14
    follow = [created + timedelta(days=d, hours=1) for d in range(0, (at - created).days + 30, follow_every)]
    return created, moves, follow


async def build_world(factory: Callable[[], SqlAlchemyUnitOfWork], deals: int = 120, seed: int = 3,
                      reps: tuple[str, str] | None = None) -> World:
    """`reps`: two people already stored, one per team, who own the deals (default: two teams made here)."""
    rng, world = random.Random(seed), World()
    async with factory() as uow:
        for n, name in enumerate(("华东一组", "华南一组")):
            if reps is None:
                team = await uow.teams.add(Team(name))
                rep = await uow.reps.add(Rep(f"{name}销售", team_id=team.id))
            else:
                found = await uow.reps.by_name(reps[n])
                assert found is not None and found.team_id is not None
                rep, team = found, await uow.teams.get(found.team_id)
            assert team.id is not None and rep.id is not None
            world.teams[team.name] = team.id
            world.reps.append(rep.id)
        for i in range(20):
            customer = await uow.customers.add(Customer(f"客户{i:02d}科技有限公司", industry=INDUSTRIES[i % 3],
                                                        region="华东" if i % 2 else "华南", created_at=START))
            assert customer.id is not None
            world.customers.append(customer.id)
        for n in range(deals):
            world.deals.append(await _add_deal(uow, rng, n, world))
        await uow.commit()
    return world


async def _add_deal(uow: SqlAlchemyUnitOfWork, rng: random.Random, n: int, world: World) -> int:
    created, moves, follow = _plan(rng, n)
    rep = world.reps[n % 2]
    deal = Opportunity(world.customers[n % 20], f"项目{n:03d}", owner_id=rep, team_id=list(world.teams.values())[n % 2],
                       amount=Money(Decimal(rng.choice((80_000, 300_000, 900_000)))), created_at=created,
                       ref=f"OLD-{n:04d}", source=rng.choice(("展会", "转介绍")))
    for stage, at in moves:
        if stage is Stage.LOST:
            deal.lose(LostReason.PRICE, by=rep, at=at)
        elif stage is Stage.WON:
            deal.win(by=rep, at=at)
        else:
            deal.advance_to(stage, by=rep, at=at)
    stored = await uow.opportunities.add(deal)
    assert stored.id is not None
    for at in follow:
        await uow.followups.add(FollowUp(rep, "跟进", at, opportunity_id=stored.id, customer_id=deal.customer_id))
    for version, (_, at) in enumerate(moves[:1], start=1):
        await uow.quotes.add(Quote(stored.id, version, Money(Decimal(100_000)), created_at=at))
    return stored.id
