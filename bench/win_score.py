"""`dealbot score` at size (issue #13): seconds and peak memory to score every open deal of a company, against
reading the same deals, in the same run.

    .venv/bin/python bench/win_score.py --db sqlite+aiosqlite:////tmp/s200k.db --db postgresql+asyncpg://…/db
                                        [--runs 3]

Each database holds a company made by `dealbot demo --deals N` (half the deals open). Per run, alternating,
each in a fresh process timed by /usr/bin/time (wall seconds, peak RSS):
- baseline: the same pages of the same repository read once (every closed deal, then every open deal, with
  their stage changes, follow-up and quote times and customers), nothing computed;
- score: `dealbot score --json` as a user runs it (the model fitted on every closed deal, every open deal
  scored, one JSON line each written to a file), its line count checked against the open deals.
Prints per database: open / closed deals, min / median / max seconds of both, the ratio of the medians, and
peak RSS. Memory that does not grow with the closed history shows as the same peak at different sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")


async def read_all(url: str) -> tuple[int, int]:
    """The baseline: every closed deal and every open deal read page by page, as the scoring reads them."""
    from collections.abc import Callable
    from datetime import UTC, datetime
    from typing import cast

    from bot.win_scoring import pages
    from domain.win_ports import WinUnitOfWork
    from storage.engine import make_engine, make_session_factory
    from storage.uow import SqlAlchemyUnitOfWork

    engine = make_engine(url)
    factory = make_session_factory(engine)
    now, counts = datetime.now(UTC), [0, 0]
    uows = cast(Callable[[], WinUnitOfWork], lambda: SqlAlchemyUnitOfWork(factory))
    try:
        for n, closed in enumerate((True, False)):
            async for page in pages(uows, closed, now):
                counts[n] += len(page)
    finally:
        await engine.dispose()
    return counts[0], counts[1]


def timed(argv: list[str], stdout: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one fresh process."""
    with stdout.open("w") as out, tempfile.NamedTemporaryFile("r") as stats:
        subprocess.run(["/usr/bin/time", "-o", stats.name, "-f", "%e %M", *argv], stdout=out,
                       stderr=subprocess.DEVNULL, check=True)
        seconds, kib = stats.read().split()[-2:]
    return float(seconds), int(kib) / 1024


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[0]:.1f} / {statistics.median(ordered):.1f} / {ordered[-1]:.1f}"


def bench(url: str, runs: int, work: Path) -> None:
    closed, open_deals = asyncio.run(read_all(url))
    base: list[tuple[float, float]] = []
    score: list[tuple[float, float]] = []
    for _ in range(runs):
        base.append(timed([PYTHON, __file__, "--read", url], work / "read.txt"))
        lines = work / "scores.jsonl"
        score.append(timed(["env", f"DEALBOT_DATABASE_URL={url}", PYTHON, "-m", "bot.cli", "score", "--json"], lines))
        scored = sum(1 for _ in lines.open())
        assert scored == open_deals, (scored, open_deals)
    engine = url.split(":", 1)[0].split("+")[0]
    ratio = statistics.median(s for s, _ in score) / statistics.median(s for s, _ in base)
    print(f"{engine}: {open_deals:,} open deals scored, model of {closed:,} closed; seconds min / median / max: "
          f"score {spread([s for s, _ in score])}, read only {spread([s for s, _ in base])} "
          f"(score / read {ratio:.2f}); peak RSS MiB score {spread([m for _, m in score])}, "
          f"read {spread([m for _, m in base])}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", default=[], help="a database URL (repeat for several)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read", help=argparse.SUPPRESS)  # the baseline's own process
    args = parser.parse_args()
    if args.read:
        print(asyncio.run(read_all(args.read)))
        return
    with tempfile.TemporaryDirectory() as work:
        for url in args.db:
            bench(url, args.runs, Path(work))


if __name__ == "__main__":
    main()
