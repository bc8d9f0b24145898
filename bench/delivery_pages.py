"""Delivery pages and Gantt charts (issue #15): what the web pages cost against a bare handler, and what a Gantt
image costs against the plainest chart of the same bars.

    .venv/bin/python bench/delivery_pages.py [--projects 300] [--tasks 20] [--requests 600] [--concurrency 16]
                                             [--runs 3] [--engines sqlite,postgresql]

Pages: the bot's real aiohttp server (`make_web_app`, as `dealbot serve` runs it, security headers, Jinja2,
the inline SVG Gantt) on a free port, loaded over HTTP by an aiohttp client with `concurrency` requests in
flight: the customer portal `/p/<token>` and the team page `/team/projects/<id>` of random projects, and the
dashboard `/dash` of the admin. Baseline, same run, same database: a bare aiohttp handler on its own server that
reads the same rows through the same unit of work (project, milestones, ratings, tasks, public events, change
requests) and answers them as an f-string table. Each page's size (bytes before images) is printed too.

Gantt: `gantt_png` of a project with `--tasks` tasks (and with 60), against a matplotlib figure of the same size
and font with one plain bar per row (no labels, milestones, arrows or today line): the least such a chart costs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.pop(0)  # not bench/ itself
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web

from bench.common import database, p99, run_concurrently
from bench.delivery_world import load_args, seed_projects
from bot.bootstrap import App, bootstrap
from bot.config import load_config
from bot.http import make_web_app, start_http
from bot.portal.links import portal_token
from bot.web.links import sign
from connectors.console import ConsoleConnector

USERS = [{"name": "管理员", "role": "admin", "console": "admin"},
         *({"name": f"销售{i}", "role": "rep", "team": f"交付{i % 4}组", "console": f"rep{i}"} for i in range(16))]
TEAMS = [{"name": f"交付{i}组"} for i in range(4)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_bot(url: str, **sections: object) -> tuple[App, str, web.AppRunner]:
    """The bot's real server on a free port; `sections`: more config sections (bench/api.py: [api])."""
    port = _free_port()
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    config.sections.update({"teams": TEAMS, "users": USERS})
    config.sections["web"] = {"public_url": f"http://127.0.0.1:{port}", "secret": "bench-secret"}
    config.sections["delivery"] = {"auto_project": False}
    config.sections.update(sections)
    app = await bootstrap(config, {"console": ConsoleConnector("admin")})
    runner = await start_http(make_web_app(app), "127.0.0.1", port)
    return app, f"http://127.0.0.1:{port}", runner


async def bare_server(app: App) -> tuple[str, web.AppRunner]:
    """The baseline: the same reads as the portal page, answered without templates, SVG or middleware."""

    async def page(request: web.Request) -> web.Response:
        project_id = int(request.match_info["id"])
        async with app.uow_factory() as uow:
            project = await uow.projects.get(project_id)
            stones = await uow.project_milestones.for_project(project_id)
            ratings = await uow.ratings.for_project(project_id)
            tasks = await uow.tasks.for_project(project_id)
            events = await uow.project_events.recent(project_id, 10, public_only=True)
            requests = await uow.change_requests.for_project(project_id)
        rows = "".join(f"<tr><td>{m.name}</td><td>{m.due_on}</td><td>{m.status}</td></tr>" for m in stones)
        rows += "".join(f"<tr><td>{t.title}</td><td>{t.due_on}</td><td>{t.progress}%</td></tr>" for t in tasks)
        rows += "".join(f"<tr><td>{e.at:%Y-%m-%d}</td><td>{e.text}</td></tr>" for e in events)
        rows += "".join(f"<tr><td>{r.title}</td></tr>" for r in requests) + f"<!-- {len(ratings)} -->"
        return web.Response(text=f"<html><body><h1>{project.name}</h1><table>{rows}</table></body></html>",
                            content_type="text/html")

    bare = web.Application()
    bare.router.add_get("/bare/{id}", page)
    port = _free_port()
    return f"http://127.0.0.1:{port}", await start_http(bare, "127.0.0.1", port)


async def load(session: aiohttp.ClientSession, urls: list[str], concurrency: int,
               cookies: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """(requests/s, median ms, p99 ms, bytes of the last page) for GETs of `urls`; every answer must be 200."""
    sizes: list[int] = []

    def job(target: str) -> Callable[[], Awaitable[None]]:
        async def get() -> None:
            async with session.get(target, cookies=cookies) as response:
                body = await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{target} answered {response.status}")
                sizes.append(len(body))
        return get

    start = time.perf_counter()
    latencies = await run_concurrently([job(u) for u in urls], concurrency)
    elapsed = time.perf_counter() - start
    return len(urls) / elapsed, statistics.median(latencies) * 1000, p99(latencies) * 1000, max(sizes)


async def pages_run(engine: str, args: argparse.Namespace) -> dict[str, tuple[float, float, float, int]]:
    async with database(engine) as url:
        app, base, runner = await start_bot(url)
        bare_base, bare_runner = await bare_server(app)
        try:
            ids, admin_id = await seed_projects(app.uow_factory, args.projects, args.tasks)
            now = datetime.now(UTC)
            secret = app.bot.settings.web.secret
            async with app.uow_factory() as uow:
                projects = [await uow.projects.get(i) for i in ids]
            rng = random.Random(15)
            picks = [rng.choice(projects) for _ in range(args.requests)]
            session_cookie = {"dealbot_session": sign(secret, "session", admin_id, now + timedelta(hours=1))}
            targets = {
                "baseline": ([f"{bare_base}/bare/{p.id}" for p in picks], None),
                "portal": ([f"{base}/p/{portal_token(app.bot.settings.web, p, now)}" for p in picks], None),
                "team page": ([f"{base}/team/projects/{p.id}" for p in picks], session_cookie),
                "dashboard": ([f"{base}/dash"] * max(20, args.requests // 10), session_cookie),
            }
            results = {}
            async with aiohttp.ClientSession() as session:
                for name, (urls, cookies) in targets.items():
                    await load(session, urls[:20], 4, cookies)  # warm caches and connections
                    results[name] = await load(session, urls, args.concurrency, cookies)
            return results
        finally:
            await bare_runner.cleanup()
            await runner.cleanup()
            await app.close()


def gantt_run(tasks: int) -> tuple[float, float]:
    """(ms for gantt_png, ms for the plainest chart of the same bars)."""
    from bench.delivery_world import gantt_rows, plain_bars
    from bot.delivery.gantt import gantt_png
    from bot.digest.fonts import find_cjk_font

    font = find_cjk_font()
    chart = gantt_rows(tasks)
    gantt_png(chart, font)  # first draw loads matplotlib and the font
    start = time.perf_counter()
    gantt_png(chart, font)
    drawn = time.perf_counter() - start
    start = time.perf_counter()
    plain_bars(chart, font)
    return drawn * 1000, (time.perf_counter() - start) * 1000


def spread(values: list[float]) -> str:
    return f"{min(values):8.1f} / {statistics.median(values):8.1f} / {max(values):8.1f}"


def report_pages(engine: str, runs: list[dict[str, tuple[float, float, float, int]]]) -> None:
    base = [r["baseline"][0] for r in runs]
    print(f"\n{engine}: requests/s, median ms, p99 ms (min / median / max of {len(runs)} runs), page bytes")
    for name in runs[0]:
        rates = [r[name][0] for r in runs]
        ratios = [r[name][0] / r["baseline"][0] * 100 for r in runs]
        print(f"  {name:10s} {spread(rates)} req/s  median {spread([r[name][1] for r in runs])} ms  "
              f"p99 {spread([r[name][2] for r in runs])} ms  {runs[0][name][3]:7d} B  "
              f"vs baseline {spread(ratios)} %")
    print(f"  baseline   {spread(base)} req/s")


async def main() -> None:
    args = load_args(__doc__ or "", 300)
    print(f"delivery pages: {args.projects} projects x {args.tasks} tasks, {args.requests} GETs per page, "
          f"{args.concurrency} in flight")
    for engine in args.engines.split(","):
        report_pages(engine, [await pages_run(engine, args) for _ in range(args.runs)])
    for tasks in (args.tasks, 60):
        runs = [await asyncio.to_thread(gantt_run, tasks) for _ in range(args.runs)]
        print(f"\nGantt PNG, {tasks} tasks: {spread([r[0] for r in runs])} ms; plain bars "
              f"{spread([r[1] for r in runs])} ms; ratio {spread([r[0] / r[1] for r in runs])} x")


if __name__ == "__main__":
    asyncio.run(main())

