"""Encrypted WeCom callbacks per second and p99 ack latency through the bot's real endpoint.

    .venv/bin/python bench/wecom_callback.py [--callbacks 3000] [--seconds 30] [--concurrency 32]
                                             [--engines sqlite,postgresql]

Path measured: aiohttp load client (its own process, loopback, keep-alive) -> the bot's web app
(`make_web_app`) -> WeCom callback (freshness, envelope, signature, wechatpy decryption, entity-safe
parse) -> `Bot.ingest` -> `GroupCommitInbox` -> 200. The bot processes the messages in the background
meanwhile (known reps, a mix of commands), as in production.
Baseline, same run, same engine: a bare aiohttp handler that only decrypts with the same library
(wechatpy's enterprise WeChatCrypto) and inserts the raw row with group commit.
Target: path >= 50% of the baseline's callbacks/s, and p99 ack < 100 ms.
`--ack-only` (diagnostic) leaves the accepted messages unprocessed during the run, which separates
the cost of the ack path from that of the background processing sharing its event loop.
PostgreSQL: DEALBOT_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test);
a throw-away database is created and dropped for each run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web
from wechatpy.enterprise.crypto import WeChatCrypto

from bench.common import database, p99, seed_deals
from bot.bootstrap import App, bootstrap
from bot.config import load_config
from bot.http import make_web_app, start_http
from domain.messaging import InboxRecord
from storage.engine import make_engine
from storage.inbox import GroupCommitInbox
from storage.migrate import upgrade

CORP_ID = "wwbench0123456789"
AGENT_ID = 1000002
TOKEN = "BenchCallbackToken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
PATH = "/wecom/callback"
REPS = [{"name": f"销售{i}", "role": "rep", "team": "华东一组", "wecom": f"rep{i}"} for i in range(8)]
DEALS_PER_REP = 3
_FIELD = re.compile(r"<(Encrypt|MsgSignature|TimeStamp|Nonce)>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</\1>", re.S)


@dataclass(frozen=True, slots=True)
class Result:
    rate: float
    p99: float
    mean: float
    count: int
    errors: int


# -- load client (runs in its own process) ----------------------------------------------------------

def command(i: int, rng: random.Random) -> str:
    deal = (i % len(REPS)) * DEALS_PER_REP + rng.randint(1, DEALS_PER_REP)
    return rng.choice([f"跟进 #{deal} 电话沟通了方案细节", f"报价 #{deal} {rng.randint(10, 500)}万 含运维",
                       f"#{deal}", "我的商机", f"客户 公司{deal}", "今天拜访了客户，下周三报价"])


def sealed(crypto: WeChatCrypto, i: int, rng: random.Random, run: str) -> tuple[dict[str, str], bytes]:
    now = int(time.time())
    inner = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[rep{i % len(REPS)}]]>"
             f"</FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             f"<Content><![CDATA[{command(i, rng)}]]></Content><MsgId>{run}{i:09d}</MsgId>"
             f"<AgentID>{AGENT_ID}</AgentID></xml>")
    fields = dict(_FIELD.findall(crypto.encrypt_message(inner, f"n{i}", str(now))))
    query = {"msg_signature": fields["MsgSignature"], "timestamp": fields["TimeStamp"], "nonce": fields["Nonce"]}
    body = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><AgentID><![CDATA[{AGENT_ID}]]></AgentID>"
            f"<Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>").encode()
    return query, body


async def _load(url: str, count: int, seconds: float, concurrency: int, run: str) -> tuple[list[float], float, int]:
    crypto, rng = WeChatCrypto(TOKEN, AES_KEY, CORP_ID), random.Random(run)
    payloads = [sealed(crypto, i, rng, run) for i in range(count)]
    latencies: list[float] = []
    errors = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        start = time.perf_counter()
        deadline = start + seconds
        queue = iter(payloads)

        async def sender() -> None:
            nonlocal errors
            for query, body in queue:
                if time.perf_counter() > deadline:
                    return
                sent = time.perf_counter()
                async with http.post(url, params=query, data=body) as resp:
                    await resp.read()
                    errors += resp.status != 200
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(sender() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return latencies, elapsed, errors


def load(url: str, count: int, seconds: float, concurrency: int, run: str) -> tuple[list[float], float, int]:
    return asyncio.run(_load(url, count, seconds, concurrency, run))


async def drive(pool: ProcessPoolExecutor, url: str, args: argparse.Namespace, run: str) -> Result:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(pool, load, url, 64, 10.0, args.concurrency, f"{run}9")  # warm-up
    latencies, elapsed, errors = await loop.run_in_executor(
        pool, load, url, args.callbacks, args.seconds, args.concurrency, f"{run}1")
    return Result(len(latencies) / elapsed, p99(latencies), sum(latencies) / len(latencies), len(latencies), errors)


# -- servers ---------------------------------------------------------------------------------------

async def serve(web_app: web.Application) -> tuple[web.AppRunner, str]:
    runner = await start_http(web_app, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}{PATH}"


def bare_app(inbox: GroupCommitInbox) -> web.Application:
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)

    async def handle(request: web.Request) -> web.Response:
        q = request.query
        plain = crypto.decrypt_message((await request.read()).decode(), q["msg_signature"], q["timestamp"],
                                       q["nonce"])
        await inbox.put(InboxRecord("wecom", q["msg_signature"], "raw", "raw", plain, datetime.now(UTC)))
        return web.Response()

    app = web.Application()
    app.router.add_post(PATH, handle)
    return app


async def baseline(url: str, pool: ProcessPoolExecutor, args: argparse.Namespace) -> Result:
    await upgrade(url)
    engine = make_engine(url)
    async with GroupCommitInbox(engine) as inbox:
        runner, endpoint = await serve(bare_app(inbox))
        try:
            return await drive(pool, endpoint, args, "1")
        finally:
            await runner.cleanup()
            await engine.dispose()


async def seeded_bot(url: str) -> App:
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    config.sections.update({"teams": [{"name": "华东一组"}], "users": REPS, "wecom": {
        "corp_id": CORP_ID, "agent_id": AGENT_ID, "secret": "bench-secret", "token": TOKEN,
        "encoding_aes_key": AES_KEY, "api_base": "http://127.0.0.1:9"}})
    app = await bootstrap(config)
    await seed_deals(app.bot.receive, "wecom", len(REPS), DEALS_PER_REP)
    return app


async def unprocessed(app: App) -> int:
    async with app.uow_factory() as uow:
        return len(await uow.inbox.unprocessed(100_000))


async def drain(app: App, limit: float = 120.0) -> float:
    """Seconds until every accepted message has been processed (bounded by `limit`)."""
    started = time.perf_counter()
    while await unprocessed(app) and time.perf_counter() - started < limit:
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def bot_path(url: str, pool: ProcessPoolExecutor,
                   args: argparse.Namespace) -> tuple[Result, int, float]:
    app = await seeded_bot(url)
    if args.ack_only:  # diagnostic: accept into the inbox, leave processing for later
        app.bot.submit = lambda msg: None  # type: ignore[method-assign]
    runner, endpoint = await serve(make_web_app(app))
    await app.start_channels()
    try:
        result = await drive(pool, endpoint, args, "2")
        backlog = await unprocessed(app)
        drained = 0.0 if args.ack_only else await drain(app)
        return result, backlog, drained
    finally:
        await runner.cleanup()
        await app.close()


def line(name: str, r: Result) -> str:
    return (f"{name:9s} {r.rate:7.0f} callbacks/s  p99 {r.p99 * 1000:6.1f} ms  mean {r.mean * 1000:5.1f} ms  "
            f"({r.count} callbacks, {r.errors} non-200)")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callbacks", type=int, default=3000, help="at most this many per run")
    parser.add_argument("--seconds", type=float, default=30.0, help="and for at most this long")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--ack-only", action="store_true",
                        help="diagnostic: do not process messages during the run (isolates the ack path)")
    args = parser.parse_args()
    print(f"WeCom callback ack: bot endpoint vs bare decrypt+insert; up to {args.callbacks} callbacks or "
          f"{args.seconds:.0f} s per run, {args.concurrency} concurrent senders (client in its own process)"
          + ("; ACK ONLY: no processing during the run" if args.ack_only else ""))
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        for engine in args.engines.split(","):
            async with database(engine) as url:
                base = await baseline(url, pool, args)
            async with database(engine) as url:
                path, backlog, drained = await bot_path(url, pool, args)
            ratio = path.rate / base.rate
            verdict = "OK" if ratio >= 0.5 and path.p99 < 0.1 else "MISSED"
            print(f"[{engine}]\n  {line('baseline', base)}\n  {line('bot path', path)}\n"
                  f"  ratio {ratio:.1%} (target >= 50%), p99 target < 100 ms: {verdict}; "
                  f"still to process when the load ended: {backlog}, processed {drained:.1f} s later "
                  f"({backlog / drained if drained else 0:.0f} messages/s)")


if __name__ == "__main__":
    asyncio.run(main())
