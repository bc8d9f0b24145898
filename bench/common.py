"""Shared bench plumbing: throw-away databases on SQLite and PostgreSQL, timing, printing."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from connectors.base import InboundMessage

PG_URL = os.environ.get("DEALBOT_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def database(engine: str) -> AsyncIterator[str]:
    """A fresh, empty database URL for `engine` ("sqlite" or "postgresql"), removed afterwards."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="dealbot-bench-") as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        return
    dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"dealbot_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def run_concurrently(jobs: list[Callable[[], Awaitable[None]]], concurrency: int) -> list[float]:
    """Run jobs with at most `concurrency` in flight; returns each job's latency in seconds."""
    queue: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            job = queue.get_nowait()
            start = time.perf_counter()
            await job()
            latencies.append(time.perf_counter() - start)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 2 else latencies[0]


async def seed_deals(receive: Callable[[InboundMessage], Awaitable[object]], channel: str, reps: int,
                     per_rep: int) -> None:
    """Through the bot (`Bot.receive`): rep<i> on `channel` opens `per_rep` customers 公司<n> with a deal 项目<n> each,
    n = i * per_rep + 1 …, so a load can name deals #1 … #reps*per_rep by their owners."""
    for rep in range(reps):
        for d in range(1, per_rep + 1):
            n = rep * per_rep + d
            for text in (f"新客户 公司{n}有限公司", f"新商机 公司{n} 项目{n} 50万"):
                await receive(InboundMessage(
                    channel=channel, external_id=f"seed-{rep}-{d}-{len(text)}", conversation_id=f"rep{rep}",
                    sender_id=f"rep{rep}", text=text, received_at=datetime.now(UTC)))
