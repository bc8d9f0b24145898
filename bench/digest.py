"""Every team's daily digest at size, against the bare SQL it needs, in the same run.

    .venv/bin/python bench/digest.py --sqlite FILE.db --pg postgresql+asyncpg://…/db [--runs 3] [--charts]

Reads an existing company (e.g. `dealbot demo --deals 1m`: 2,000 reps in 100 teams); writes nothing.
1. Warm-up: compose every team's digest once while recording each SQL statement and its parameters as sent
   to the driver (SQLAlchemy's before_cursor_execute): that list is exactly the SQL the digests need.
2. `--runs` times, alternating: the baseline replays those statements on a bare driver connection (sqlite3 /
   asyncpg, fetching every row, no ORM, no domain objects); the digest builds every team's digest the way
   scheduler.digest does (compose_digest in its own unit of work, then the chat markdown split for WeCom).
   With --charts the email version's two PNG charts and HTML are rendered too, timed on their own.
3. Peak memory: one more pass of each under tracemalloc (Python heap; peak over the whole pass, and the
   largest peak of one team's digest above what was held before it: the number to compare across sizes).
Prints one JSON line per engine (seconds min/median/max, ratio of medians, peak MiB) and a markdown table.
With --with-risks each run also times two full risk scans (bench/digest_risks.py), each against the bare
SQL it sends: a first scan from an empty ledger (every warning stored and delivered), then the next day's
full scan (every candidate judged again; only what crossed a threshold overnight is new). It WRITES (and
clears before each run) the warning ledger, its watermark and the outbox rows it queued: use a copy.
The process runs with `serve`'s garbage-collector settings (bot.runtime: tune_gc, then freeze_heap once the
company is loaded), as the jobs do inside `serve`; the bare replays run in the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.engine import make_url

from bench.digest_risks import RiskRuns
from bench.replay import READS, Recorded, recording, replay
from bot.digest.compose import compose_digest
from bot.digest.fonts import find_cjk_font
from bot.digest.markdown import split_for_channel
from bot.digest.messages import email_push
from bot.digest.settings import DigestSettings
from bot.runtime import freeze_heap, tune_gc
from domain.people import Team
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")


class Digests:
    """One engine's company: its teams and a way to build each team's digest."""

    def __init__(self, url: str, day: date, settings: DigestSettings) -> None:
        self.url, self.day, self.settings = url, day, settings
        self.engine = make_engine(url)
        factory = make_session_factory(self.engine)

        def uow_factory() -> SqlAlchemyUnitOfWork:
            return SqlAlchemyUnitOfWork(factory, zone=ZONE)

        self.uow_factory = uow_factory
        self.at = datetime.combine(day, settings.time, ZONE)
        self.teams: list[Team] = []
        self.recorded: list[Recorded] = []

    async def load(self) -> None:
        async with self.uow_factory() as uow:
            self.teams = list(await uow.teams.list())

    async def build_all(self, charts: bool = False) -> float:
        """Every team's digest as the job builds it; returns the seconds spent on charts (0 without).
        Under tracemalloc, `team_peaks` gets each team's peak above what was held when it started."""
        chart_seconds = 0.0
        self.team_peaks: list[int] = []
        for team in self.teams:
            tracing = tracemalloc.is_tracing()
            if tracing:
                tracemalloc.reset_peak()
                held = tracemalloc.get_traced_memory()[0]
            async with self.uow_factory() as uow:
                digest = await compose_digest(uow, team, self.day, self.at, self.settings, admin=True)
            split_for_channel(digest, "zh", "wecom")
            if tracing:
                self.team_peaks.append(tracemalloc.get_traced_memory()[1] - held)
            if charts:
                start = time.perf_counter()
                await asyncio.to_thread(email_push, digest, "zh", find_cjk_font())
                chart_seconds += time.perf_counter() - start
        return chart_seconds

    async def record(self) -> None:
        """Build every digest once, keeping each statement the driver is sent."""
        self.recorded = await recording(self.engine, self.build_all, READS)


async def timed(job: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await job()
    return time.perf_counter() - start


async def peak_mib(job: Callable[[], Awaitable[Any]]) -> float:
    tracemalloc.start()
    try:
        await job()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3), "max": round(max(values), 3)}


async def bench_engine(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    digests = Digests(url, args.day, DigestSettings())
    try:
        await digests.load()
        freeze_heap()  # as `serve` does once started (bot.bootstrap): the start-up heap out of collections
        await digests.record()
        statements = digests.recorded
        baseline, built, charts = [], [], []
        for _ in range(args.runs):
            baseline.append(await timed(lambda: replay(url, statements, keep=False)))
            start = time.perf_counter()
            chart_seconds = await digests.build_all(args.charts)
            built.append(time.perf_counter() - start - chart_seconds)
            charts.append(chart_seconds)
        result = {
            "engine": name, "url": make_url(url).render_as_string(hide_password=True), "teams": len(digests.teams),
            "statements": len(statements), "baseline_s": spread(baseline), "digest_s": spread(built),
            "ratio": round(statistics.median(built) / statistics.median(baseline), 2) if baseline else None,
            "ratio_runs": spread([b / a for a, b in zip(baseline, built, strict=True)]),
            "baseline_peak_mib": round(await peak_mib(lambda: replay(url, statements, keep=False)), 2),
            "digest_peak_mib": round(await peak_mib(digests.build_all), 2),
            "digest_team_peak_mib": round(max(digests.team_peaks) / 2**20, 3),
        }
        if args.charts:
            result["charts_s"] = spread(charts)
        if args.with_risks:
            result.update(await risk_figures(digests, args.runs, baseline, built))
        return result
    finally:
        await digests.engine.dispose()


async def risk_figures(digests: Digests, runs: int, bare_digest: list[float], digest: list[float]) -> dict[str, Any]:
    """Per run, alternating with their bare SQL: a first full risk scan, then the next day's full scan. The
    target's ratios, each within one run (min / median / max over the runs): (digests + scan) against the
    digests' bare SQL alone, and against both bare halves."""
    risks = RiskRuns(digests)
    await risks.record()
    times: dict[str, list[float]] = {"bare_first": [], "first": [], "bare_next_day": [], "next_day": []}
    for _ in range(runs):
        times["bare_first"].append(await risks.bare("first"))
        times["first"].append(await risks.first())
        times["bare_next_day"].append(await risks.bare("next_day"))
        times["next_day"].append(await risks.next_day())
    figures: dict[str, Any] = {"risk_statements": {k: len(v) for k, v in risks.recorded.items()},
                               "risk_warnings": risks.warnings, "risk_bare_first_marked_sent": risks.bare_marked,
                               **{f"risk_{k}_s": spread(v) for k, v in times.items()}}
    for kind in ("first", "next_day"):
        runs_of = list(zip(bare_digest, digest, times[f"bare_{kind}"], times[kind], strict=True))
        figures[f"ratio_with_{kind}"] = spread([(d + scan) / b for b, d, _, scan in runs_of])
        figures[f"ratio_with_{kind}_vs_both_bare"] = spread([(d + scan) / (b + bare) for b, d, bare, scan in runs_of])
    figures["risk_scan_peak_mib"] = round(await risks.peak_mib(), 2)
    return figures


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| engine | teams | SQL statements | bare SQL s (min/med/max) | digests s (min/med/max) | ratio | "
             "peak MiB bare / digests / one team |", "|---|---|---|---|---|---|---|"]
    for r in results:
        b, d = (_three(r["baseline_s"]), _three(r["digest_s"]))
        lines.append(f"| {r['engine']} | {r['teams']} | {r['statements']} | {b} | {d} | {_three(r['ratio_runs'])}× | "
                     f"{r['baseline_peak_mib']} / {r['digest_peak_mib']} / {r['digest_team_peak_mib']} |")
    if any("risk_first_s" in r for r in results):
        lines += ["", "| engine | scan | new warnings | bare scan SQL s | scan s | (digests + scan) / bare digest SQL "
                  "| / both bare |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['engine']} | {kind} | {r['risk_warnings'][kind]} | {_three(r[f'risk_bare_{kind}_s'])} | "
                  f"{_three(r[f'risk_{kind}_s'])} | {_three(r[f'ratio_with_{kind}'])}× | "
                  f"{_three(r[f'ratio_with_{kind}_vs_both_bare'])}× |"
                  for r in results if "risk_first_s" in r for kind in ("first", "next_day")]
    return "\n".join(lines)


def _three(values: dict[str, float]) -> str:
    return "/".join(str(values.get(key, "-")) for key in ("min", "median", "max"))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="an existing SQLite company file")
    parser.add_argument("--pg", help="an existing PostgreSQL company URL (postgresql+asyncpg://…)")
    parser.add_argument("--day", type=date.fromisoformat, default=datetime.now(ZONE).date())
    parser.add_argument("--runs", type=int, default=3, help="timed runs (0: memory only)")
    parser.add_argument("--charts", action="store_true", help="also render the email charts (timed apart)")
    parser.add_argument("--with-risks", action="store_true", help="also one full risk scan (writes!)")
    args = parser.parse_args()
    tune_gc()  # the collector as `serve` sets it (bot.bootstrap): the jobs run there
    targets = [("sqlite", f"sqlite+aiosqlite:///{Path(args.sqlite).resolve()}")] if args.sqlite else []
    targets += [("postgresql", args.pg)] if args.pg else []
    results = []
    for name, url in targets:
        result = await bench_engine(name, url, args)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    print(table(results))


if __name__ == "__main__":
    asyncio.run(main())
