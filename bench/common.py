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
from pathlib import Path

import asyncpg

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
