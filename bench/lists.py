"""我的商机 and 客户 X at size: the old queries against the new ones, same run, same database.

    .venv/bin/python bench/lists.py [--deals 100000] [--engines sqlite,postgresql] [--runs 40]

Builds a company with plain bulk inserts (bench/lists_data.py: per 100k deals 200 reps in 10 teams, 50k
customers), migrates, ANALYZEs, then times each query `--runs` times in its own unit of work, as the bot does:
- 我的商机 as a rep, a manager (one team, 20 reps) and an admin: old = `owner_id IN … OR id IN (shares)`,
  ordered by id, LIMIT 200, count and total over those 200 in Python (wrong beyond 200); new = the scope's
  UNION, most urgent first and LIMIT 30 in SQL, plus the aggregate query for true count and totals.
- 客户 X: old = `search_text LIKE '%x%'` ordered by id, LIMIT 10; new = ranked search (names index, then
  FTS5 / pg_trgm), for a full name, a two-character short name and a substring.
Prints a markdown table (median and p95 in ms, old/new ratio). PostgreSQL: DEALBOT_BENCH_PG_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import or_, select

from bench.common import database
from bench.lists_data import Size, company_name, load_analyzed, team_of
from domain.listing import ViewScope
from domain.opportunity import OPEN_STAGES
from domain.people import Rep, Role, Team
from domain.permissions import view_scope
from storage.engine import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import CustomerRow, OpportunityRow, OpportunityShareRow
from storage.repositories.base import like_pattern
from storage.repositories.deal_children import with_children
from storage.repositories.deals import SqlAlchemyOpportunityRepository
from storage.uow import SqlAlchemyUnitOfWork

Job = Callable[[SqlAlchemyUnitOfWork], Awaitable[Any]]


def old_list(owners: list[int] | None) -> Job:
    """The query 我的商机 ran before: OR across owner and shares, by id, 200 rows, sums in Python."""
    async def run(uow: SqlAlchemyUnitOfWork) -> Any:
        stmt = select(OpportunityRow.__table__).where(OpportunityRow.stage.in_([s.value for s in OPEN_STAGES]))
        if owners is not None:
            shared = select(OpportunityShareRow.opportunity_id).where(OpportunityShareRow.rep_id.in_(owners))
            stmt = stmt.where(or_(OpportunityRow.owner_id.in_(owners), OpportunityRow.id.in_(shared)))
        repository = SqlAlchemyOpportunityRepository(uow.session)
        deals = await repository._all(with_children(stmt.order_by(OpportunityRow.id).limit(200)))
        return len(deals), sum(d.amount.amount for d in deals if d.amount)
    return run


def new_list(scope: ViewScope) -> Job:
    async def run(uow: SqlAlchemyUnitOfWork) -> Any:
        shown = await uow.opportunities.visible(scope, stages=OPEN_STAGES, limit=30)
        return shown, await uow.opportunities.totals(scope, stages=OPEN_STAGES)
    return run


def old_search(written: str) -> Job:
    async def run(uow: SqlAlchemyUnitOfWork) -> Any:
        needle = written.casefold().strip()
        stmt = (select(CustomerRow).where(CustomerRow.search_text.like(like_pattern(needle), escape="\\"))
                .order_by(CustomerRow.id).limit(10))
        return (await uow.session.execute(stmt)).all()
    return run


def new_search(written: str) -> Job:
    async def run(uow: SqlAlchemyUnitOfWork) -> Any:
        return await uow.customers.search(written, limit=10)
    return run


async def timed(factory: Callable[[], SqlAlchemyUnitOfWork], job: Job, runs: int) -> tuple[float, float]:
    latencies = []
    for _ in range(runs):
        start = time.perf_counter()
        async with factory() as uow:
            await job(uow)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]


def cases(size: Size) -> list[tuple[str, Job, Job]]:
    reps = [Rep(f"销售{r}", team_id=team_of(r, size), id=r) for r in range(1, size.reps + 1)]
    manager = Rep("经理", role=Role.MANAGER, team_id=1, id=size.reps + 1)
    teams = [Team(f"团队{t}", id=t) for t in range(1, size.teams + 1)]
    team_members = sorted(r.id or 0 for r in reps if r.team_id == 1)
    rep_scope = view_scope(reps[6], reps, teams)
    name = company_name(1, random.Random(9))  # customer 1's name (same seed as the load)
    return [
        ("我的商机 rep", old_list([7]), new_list(rep_scope)),
        ("我的商机 manager", old_list([manager.id or 0, *team_members]), new_list(view_scope(manager, reps, teams))),
        ("我的商机 admin", old_list(None), new_list(ViewScope(everything=True))),
        ("客户 full name", old_search(name), new_search(name)),
        ("客户 two characters (明途)", old_search("明途"), new_search("明途")),
        ("客户 common substring (信息技术12)", old_search("信息技术12"), new_search("信息技术12")),
        ("客户 rare substring (12345有限)", old_search("12345有限"), new_search("12345有限")),
    ]


async def bench_engine(engine_name: str, size: Size, runs: int) -> list[str]:
    async with database(engine_name) as url:
        await upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)

        def factory() -> SqlAlchemyUnitOfWork:
            return SqlAlchemyUnitOfWork(sessions, worker_id="bench")
        await load_analyzed(factory, engine_name, size)
        rows = []
        for label, old, new in cases(size):
            await timed(factory, old, 3)  # warm caches and statements
            await timed(factory, new, 3)
            old_median, old_p95 = await timed(factory, old, runs)
            new_median, new_p95 = await timed(factory, new, runs)
            rows.append(f"| {engine_name} | {label} | {old_median:.1f} / {old_p95:.1f} | "
                        f"{new_median:.1f} / {new_p95:.1f} | {old_median / new_median:.1f}× |")
        await engine.dispose()
        return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    size = Size(args.deals)
    print(f"{size.deals} deals, {size.customers} customers, {size.reps} reps in {size.teams} teams; "
          f"median / p95 in ms over {args.runs} runs\n")
    print("| engine | query | old | new | old/new (median) |\n|---|---|---|---|---|")
    for engine_name in args.engines.split(","):
        for row in await bench_engine(engine_name, size, args.runs):
            print(row)


if __name__ == "__main__":
    asyncio.run(main())
