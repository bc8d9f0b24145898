"""The bot's real first build: KnownCustomers over N customers stored in SQLite (or PostgreSQL).

    .venv/bin/python bench/matcher_db.py [--customers 500000] [--url postgresql+asyncpg://...]

Fills a fresh database with N generated customers (bulk insert), then, in a process that only does
that: the time from `KnownCustomers.start()` to the table being ready (pages read on the event loop,
filled in a worker thread), the worst stall of a 5 ms ticker meanwhile, the time of `names()` for a
message once ready, and of `names()` right after one more customer was added (it is found at once).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.matcher import rows  # noqa: E402
from bot.understanding.known import KnownCustomers  # noqa: E402
from domain.customer import Customer  # noqa: E402
from domain.ports import UnitOfWork  # noqa: E402
from storage.engine import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repositories.customers import SqlAlchemyCustomerRepository  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWork  # noqa: E402


async def fill_database(url: str, count: int) -> None:
    await upgrade(url)
    engine = make_engine(url)
    mapper, table = SqlAlchemyCustomerRepository.mapper, SqlAlchemyCustomerRepository.table()
    data = rows(count)
    async with engine.begin() as connection:
        for start in range(0, count, 5000):
            values = [mapper.columns(Customer(r.name, short_name=r.short_name, aliases=list(r.aliases)),
                                     with_id=False) for r in data[start : start + 5000]]
            await connection.execute(insert(table), values)
    await engine.dispose()


async def measure(url: str) -> None:
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    async with uow() as work:  # as in `serve`: bootstrap has used the engine before the build starts
        await work.customers.max_id()
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(5.0)
    baseline = max(b - a for a, b in itertools.pairwise(ticks))
    ticks.clear()
    known = KnownCustomers(uow)
    started = time.perf_counter()
    known.start()
    assert known._build is not None
    await known._build
    ready = time.perf_counter() - started
    task.cancel()
    stall = max(b - a for a, b in itertools.pairwise(ticks))
    print(f"ready after {ready:.2f} s, {len(known.gazetteer):,} spellings; worst loop stall {stall * 1000:.0f} ms "
          f"(idle loop beforehand, 5 s: {baseline * 1000:.0f} ms)")
    text = "下午和测试的周总通了电话，明天上午9点发方案"
    for label in ("first message", "next message"):
        async with uow() as work:
            began = time.perf_counter()
            await known.names(work, text)
            print(f"names() for the {label} once ready: {(time.perf_counter() - began) * 1000:.1f} ms")
    async with uow() as work:
        added = await work.customers.add(Customer("苏州新加坡科技园区有限公司", short_name="新加坡科"))
        await work.commit()
    async with uow() as work:
        began = time.perf_counter()
        matcher = await known.names(work, "新加坡科的王总")
        took = time.perf_counter() - began
    refs = [k.ref for hit in matcher.find("新加坡科的王总") for k in hit.matches]
    print(f"names() right after a new customer: {took * 1000:.1f} ms, found it: {refs == [added.id]}")
    await engine.dispose()


async def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--customers", type=int, default=500_000)
    options.add_argument("--url", default="")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite+aiosqlite:///{folder}/bench.db"
        began = time.perf_counter()
        await fill_database(url, args.customers)
        print(f"{args.customers:,} customers stored in {time.perf_counter() - began:.0f} s ({url.split(':')[0]})")
        await measure(url)


if __name__ == "__main__":
    asyncio.run(main())
