"""Per-message cost with a big directory: the cached directory against reading it for every batch.

    .venv/bin/python bench/directory.py [--reps 2000] [--messages 300] [--engines sqlite,postgresql]

A company of `--reps` people in teams of 20 (each with a console and a WeCom identity) and a few deals;
one rep sends `--messages` console commands one after another (deal card, follow-up, 我的商机), and each
command's latency is measured end to end (inbox → handler → outbox row). Same run, same database, twice:
"before" reads the whole directory for every batch (what the bot did), "after" is the per-process cache
(one version read per batch). Also reported: full garbage collections per 100 commands, the longest GC
pause and the worst event-loop stall, with the serve-time GC settings (threshold, start-up heap frozen).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from typing import Any

from bench.common import database
from bot.bootstrap import App, bootstrap
from bot.config import load_config
from bot.context import Directory
from bot.directory_cache import DirectoryCache
from connectors.console import ConsoleConnector
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork
from storage.migrate import upgrade
from storage.uow import SqlAlchemyUnitOfWork


class NoCache(DirectoryCache):
    """What the bot did before: the whole directory read for every batch."""

    async def get(self, uow: UnitOfWork, version: Any = None) -> Directory:
        self.misses += 1
        return await Directory.load(uow)


async def seed(app: App, reps: int) -> None:
    async with app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        teams = [await uow.teams.add(Team(f"团队{n}", region="华东")) for n in range(max(1, reps // 20))]
        for n in range(reps):
            role = Role.MANAGER if n % 20 == 0 else Role.REP
            await uow.reps.add(Rep(f"销售{n}", role=role, team_id=teams[n % len(teams)].id, regions=["华东"],
                                   identities={"console": f"rep{n}", "wecom": f"wx{n}"}, email=f"r{n}@x.cn"))
        await uow.commit()


async def run(app: App, connector: ConsoleConnector, messages: int) -> list[float]:
    texts = ["#1", "跟进 #1 电话沟通了方案细节", "#2", "我的商机"]
    latencies = []
    for i in range(messages):
        start = time.perf_counter()
        await app.bot.receive(connector.message(texts[i % len(texts)]))
        latencies.append(time.perf_counter() - start)
    return latencies


async def measure(app: App, connector: ConsoleConnector, messages: int, cache: DirectoryCache) -> dict[str, float]:
    app.bot.directory = cache
    await run(app, connector, 20)  # warm (statement caches, the directory itself)
    gc.collect()
    await asyncio.sleep(0.05)  # the monitor notices this collection's stall before the count starts
    counts, pause, stall = list(app.gc_watch.collections), app.gc_watch.worst_ms, app.monitor.worst_ms
    app.gc_watch.worst_ms = app.monitor.worst_ms = 0.0
    latencies = await run(app, connector, messages)
    per_100 = [(now - then) * 100 / messages for now, then in zip(app.gc_watch.collections, counts, strict=True)]
    result = {"median": statistics.median(latencies) * 1000, "gen0_per_100": per_100[0],
              "p95": statistics.quantiles(latencies, n=20)[18] * 1000,
              "full_gc_per_100": per_100[2],
              "gc_pause": app.gc_watch.worst_ms, "stall": app.monitor.worst_ms}
    app.gc_watch.worst_ms, app.monitor.worst_ms = max(pause, app.gc_watch.worst_ms), max(stall, app.monitor.worst_ms)
    return result


async def bench(url: str, reps: int, messages: int) -> None:
    await upgrade(url)
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    connector = ConsoleConnector("rep1", stdin=io.StringIO(), stdout=io.StringIO())
    app = await bootstrap(config, {"console": connector})
    await seed(app, reps)
    for text in ("新客户 明途科技有限公司", "新商机 明途科技 ERP项目 50万", "新商机 明途科技 运维项目 20万"):
        await app.bot.receive(connector.message(text))
    await app.start_runtime()  # as `serve`: directory warm, heap frozen, GC watched, loop monitored
    tuned = gc.get_threshold()
    try:
        before = await measure(app, connector, messages, NoCache())
        after = await measure(app, connector, messages, DirectoryCache())
        gc.unfreeze()  # the same, with CPython's default GC settings and nothing frozen
        gc.set_threshold(700, 10, 10)
        untuned = await measure(app, connector, messages, DirectoryCache())
    finally:
        await app.close()
        gc.unfreeze()
    print(f"  GC threshold {tuned} with the start-up heap frozen; 'default GC' = (700, 10, 10), nothing frozen")
    for name, r in (("before", before), ("after", after), ("after, default GC", untuned)):
        print(f"  {name:17s} median {r['median']:6.2f} ms  p95 {r['p95']:6.2f} ms  "
              f"GC/100 cmds: young {r['gen0_per_100']:5.1f} full {r['full_gc_per_100']:4.1f}  "
              f"worst GC pause {r['gc_pause']:5.1f} ms  "
              f"worst stall {r['stall']:5.1f} ms")
    print(f"  per-message median: after/before {after['median'] / before['median']:.1%} "
          f"({before['median'] / after['median']:.1f}x faster)")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"console commands with {args.reps} reps, {args.messages} messages sent one after another")
    for engine in args.engines.split(","):
        print(engine)
        async with database(engine) as url:
            await bench(url, args.reps, args.messages)


if __name__ == "__main__":
    asyncio.run(main())
