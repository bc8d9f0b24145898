"""Housekeeping: pruning N expired outbox rows in chunks, on SQLite and PostgreSQL.

    .venv/bin/python bench/housekeeping.py [--rows 1000000] [--chunk 5000] [--engines sqlite postgresql]

The outbox holds N sent rows 30 days old, with a pending row after every 9 (kept). One Housekeeper run
(the scheduled job's code path: lease renewed per chunk, keyset over ids, DELETE by id) prunes them.
Reported: rows/s, the median and longest chunk transaction, and the worst event-loop stall seen by a
10 ms ticker running beside it, in wall time and in this process's CPU time (SQLite runs its statements on
the loop's thread: a chunk is a stall; on a loaded machine the wall figure also counts time not scheduled).
PostgreSQL: DEALBOT_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import case, insert, literal, select

from bench.common import database
from domain.retention import RetentionPolicy, Target
from scheduler.housekeeping import Housekeeper
from storage.engine import make_engine, make_session_factory
from storage.housekeeping import Archive, Chunk, Lease, SqlAlchemyHousekeeping
from storage.migrate import upgrade
from storage.models import OutboxRow

NOW = datetime.now(UTC)


class TimedStore(SqlAlchemyHousekeeping):
    """Seconds each chunk transaction took."""

    spent: list[float]

    async def prune_chunk(self, target: Target, cutoff: datetime, limit: int, *, lease: Lease | None = None,
                          archive: Archive | None = None) -> Chunk:
        started = time.perf_counter()
        chunk = await super().prune_chunk(target, cutoff, limit, lease=lease, archive=archive)
        self.spent.append(time.perf_counter() - started)
        return chunk


async def fill(url: str, rows: int) -> None:
    """rows sent 30 days ago, plus one pending row after every 9, written by one INSERT ... SELECT."""
    engine = make_engine(url)
    old = NOW - timedelta(days=30)
    total = rows + rows // 9
    series = select(literal(1).label("i")).cte("series", recursive=True)
    series = series.union_all(select(series.c.i + 1).where(series.c.i < total))
    i = series.c.i
    pending = (i % 10) == 0
    source = select(literal("wecom"), literal("zw"), literal("已发送的回复"), literal(old, OutboxRow.created_at.type),
                    literal(""), literal({}, OutboxRow.extra.type),
                    case((pending, literal("pending")), else_=literal("sent")), literal(1), literal(""),
                    case((pending, literal(None, OutboxRow.sent_at.type)), else_=literal(old, OutboxRow.sent_at.type)))
    columns = ["channel", "recipient", "text", "created_at", "subject", "extra", "status", "attempts",
               "last_error", "sent_at"]
    async with engine.begin() as connection:
        await connection.execute(insert(OutboxRow).from_select(columns, source.select_from(series)))
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await (await connection.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql(
                "VACUUM ANALYZE outbox")
    await engine.dispose()


async def ticker(stalls: list[tuple[float, float]], stop: asyncio.Event) -> None:
    """(wall, CPU) seconds a 10 ms sleep overran by: with the CPU time, a loop kept busy by this process
    (a SQLite chunk) is told apart from a process the OS did not run (the 2 shared cores were busy)."""
    while not stop.is_set():
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.sleep(0.01)
        stalls.append((time.perf_counter() - started - 0.01, time.process_time() - cpu))


async def run(engine_name: str, rows: int, chunk: int) -> None:
    async with database(engine_name) as url:
        await upgrade(url)
        started = time.perf_counter()
        await fill(url, rows)
        filled = time.perf_counter() - started
        engine = make_engine(url)
        store = TimedStore(make_session_factory(engine))
        store.spent = []
        keeper = Housekeeper(store, RetentionPolicy(chunk=chunk), "bench", clock=lambda: NOW)
        stalls: list[tuple[float, float]] = []
        stop = asyncio.Event()
        tick = asyncio.create_task(ticker(stalls, stop))
        started = time.perf_counter()
        report = await keeper.run_once()
        spent = time.perf_counter() - started
        stop.set()
        await tick
        await engine.dispose()
    pruned = report.counts[Target.OUTBOX_SENT]
    print(f"{engine_name:10} rows {pruned:>9,} (of {rows:,}; filled in {filled:.0f} s) chunk {chunk:>5}: "
          f"{pruned / spent:>9,.0f} rows/s, {spent:6.1f} s, {report.chunks} chunks, "
          f"chunk median {statistics.median(store.spent) * 1000:5.1f} ms, longest {max(store.spent) * 1000:6.1f} ms, "
          f"worst loop stall {max(stalls, default=(0.0, 0.0))[0] * 1000:6.1f} ms, "
          f"worst busy loop (CPU) {max((c for _, c in stalls), default=0.0) * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, nargs="+", default=[5000])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    for engine_name in args.engines:
        for chunk in args.chunk:
            asyncio.run(run(engine_name, args.rows, chunk))


if __name__ == "__main__":
    main()
