"""A company of any size for the list and search benchmark and the query-plan tests: plain bulk inserts.

Shape (per 1M deals: 2,000 reps in 100 teams, 500k customers): 500 deals per rep, 40% of them open, most
open ones with a next step between a month ago and two months ahead; 5% shared with another rep; customer
names like 杭州明途信息技术有限公司 with a short name and, for one in five, an alias.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customer import Customer, derive_short_name
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from storage.models import CustomerNameRow, CustomerRow, OpportunityRow, OpportunityShareRow, RepRow, TeamRow
from storage.repositories.customer_search import name_rows
from storage.repositories.customers import SqlAlchemyCustomerRepository
from storage.repositories.deals import SqlAlchemyOpportunityRepository
from storage.search_schema import analyze
from storage.uow import SqlAlchemyUnitOfWork

CITIES = "杭州 上海 北京 深圳 成都 武汉 南京 苏州 西安 长沙".split()
SYLLABLES = "明 途 华 为 海 洋 星 辰 蓝 天 云 智 远 恒 达 信 安 泰 瑞 祥 鑫 源 博 创 新 宏 盛 嘉 和 联".split()
TRADES = "信息技术 网络科技 电子科技 智能装备 软件技术 数据 贸易 工程".split()
OPEN = (Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION)
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Size:
    deals: int
    people: int = 0  # reps; 0: one per 500 deals (at least 10)
    groups: int = 0  # teams; 0: one per 20 reps

    @property
    def reps(self) -> int:
        return self.people or max(10, self.deals // 500)

    @property
    def teams(self) -> int:
        return self.groups or max(1, self.reps // 20)

    @property
    def customers(self) -> int:
        return max(10, self.deals // 2)


def company_name(number: int, rng: random.Random) -> str:
    brand = "".join(rng.sample(SYLLABLES, 2))
    return f"{rng.choice(CITIES)}{brand}{rng.choice(TRADES)}{number}有限公司"


def customers(size: Size, rng: random.Random) -> Iterator[tuple[int, Customer]]:
    for number in range(1, size.customers + 1):
        name = company_name(number, rng)
        aliases = [f"brand{number}"] if number % 5 == 0 else []
        yield number, Customer(name, short_name=derive_short_name(name), aliases=aliases)


def deals(size: Size, now: datetime, rng: random.Random) -> Iterator[tuple[int, Opportunity]]:
    for number in range(1, size.deals + 1):
        owner = rng.randint(1, size.reps)
        stage = rng.choice(OPEN) if rng.random() < 0.4 else rng.choice((Stage.WON, Stage.LOST))
        next_at = (now + timedelta(hours=rng.randint(-720, 1440))
                   if stage in OPEN and rng.random() < 0.8 else None)
        amount = Money(Decimal(rng.randint(1, 500) * 10000)) if rng.random() < 0.9 else None
        yield number, Opportunity(rng.randint(1, size.customers), f"项目{number}", owner_id=owner,
                                  team_id=team_of(owner, size), stage=stage, amount=amount, next_at=next_at,
                                  created_at=now - timedelta(minutes=rng.randint(0, 500_000)))


def team_of(rep: int, size: Size) -> int:
    return (rep - 1) % size.teams + 1


async def load_company(session: AsyncSession, size: Size, now: datetime | None = None, seed: int = 9) -> None:
    """Teams, reps, customers (with their names), deals and shares, inserted in chunks; not committed."""
    rng, now = random.Random(seed), now or datetime(2026, 12, 1, 1, tzinfo=UTC)
    await _insert(session, TeamRow, ({"id": t, "name": f"团队{t}", "region": ""} for t in range(1, size.teams + 1)))
    await _insert(session, RepRow, ({"id": r, "name": f"销售{r}", "role": "rep", "team_id": team_of(r, size),
                                     "regions": [], "locale": "zh", "timezone": "Asia/Shanghai", "active": True,
                                     "email": ""} for r in range(1, size.reps + 1)))
    mapper = SqlAlchemyCustomerRepository.mapper
    people = list(customers(size, rng))
    await _insert(session, CustomerRow, ({"id": n, **mapper.columns(c, with_id=False)} for n, c in people))
    await _insert(session, CustomerNameRow, (row for n, c in people for row in name_rows(n, c)))
    deal_mapper = SqlAlchemyOpportunityRepository.mapper
    shares: list[dict[str, Any]] = []
    rows = []
    for number, deal in deals(size, now, rng):
        rows.append({"id": number, **deal_mapper.columns(deal, with_id=False)})
        if rng.random() < 0.05:
            shares.append({"opportunity_id": number, "rep_id": rng.randint(1, size.reps)})
    await _insert(session, OpportunityRow, rows)
    await _insert(session, OpportunityShareRow, shares)
    if session.get_bind().dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("teams", "reps", "customers", "opportunities"):
            await session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))


async def load_analyzed(factory: Callable[[], SqlAlchemyUnitOfWork], engine_name: str, size: Size,
                        now: datetime | None = None,
                        extras: Callable[[AsyncSession], Awaitable[None]] | None = None) -> None:
    """load_company (and `extras`, in the same transaction), committed, then the planner's statistics;
    says on stderr how long it took."""
    start = time.perf_counter()
    async with factory() as uow:
        await load_company(uow.session, size, now)
        if extras is not None:
            await extras(uow.session)
        await uow.commit()
    async with factory() as uow:
        await analyze(uow.session)
        await uow.commit()
    print(f"{engine_name}: loaded {size.deals} deals in {time.perf_counter() - start:.1f} s", file=sys.stderr)


async def _insert(session: AsyncSession, row: type[Any], values: Any) -> None:
    chunk: list[dict[str, Any]] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == CHUNK:
            await session.execute(insert(row), chunk)
            chunk = []
    if chunk:
        await session.execute(insert(row), chunk)
