"""Latency of a real `dealbot serve` on scaled demo companies (issue #9).

    python bench/scale.py --sizes 10k,100k,1m --engines sqlite,postgres --runs 3

Each company is built once with `dealbot demo --deals N` into a database kept under --workdir (SQLite)
or named scalebench_<N> (PostgreSQL) and reused by later runs; --clean drops them all. Per run: start
serve, send the first free text, then 1,000 mixed commands (50 of them new customers, each followed by
free text naming it; one in twenty with fewer --commands); report per command median and p95 (ms),
the slowest /healthz answer (the worst event-loop stall seen from outside), and serve's peak RSS (VmHWM).
Figures also go to --json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scale_serve import ADMIN, REPO, HealthProbe, Serve

PG_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
PG_PREFIX = os.environ.get("SCALE_BENCH_PG_PREFIX", "scalebench_")  # PostgreSQL databases: <prefix><N>
KINDS = ("mine_rep", "mine_manager", "mine_admin", "card", "customer", "followup", "quote", "free_text")
NEW_CUSTOMERS = 50


def size(text: str) -> int:
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def db_url(engine: str, deals: int, workdir: Path) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / f'sqlite-{deals}.db'}"
    return f"{PG_SERVER}/{PG_PREFIX}{deals}"


async def _pg(sql: str, database: str = "test") -> Any:
    import asyncpg

    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}")
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


def build(engine: str, deals: int, workdir: Path) -> None:
    """`dealbot demo --deals N` unless the database is there already (the demo says "already loaded")."""
    url = db_url(engine, deals, workdir)
    if engine == "postgres" and not asyncio.run(_pg(f"SELECT 1 FROM pg_database WHERE datname = '{PG_PREFIX}{deals}'")):
        asyncio.run(_pg(f"CREATE DATABASE {PG_PREFIX}{deals}"))
    config = workdir / f"build-{engine}-{deals}.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "bot.cli", "demo", "--deals", str(deals), "--config", str(config)],
                   cwd=workdir, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, check=True)
    if engine == "postgres":  # a bulk load leaves no visibility map: index-only scans would read the heap
        asyncio.run(_pg("VACUUM ANALYZE", f"{PG_PREFIX}{deals}"))
    print(f"# {engine} {deals:,}: ready after {time.monotonic() - started:.0f} s", flush=True)


async def _sample(url: str) -> dict[str, Any]:
    """Open deals with their owner's console id and customer; the people who ask for their lists."""
    from sqlalchemy import text

    from storage.engine import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            top = (await conn.execute(text("SELECT max(id) FROM opportunities"))).scalar_one()
            step = max(1, top // 400)
            deals = (await conn.execute(text(
                "SELECT o.id, i.external_id, c.name FROM opportunities o JOIN identities i ON i.rep_id = o.owner_id "
                "AND i.channel = 'console' JOIN customers c ON c.id = o.customer_id "
                f"WHERE o.id % {step} = 0 AND o.stage IN ('initial_contact', 'proposal', 'negotiation') "
                "ORDER BY o.id LIMIT 300"))).all()
            people = (await conn.execute(text(
                "SELECT r.role, i.external_id FROM reps r JOIN identities i ON i.rep_id = r.id "
                "AND i.channel = 'console' WHERE r.role IN ('rep', 'manager') ORDER BY r.id"))).all()
    finally:
        await engine.dispose()
    return {"deals": [tuple(d) for d in deals], "reps": [p[1] for p in people if p[0] == "rep"],
            "managers": [p[1] for p in people if p[0] == "manager"]}


def workload(sample: dict[str, Any], commands: int, rng: random.Random, tag: str) -> list[tuple[str, str, str]]:
    """(kind, user, text): `commands` in all, NEW_CUSTOMERS of them new customers, each followed by free
    text naming it."""
    plan: list[tuple[str, str, str]] = []
    new_customers = min(NEW_CUSTOMERS, commands // 20)
    for n in range(commands - 2 * new_customers):
        kind = KINDS[n % len(KINDS)]
        deal, owner, customer = rng.choice(sample["deals"])
        plan.append({
            "mine_rep": ("mine_rep", owner, "我的商机"),
            "mine_manager": ("mine_manager", rng.choice(sample["managers"]), "我的商机"),
            "mine_admin": ("mine_admin", ADMIN, "我的商机"),
            "card": ("card", owner, f"#{deal}"),
            "customer": ("customer", owner, f"客户 {customer}"),
            "followup": ("followup", owner, f"跟进 #{deal} 电话沟通了需求和报价"),
            "quote": ("quote", owner, f"报价 #{deal} {rng.randint(10, 500)}万 含三年运维"),
            "free_text": ("free_text", owner, f"今天拜访了{customer}，聊了方案"),
        }[kind])
    for n in range(new_customers):
        rep = rng.choice(sample["reps"])
        name = f"苏州基准{tag}{n:02d}号精密机械有限公司"
        at = rng.randrange(len(plan))
        plan[at:at] = [("new_customer", rep, f"新客户 {name} 区域 华东"),
                       ("new_customer_free_text", rep, f"刚拜访了{name}，下周报价")]
    return plan


def one_run(engine: str, deals: int, workdir: Path, commands: int, run: int,
            risk_minutes: float | None = None) -> dict[str, Any]:
    url = db_url(engine, deals, workdir) if risk_minutes is None else scratch_copy(engine, deals, workdir)
    sample = asyncio.run(_sample(url))
    rng = random.Random(f"{engine}:{deals}:{run}:{time.time_ns()}")
    serve = Serve(workdir / f"serve-{engine}-{deals}-{run}", url, risk_minutes)
    latencies: dict[str, list[float]] = defaultdict(list)
    replies: dict[str, str] = {}
    try:
        startup = serve.wait_ready()
        probe = HealthProbe(serve.base + "/healthz")
        probe.start()
        _deal, owner, customer = sample["deals"][0]
        first, answer = serve.say(owner, f"今天拜访了{customer}，约了下周演示")
        replies["first_free_text"] = " | ".join(answer)[:160]
        for kind, user, text in workload(sample, commands, rng, f"{run}{time.time_ns() % 100_000:05d}"):
            took, answer = serve.say(user, text)
            latencies[kind].append(took)
            replies.setdefault(kind, " | ".join(answer)[:160])
        probe.stop()
        rss, stall_logged = serve.peak_rss_mb(), serve.logged_stall()
    finally:
        serve.stop()
    risks = asyncio.run(_risk_state(url)) if risk_minutes is not None else {}
    return {**risks, "engine": engine, "deals": deals, "run": run, "startup_s": startup,
            "first_free_text_ms": first * 1e3,
            "worst_healthz_ms": probe.worst * 1e3, "probes": probe.count, "stall_logged_ms": stall_logged,
            "peak_rss_mb": rss, "replies": replies, "load_avg_1m": os.getloadavg()[0],
            "commands": {k: {"n": len(v), "median_ms": statistics.median(v) * 1e3, "p95_ms": p95(v) * 1e3}
                         for k, v in latencies.items()}}


def scratch_copy(engine: str, deals: int, workdir: Path) -> str:
    """A fresh copy of the company for a run whose risk scan writes warnings (the original stays as built)."""
    if engine == "sqlite":
        target = workdir / f"scratch-sqlite-{deals}.db"
        shutil.copyfile(workdir / f"sqlite-{deals}.db", target)
        return f"sqlite+aiosqlite:///{target}"
    name = f"{PG_PREFIX}scratch_{deals}"
    asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_pg(f'CREATE DATABASE "{name}" TEMPLATE "{PG_PREFIX}{deals}"'))
    return f"{PG_SERVER}/{name}"


async def _risk_state(url: str) -> dict[str, Any]:
    """How far the risk scan got while the commands ran: warnings stored, sent, and whether a full scan ended."""
    from sqlalchemy import text

    from storage.engine import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            stored, sent = (await conn.execute(text(
                "SELECT count(*), count(sent_at) FROM risk_alerts"))).one()
            done = (await conn.execute(text("SELECT count(*) FROM settings WHERE key = 'risks:scanned'"))).scalar()
    finally:
        await engine.dispose()
    return {"risk_warnings_stored": stored, "risk_warnings_sent": sent, "risk_full_scan_done": bool(done)}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def table(result: dict[str, Any]) -> str:
    r = result
    lines = [f"## {r['engine']} {r['deals']:,} deals, run {r['run']}: start {r['startup_s']:.1f} s, "
             f"first free text {r['first_free_text_ms']:.0f} ms, worst /healthz {r['worst_healthz_ms']:.0f} ms "
             f"({result['probes']} probes), logged stall {result['stall_logged_ms']:.0f} ms, "
             f"peak RSS {result['peak_rss_mb']:.0f} MB", "| command | n | median ms | p95 ms |", "|---|---|---|---|"]
    if "risk_warnings_stored" in r:
        lines.insert(1, f"risk scan during the run: {r['risk_warnings_stored']:,} warnings stored, "
                        f"{r['risk_warnings_sent']:,} sent, full scan finished: {r['risk_full_scan_done']}")
    for kind, figures in sorted(result["commands"].items()):
        lines.append(f"| {kind} | {figures['n']} | {figures['median_ms']:.1f} | {figures['p95_ms']:.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/dealbot-scale"))
    parser.add_argument("--json", type=Path, default=None, help="append each run's figures (JSON lines)")
    parser.add_argument("--clean", action="store_true", help="drop the bench databases and files, then exit")
    parser.add_argument("--risk-minutes", type=float, default=None,
                        help="run serve's risk scan every M minutes (first run M minutes after start) on a copy of "
                             "the company, so a full scan runs during the commands")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.clean:
        for row in asyncio.run(_pg("SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%'")):
            asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{row[0]}" WITH (FORCE)'))
        shutil.rmtree(args.workdir, ignore_errors=True)
        return 0
    for engine in args.engines.split(","):
        for deals in map(size, args.sizes.split(",")):
            build(engine, deals, args.workdir)
            for run in range(1, args.runs + 1):
                result = one_run(engine, deals, args.workdir, args.commands, run, args.risk_minutes)
                print(table(result), flush=True)
                if args.json is not None:
                    with args.json.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
