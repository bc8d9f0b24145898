"""The lead pool's reclaim scan at size (issue #14): seconds and peak memory of one scan over a company of
500k customers and 1M deals, against a baseline measured in the same run.

    .venv/bin/python bench/pool_scan.py [--customers 500000] [--runs 3] [--cache DIR] [--pg URL [--pg-only]]
                                        [--build-only]

The company is `dealbot demo --deals N` (N = 2 × customers; every customer held by a rep, follow-ups and
deals of three years) bulk-loaded once into a cached SQLite file (DIR/pool-<customers>-r2.db) and, with --pg,
into that PostgreSQL database (loaded once; a run works on a copy: CREATE DATABASE … TEMPLATE). Every run is
a fresh process, timed inside the process, peak RSS from /proc/self/status VmHWM; each of the `--runs` rounds
measures, each in its own process:
- baseline: one SQL pass over the held customers with the scan's aggregates (last follow-up, open deals,
  last close, last win, signed contracts) — `SELECT count(*)` over the joined aggregates, nothing written;
- first: scheduler.pool.reclaim_scan, the job's own code (keyset pages of 500 customers then leads, facts per
  page, a page's warnings in one INSERT, reclaims, then one message per owner), with the default rules a day
  after the load, on a fresh copy of the company (most customers are warned: the pool just switched on);
- steady: the next day's scan on that same copy, where those customers were already warned and only the ones
  newly near a deadline are written.
Prints min / median / max seconds and peak RSS of each, and the scans' counts (held, warned, reclaimed,
messages queued).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOADED_AT = datetime(2026, 12, 1, 2, tzinfo=UTC)
SCAN_AT = LOADED_AT + timedelta(days=1)
KINDS = ("baseline", "first", "steady")
SCHEMA = "r2"  # bump when the schema the cache was built with changes (r2: index followups(lead_id, at))
BASELINE = """
SELECT count(*), max(f.last), sum(d.open), max(d.closed), max(d.won), count(k.customer_id)
FROM customers c
LEFT JOIN (SELECT customer_id, max(at) AS last FROM followups GROUP BY customer_id) f ON f.customer_id = c.id
LEFT JOIN (SELECT customer_id,
                  sum(CASE WHEN stage IN ('initial_contact', 'proposal', 'negotiation') THEN 1 ELSE 0 END) AS open,
                  max(CASE WHEN stage IN ('won', 'lost') THEN closed_at END) AS closed,
                  max(CASE WHEN stage = 'won' THEN closed_at END) AS won
           FROM opportunities GROUP BY customer_id) d ON d.customer_id = c.id
LEFT JOIN (SELECT DISTINCT o.customer_id FROM contracts t JOIN opportunities o ON o.id = t.opportunity_id
           WHERE t.signed_on IS NOT NULL) k ON k.customer_id = c.id
WHERE c.owner_id IS NOT NULL
"""


async def child(kind: str, url: str) -> dict[str, object]:
    """One measured run in this process."""
    from sqlalchemy import text

    from domain.pool import PoolSettings
    from scheduler.pool import reclaim_scan
    from storage.engine import make_engine, make_session_factory
    from storage.uow import SqlAlchemyUnitOfWork

    engine = make_engine(url)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    try:
        if kind == "baseline":
            async with engine.connect() as connection:
                held = (await connection.execute(text(BASELINE))).first()
            counts: dict[str, object] = {"held": held[0] if held else 0}
        else:
            at = SCAN_AT if kind == "first" else SCAN_AT + timedelta(days=1)
            result = await reclaim_scan(lambda: SqlAlchemyUnitOfWork(factory), at, PoolSettings())
            counts = {"held": result.scanned, "warned": result.warned_count, "reclaimed": result.reclaimed_count,
                      "messages": result.messages}
    finally:
        await engine.dispose()
    seconds = time.perf_counter() - started
    return {"kind": kind, "seconds": seconds, "rss_mb": peak_rss_mb(), **counts}


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (Linux; getrusage's ru_maxrss keeps the parent's peak across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def build(url: str, customers: int) -> None:
    """The scaled demo company, bulk-loaded once (load_scaled_demo skips a database that holds it)."""
    from bot.demo_scale import load_scaled_demo
    from storage.bulk import open_bulk_writer
    from storage.engine import make_engine
    from storage.migrate import upgrade
    from storage.search_schema import analyze

    await upgrade(url)
    writer = await open_bulk_writer(url)
    try:
        print(await load_scaled_demo(writer, deals=2 * customers, seed=14, now=LOADED_AT), file=sys.stderr)
    finally:
        await writer.close()
    engine = make_engine(url)
    async with engine.begin() as connection:
        await analyze(connection)
    await engine.dispose()


def measure(kind: str, url: str) -> dict[str, object]:
    out = subprocess.run([PYTHON, __file__, "--child", kind, url], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def sqlite_runs(base: Path, runs: int) -> list[dict[str, object]]:
    found = []
    work = base.with_name(base.stem + "-run.db")
    for _ in range(runs):
        for kind in KINDS:
            if kind != "steady":  # the steady scan works on the first scan's copy
                shutil.copyfile(base, work)
            found.append(measure(kind, f"sqlite+aiosqlite:///{work}"))
    work.unlink(missing_ok=True)
    return found


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql", database="postgres")
                                       .render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def pg_runs(url: str, runs: int) -> list[dict[str, object]]:
    from sqlalchemy.engine import make_url

    base = make_url(url).database
    copy = f"{base}_pool_run"
    found = []
    for _ in range(runs):
        for kind in KINDS:
            if kind != "steady":  # the steady scan works on the first scan's copy
                asyncio.run(_pg_admin(url, f'DROP DATABASE IF EXISTS "{copy}"'))
                asyncio.run(_pg_admin(url, f'CREATE DATABASE "{copy}" TEMPLATE "{base}"'))
            found.append(measure(kind, make_url(url).set(database=copy).render_as_string(hide_password=False)))
    asyncio.run(_pg_admin(url, f'DROP DATABASE IF EXISTS "{copy}"'))
    return found


def report(engine: str, found: list[dict[str, object]]) -> None:
    print(f"## {engine}")
    for kind in KINDS:
        runs = [r for r in found if r["kind"] == kind]
        seconds = [float(str(r["seconds"])) for r in runs]
        rss = [float(str(r["rss_mb"])) for r in runs]
        extra = {k: runs[-1][k] for k in ("held", "warned", "reclaimed", "messages") if k in runs[-1]}
        print(f"{kind:8} runs {len(runs)}  seconds min {min(seconds):.2f} median {statistics.median(seconds):.2f} "
              f"max {max(seconds):.2f}  peak RSS MB min {min(rss):.0f} median {statistics.median(rss):.0f} "
              f"max {max(rss):.0f}  {extra}")
    print(json.dumps({"engine": engine, "runs": found}, default=str))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/dealbot-bench"))
    parser.add_argument("--pg", help="postgresql+asyncpg://… database to load (once) and copy per run")
    parser.add_argument("--pg-only", action="store_true", help="with --pg: the PostgreSQL runs only")
    parser.add_argument("--build-only", action="store_true", help="build the cached company (and --pg's), no runs")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child[0], args.child[1])), default=str))
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    base = args.cache / f"pool-{args.customers}-{SCHEMA}.db"
    if not base.exists():
        partial = base.with_suffix(".loading")
        partial.unlink(missing_ok=True)
        asyncio.run(build(f"sqlite+aiosqlite:///{partial}", args.customers))
        partial.rename(base)
    if args.pg:
        asyncio.run(build(args.pg, args.customers))  # skipped when the database holds the company already
    if args.build_only:
        return 0
    print(f"customers {args.customers:,}, deals {2 * args.customers:,}, scan at {SCAN_AT.isoformat()}")
    if not args.pg_only:
        report("sqlite", sqlite_runs(base, args.runs))
    if args.pg:
        report("postgresql", pg_runs(args.pg, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
