"""The inbox work queue on PostgreSQL: claim overhead, and two `serve`-like processes against one.

    .venv/bin/python bench/queue_throughput.py [--messages 3000] [--engines postgresql]

1. Claim overhead, same run, same engine: per message, the bot's batch bookkeeping now
   (`lock` at the start of the batch + `mark_done` that checks the claim, 64 rows per transaction)
   against the unconditional `mark_processed_many` it replaces; and the sweep's `take` (SKIP LOCKED).
2. Throughput: N stored-but-unprocessed WeCom text messages (a mix of commands of 8 known reps) are
   processed by one worker process, then N others by two worker processes on the same database, each
   a real bootstrap()ed bot that finds its work through the sweep (`sweep_interval` 0.05 s) — the path a
   restart or a second `serve` takes. Reported: messages/s, the two-process/one-process ratio, how the
   rows split between the workers, and exactly-once checks (every row done once, one reply per row).
The machine (2 cores) is shared: two processes cannot run faster than the cores they get.
PostgreSQL: DEALBOT_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import multiprocessing
import random
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from multiprocessing.synchronize import Event
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.common import database
from bench.wecom_callback import REPS, command, seeded_bot
from bot.bootstrap import bootstrap
from bot.config import load_config
from domain.messaging import Claim, InboxRecord
from storage.engine import make_engine, make_session_factory
from storage.models import InboxRow, OutboxRow
from storage.uow import SqlAlchemyUnitOfWork

BATCH = 64


def record(i: int, rng: random.Random, run: str) -> InboxRecord:
    rep = i % len(REPS)
    return InboxRecord("wecom", f"{run}-{i}", f"rep{rep}", f"rep{rep}", command(i, rng), datetime.now(UTC),
                       payload={"thread_refs": [], "subject": "", "attachments": [], "extra": {"msgtype": "text"}})


# -- 1. claim overhead ----------------------------------------------------------------------------

async def timed(sessions: Callable[[], SqlAlchemyUnitOfWork], rounds: int,
                steps: dict[str, Callable[[SqlAlchemyUnitOfWork, int], Awaitable[None]]]) -> dict[str, float]:
    """Microseconds per message of each step (one transaction of BATCH messages per round); the steps
    take turns round by round, so that a change in the machine's load hits them alike."""
    spent = dict.fromkeys(steps, 0.0)
    for index in range(rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            async with sessions() as uow:
                await step(uow, index)
                await uow.commit()
            spent[name] += time.perf_counter() - started
    return {name: total / (rounds * BATCH) * 1e6 for name, total in spent.items()}


async def claim_overhead(url: str, messages: int) -> tuple[float, float, float]:
    engine = make_engine(url)
    factory = make_session_factory(engine)

    def sessions() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory, worker_id="bench")

    rng, rounds = random.Random(1), messages // BATCH
    claim = Claim("bench", datetime(2100, 1, 1, tzinfo=UTC))
    keys = {run: [[("wecom", f"{run}-{r * BATCH + i}") for i in range(BATCH)] for r in range(rounds)]
            for run in ("old", "new", "swept")}
    async with sessions() as uow:
        for run in keys:
            for i in range(rounds * BATCH):
                await uow.inbox.add(record(i, rng, run), None if run == "swept" else claim)
        await uow.commit()

    async def old(uow: SqlAlchemyUnitOfWork, r: int) -> None:
        await uow.inbox.mark_processed_many(keys["old"][r], datetime.now(UTC))

    async def new(uow: SqlAlchemyUnitOfWork, r: int) -> None:
        held = await uow.inbox.lock(keys["new"][r], "bench")
        await uow.inbox.mark_done(held, "bench", datetime.now(UTC))

    async def swept(uow: SqlAlchemyUnitOfWork, r: int) -> None:
        await uow.inbox.take(claim, datetime.now(UTC), BATCH)

    try:
        result = await timed(sessions, rounds, {"old": old, "new": new, "swept": swept})
        return result["old"], result["new"], result["swept"]
    finally:
        await engine.dispose()


# -- 2. one worker process against two -----------------------------------------------------------

def worker(url: str, ready: Event, go: Event, stop: Event) -> None:
    asyncio.run(_worker(url, ready, go, stop))


async def _worker(url: str, ready: Event, go: Event, stop: Event) -> None:
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    config.sections.update({"teams": [{"name": "华东一组"}], "users": REPS})
    config.sections["queue"].update({"sweep_interval": 0.05, "lease_seconds": 30})
    app = await bootstrap(config, migrate=False)
    settings = app.bot.queue.settings  # small in-memory share: the processes split the rows as they go
    app.bot.queue.settings = dataclasses.replace(settings, sweep_batch=BATCH, max_backlog=2 * BATCH)
    ready.set()
    await asyncio.to_thread(go.wait)
    app.bot.start()
    await asyncio.to_thread(stop.wait)
    await app.close(grace=10.0)


async def counts(url: str, run: str) -> tuple[int, int, dict[str, int]]:
    """Rows of `run` done, replies (all), and how the done rows of `run` split between workers."""
    engine = make_engine(url)
    ours = (InboxRow.state == "done", InboxRow.external_id.like(f"{run}-%"))
    try:
        async with make_session_factory(engine)() as session:
            done = await session.scalar(select(func.count()).where(*ours))
            replies = await session.scalar(select(func.count()).select_from(OutboxRow))
            split = dict((await session.execute(select(InboxRow.claimed_by, func.count())
                                                .where(*ours).group_by(InboxRow.claimed_by))).all())
        return int(done or 0), int(replies or 0), {str(k): int(v) for k, v in split.items()}
    finally:
        await engine.dispose()


async def throughput(url: str, processes: int, messages: int, run: str) -> tuple[float, str]:
    _, replies_before, _ = await counts(url, run)
    engine = make_engine(url)
    rng = random.Random(run)
    async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
        for i in range(messages):
            await uow.inbox.add(record(i, rng, run))
        await uow.commit()
    await engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    go, stop = ctx.Event(), ctx.Event()
    readies = [ctx.Event() for _ in range(processes)]
    procs = [ctx.Process(target=worker, args=(url, ready, go, stop)) for ready in readies]
    for proc in procs:
        proc.start()
    for ready in readies:
        await asyncio.to_thread(ready.wait, 120)
    started = time.perf_counter()
    go.set()
    while (await counts(url, run))[0] < messages and time.perf_counter() - started < 300:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    for proc in procs:
        await asyncio.to_thread(proc.join, 60)
    done, replies, split = await counts(url, run)
    split_text = "/".join(str(n) for n in sorted(split.values(), reverse=True))
    check = f"done {done}/{messages}, replies {replies - replies_before}, split {split_text}"
    return messages / elapsed, check


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--engines", default="postgresql")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        async with database(engine) as url:
            await (await seeded_bot(url)).close()  # the schema, the reps and their deals
            old, new, swept = await claim_overhead(url, args.messages)
            print(f"[{engine}] claim overhead per message (batches of {BATCH}): unconditional done mark "
                  f"{old:.1f} µs; lock + checked done mark {new:.1f} µs (+{new - old:.1f} µs); "
                  f"sweep take {swept:.1f} µs", flush=True)
            one, check1 = await throughput(url, 1, args.messages, "one")
            print(f"[{engine}] 1 process : {one:7.0f} messages/s  ({check1})", flush=True)
            two, check2 = await throughput(url, 2, args.messages, "two")
            print(f"[{engine}] 2 processes: {two:7.0f} messages/s  ({check2}); ratio {two / one:.2f}x", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
