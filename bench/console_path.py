"""Commands per second through the console channel path, against raw inbox inserts with group commit.

    .venv/bin/python bench/console_path.py [--messages 3000] [--concurrency 32]

Path measured: console message → inbox (dedupe) → router/parse → handler → unit of work → outbox row.
Baseline, same run, same engine: GroupCommitInbox.put of the same number of raw inbound rows.
Target (issue #2): path ≥ 20% of the baseline on SQLite; PostgreSQL reported beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import io
import random
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import database, p99, run_concurrently
from bot.bootstrap import bootstrap
from bot.config import load_config
from connectors.console import ConsoleConnector
from domain.messaging import InboxRecord
from storage.engine import make_engine
from storage.inbox import GroupCommitInbox
from storage.migrate import upgrade

REPS = [{"name": f"销售{i}", "role": "rep", "team": "华东一组", "console": f"rep{i}"} for i in range(8)]
DEALS_PER_REP = 5


def command_mix(rep: int, rng: random.Random) -> str:
    deal = rep * DEALS_PER_REP + rng.randint(1, DEALS_PER_REP)
    return rng.choice([
        f"跟进 #{deal} 电话沟通了方案细节",
        f"跟进 #{deal} 拜访客户 下次 2026-12-{rng.randint(1, 28):02d} 发送报价",
        f"报价 #{deal} {rng.randint(10, 500)}.{rng.randint(0, 9)}万 含运维",
        f"#{deal}",
        "我的商机",
        f"客户 公司{deal}",
    ])


async def baseline(url: str, messages: int, concurrency: int) -> tuple[float, float]:
    await upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    async with GroupCommitInbox(engine) as inbox:
        jobs = [lambda i=i: inbox.put(InboxRecord("console", f"b{i}", "c", "rep0", "跟进 #1 电话沟通", now))
                for i in range(messages)]
        start = time.perf_counter()
        latencies = await run_concurrently(jobs, concurrency)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
    await engine.dispose()
    return messages / elapsed, p99(latencies)


async def console_path(url: str, messages: int, concurrency: int) -> tuple[float, float]:
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    config.sections.update({"teams": [{"name": "华东一组"}], "users": REPS})
    connector = ConsoleConnector("rep0", stdin=io.StringIO(), stdout=io.StringIO())
    app = await bootstrap(config, {"console": connector})
    for rep in range(len(REPS)):
        for d in range(1, DEALS_PER_REP + 1):
            number = rep * DEALS_PER_REP + d
            await app.bot.receive(_message(connector, f"rep{rep}", f"新客户 公司{number}有限公司"))
            await app.bot.receive(_message(connector, f"rep{rep}", f"新商机 公司{number} 项目{number} 50万"))
    rng = random.Random(7)
    jobs: list[Callable[[], Awaitable[None]]] = []
    for i in range(messages):
        rep = i % len(REPS)
        jobs.append(functools.partial(app.bot.receive, _message(connector, f"rep{rep}", command_mix(rep, rng))))
    start = time.perf_counter()
    latencies = await run_concurrently(jobs, concurrency)
    elapsed = time.perf_counter() - start
    await app.close()
    return messages / elapsed, p99(latencies)


def _message(connector: ConsoleConnector, user: str, text: str):  # type: ignore[no-untyped-def]
    connector.user = user
    return connector.message(text)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"console path vs raw inbox insert (group commit); {args.messages} messages, "
          f"{args.concurrency} concurrent senders")
    for engine in args.engines.split(","):
        async with database(engine) as url:
            base_rate, base_p99 = await baseline(url, args.messages, args.concurrency)
        async with database(engine) as url:
            path_rate, path_p99 = await console_path(url, args.messages, args.concurrency)
        print(f"{engine:10s} baseline {base_rate:8.0f} rows/s (p99 {base_p99 * 1000:6.1f} ms)  "
              f"path {path_rate:7.0f} cmds/s (p99 {path_p99 * 1000:6.1f} ms)  "
              f"ratio {path_rate / base_rate:6.1%}")


if __name__ == "__main__":
    asyncio.run(main())
