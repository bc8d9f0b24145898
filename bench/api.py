"""Open API (issue #16): what /api/v1 costs against a bare aiohttp handler doing the same SQL, in the same run.

    .venv/bin/python bench/api.py [--projects 200] [--tasks 20] [--requests 600] [--concurrency 16] [--runs 3]
                                  [--engines sqlite,postgresql]

The bot's real server (`make_web_app`, as `dealbot serve` runs it, bench.delivery_pages.start_bot) on a free
port with a real token (stored hashed, sent as `Authorization: Bearer`), loaded over loopback HTTP with
`concurrency` requests in flight:
- list: `GET /api/v1/tasks?project_id=<random project>` (a page of `--tasks` tasks, admin token);
- create: `POST /api/v1/quotes` (a new quote version of a random deal, through chat's `报价` use case).
Baseline, same run, same engine and rows: a bare aiohttp handler on its own server that runs the same page
query (storage.repositories.api_lists_work) and answers the same JSON (bot.api.tasks.dump), and for create
writes the same rows (the quote, the deal's amount, the audit entries) in one transaction; no token, no
validation, no middleware. Printed: requests/s min / median / max of `--runs` runs and the ratio to baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.pop(0)  # not bench/ itself
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web

from bench.common import database, run_concurrently
from bench.delivery_pages import _free_port, load, spread, start_bot
from bench.delivery_world import load_args, seed_projects
from bot.api import quotes as quote_api
from bot.api import tasks as task_api
from bot.bootstrap import App
from bot.http import start_http
from domain import quoting
from domain.api_tokens import Access, ApiToken, hash_secret, new_secret
from domain.audit import AuditEntry
from domain.listing import ViewScope
from domain.money import Money
from domain.record_scope import RecordScope
from storage.repositories.api_lists_work import WorkLists
from storage.repositories.api_tokens import SqlAlchemyApiTokenRepository
from storage.uow import SqlAlchemyUnitOfWork

EVERYTHING = RecordScope(ViewScope(everything=True))


async def make_token(app: App) -> str:
    """A write token of the whole company, stored as `令牌 新建` stores it (hash and prefix)."""
    secret, prefix = new_secret()
    async with app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await SqlAlchemyApiTokenRepository(uow.session).add(ApiToken(
            "bench", prefix, hash_secret(secret), Access.WRITE, created_at=datetime.now(UTC)))
        await uow.commit()
    return secret


async def bare_server(app: App) -> tuple[str, web.AppRunner]:
    async def tasks(request: web.Request) -> web.Response:
        async with app.uow_factory() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            filters = {"project_id": int(request.query["project_id"])}
            found = await WorkLists(uow.session).task_page(EVERYTHING, filters, 0, 51)
        body = {"data": [task_api.dump(t) for t in found[:50]], "next_cursor": None}
        return web.Response(text=json.dumps(body, ensure_ascii=False), content_type="application/json")

    async def quote(request: web.Request) -> web.Response:
        body, now = await request.json(), datetime.now(UTC)
        async with app.uow_factory() as uow:
            deal = await uow.opportunities.get(body["opportunity_id"])
            assert deal.id is not None
            await uow.opportunities.lock(deal.id)
            new = quoting.new_quote(deal.id, Money(Decimal(body["amount"])),
                                    list(await uow.quotes.for_opportunity(deal.id)), note="", created_by=None, at=now)
            new = await uow.quotes.add(new)
            deal.amount, deal.updated_at = new.amount, now
            await uow.opportunities.save(deal)
            await uow.audit.add_many([AuditEntry(None, "quote", new.id or 0, "create", now, {"version": new.version}),
                                      AuditEntry(None, "opportunity", deal.id, "update", now, {})])
            await uow.commit()
        return web.Response(status=201, text=json.dumps(quote_api.dump(new), ensure_ascii=False),
                            content_type="application/json")

    bare = web.Application()
    bare.router.add_get("/bare/tasks", tasks)
    bare.router.add_post("/bare/quotes", quote)
    port = _free_port()
    return f"http://127.0.0.1:{port}", await start_http(bare, "127.0.0.1", port)


async def post_load(session: aiohttp.ClientSession, url: str, bodies: list[dict[str, object]], concurrency: int,
                    headers: dict[str, str]) -> float:
    """Requests/s of POSTs of `bodies` to `url`; every answer must be 201."""
    def job(body: dict[str, object]) -> Callable[[], Awaitable[None]]:
        async def post() -> None:
            async with session.post(url, json=body, headers=headers) as response:
                text = await response.text()
                if response.status != 201:
                    raise RuntimeError(f"{url} answered {response.status}: {text[:200]}")
        return post

    start = time.perf_counter()
    await run_concurrently([job(b) for b in bodies], concurrency)
    return len(bodies) / (time.perf_counter() - start)


async def one_run(engine: str, args: argparse.Namespace) -> dict[str, float]:
    async with database(engine) as url:
        app, base, runner = await start_bot(url, api={"rate_per_minute": 10**9})
        bare_base, bare_runner = await bare_server(app)
        try:
            ids, _ = await seed_projects(app.uow_factory, args.projects, args.tasks)
            async with app.uow_factory() as uow:
                deals = [(await uow.projects.get(i)).opportunity_id for i in ids]
            secret = await make_token(app)
            auth = {"Authorization": f"Bearer {secret}"}
            rng = random.Random(16)
            picks = [rng.choice(ids) for _ in range(args.requests)]
            bodies: list[dict[str, object]] = [
                {"opportunity_id": rng.choice(deals), "amount": f"{rng.randint(1, 9)}00000"}
                for _ in range(args.requests)]
            results: dict[str, float] = {}
            async with aiohttp.ClientSession(headers=auth) as session:
                for name, prefix in (("list bare", f"{bare_base}/bare/tasks"), ("list api", f"{base}/api/v1/tasks")):
                    urls = [f"{prefix}?project_id={p}" for p in picks]
                    await load(session, urls[:20], 4)  # warm caches and connections
                    results[name] = (await load(session, urls, args.concurrency))[0]
                for name, target in (("create bare", f"{bare_base}/bare/quotes"),
                                     ("create api", f"{base}/api/v1/quotes")):
                    await post_load(session, target, bodies[:10], 4, auth)
                    results[name] = await post_load(session, target, bodies, args.concurrency, auth)
            return results
        finally:
            await bare_runner.cleanup()
            await runner.cleanup()
            await app.close()


def report(engine: str, runs: list[dict[str, float]]) -> None:
    print(f"\n{engine}: requests/s (min / median / max of {len(runs)} runs)")
    for kind in ("list", "create"):
        api, bare = [r[f"{kind} api"] for r in runs], [r[f"{kind} bare"] for r in runs]
        ratios = [a / b * 100 for a, b in zip(api, bare, strict=True)]
        print(f"  {kind:6s} api {spread(api)}  bare {spread(bare)}  api/bare {spread(ratios)} %"
              f"  (median ratio {statistics.median(ratios):.0f} %)")


async def main() -> None:
    args = load_args(__doc__ or "", 200)
    print(f"open API: {args.projects} projects x {args.tasks} tasks; {args.requests} requests per measure, "
          f"{args.concurrency} in flight")
    for engine in args.engines.split(","):
        report(engine, [await one_run(engine, args) for _ in range(args.runs)])


if __name__ == "__main__":
    asyncio.run(main())
