"""DingTalk chatbot frames per second through the bot, and the ACK's p99, against a bare consumer.

    .venv/bin/python bench/dingtalk_stream.py [--frames 3000] [--window 32] [--runs 3]
                                              [--engines sqlite,postgresql]

The fake DingTalk gateway (tests/dingtalk/fake_gateway.py) runs in its own process and pushes chatbot frames
over the websocket, keeping at most `--window` frames un-ACKed (as a busy gateway does); it times each frame
from push to ACK and counts the replies posted to the messages' sessionWebhooks.
Path measured: gateway -> the real SDK-based stream client (`DingTalkStream`) -> `chatbot_inbound` ->
`Bot.ingest` -> `GroupCommitInbox` -> ACK; meanwhile the bot processes each message (known reps, a mix of
commands), writes its reply to the outbox, and the dispatcher posts it to the sessionWebhook. A run ends when
every frame is ACKed and answered. Baseline, same run, same engine: the same stream client whose handler only
inserts the raw payload with group commit and ACKs. Target (as for WeCom's callbacks): the bot's frames ACKed
per second >= 50% of the baseline's, with processing and replies sharing the process, and ACK p99 < 100 ms;
the rate at which frames are also answered is reported beside it. Each run's figures and the min / median /
max over the runs are printed.
PostgreSQL: DEALBOT_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import database, p99, seed_deals
from bot.bootstrap import App, bootstrap
from bot.config import load_config
from connectors.dingtalk import DingTalkConfig, DingTalkConnector, DingTalkStream
from domain.messaging import InboxRecord
from storage.engine import make_engine
from storage.inbox import GroupCommitInbox
from storage.migrate import upgrade
from tests.dingtalk.fake_gateway import CHATBOT, FakeDingTalk

CLIENT_ID, CLIENT_SECRET = "dingbench", "bench-secret"
REPS = [{"name": f"销售{i}", "role": "rep", "team": "华东一组", "dingtalk": f"rep{i}"} for i in range(8)]
DEALS_PER_REP = 3


@dataclass(frozen=True, slots=True)
class Result:
    rate: float  # frames ACKed per second, first push to the last ACK
    p99: float  # seconds from push to ACK
    mean: float
    frames: int
    replies: int
    answered_rate: float  # bot path: frames ACKed and answered per second, first push to the last reply


# -- the gateway, in its own process ------------------------------------------------------------------

class BenchGateway(FakeDingTalk):
    """The fake gateway with a load driver: a window of un-ACKed frames, push-to-ACK times, reply counts."""

    def __init__(self) -> None:
        super().__init__(CLIENT_ID, CLIENT_SECRET, ping_every=5.0)
        self.acked_at: dict[str, float] = {}
        self._slots: asyncio.Semaphore | None = None

    def _ack(self, ack: dict[str, Any]) -> None:
        message_id = ack.get("headers", {}).get("messageId", "")
        if message_id in self.pending and message_id not in self.acked_at:
            self.acked_at[message_id] = time.perf_counter()
            if self._slots is not None:
                self._slots.release()
        super()._ack(ack)

    async def load(self, frames: list[dict[str, Any]], window: int,
                   replies: bool) -> tuple[list[float], float, float]:
        """Push every frame, at most `window` un-ACKed; until all are ACKed (and, with `replies`, answered).
        Returns the push-to-ACK times, the seconds to the last ACK and to the last reply."""
        self._slots = asyncio.Semaphore(window)
        sent: dict[str, float] = {}
        before = len(self.received("/robot/sendBySession"))
        start = time.perf_counter()
        for i, data in enumerate(frames):
            await self._slots.acquire()
            message_id = f"bench-{i}-{data['msgId']}"
            pending = self.enqueue(CHATBOT, data, message_id)
            sent[message_id] = time.perf_counter()
            await self._send(pending)
        while len(self.acked_at) < len(sent) or (
                replies and len(self.received("/robot/sendBySession")) - before < len(frames)):
            await asyncio.sleep(0.005)
        answered = time.perf_counter()
        return [self.acked_at[m] - t for m, t in sent.items()], max(self.acked_at.values()) - start, answered - start


def command(i: int, rng: random.Random) -> str:
    deal = (i % len(REPS)) * DEALS_PER_REP + rng.randint(1, DEALS_PER_REP)
    return rng.choice([f"跟进 #{deal} 电话沟通了方案细节", f"报价 #{deal} {rng.randint(10, 500)}万 含运维",
                       f"#{deal}", "我的商机", f"客户 公司{deal}", "今天拜访了客户，下周三报价"])


def gateway_main(pipe: Connection) -> None:
    """Child process: run the gateway, answer `("load", count, window, replies, seed)` with the figures."""
    gateway = BenchGateway().start()
    pipe.send(gateway.url)
    while (request := pipe.recv()) is not None:
        _, count, window, replies, seed = request
        gateway.acked_at.clear()
        rng = random.Random(seed)
        frames = [gateway.chatbot(command(i, rng), f"rep{i % len(REPS)}", msg_id=f"{seed}-{i}") for i in range(count)]
        figures = gateway.call(gateway.load(frames, window, replies), timeout=600)
        pipe.send((*figures, len(gateway.received("/robot/sendBySession"))))
    gateway.close()


# -- the two consumers --------------------------------------------------------------------------------

def connector_config(url: str) -> DingTalkConfig:
    return DingTalkConfig(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, openapi_base=url, oapi_base=url,
                          watchdog_seconds=30.0)


async def measure(pipe: Connection, args: argparse.Namespace, replies: bool, seed: int) -> Result:
    loop = asyncio.get_running_loop()
    pipe.send(("load", 64, args.window, replies, seed + 1_000_000))  # warm-up
    *_, before = await loop.run_in_executor(None, pipe.recv)
    pipe.send(("load", args.frames, args.window, replies, seed))
    latencies, acked, answered, total = await loop.run_in_executor(None, pipe.recv)
    return Result(len(latencies) / acked, p99(latencies), statistics.fmean(latencies), len(latencies),
                  total - before, len(latencies) / answered if replies else 0.0)


async def baseline(url: str, gateway_url: str, pipe: Connection, args: argparse.Namespace, seed: int) -> Result:
    await upgrade(url)
    engine = make_engine(url)
    async with GroupCommitInbox(engine) as inbox:
        async def store(data: Mapping[str, Any], message_id: str) -> None:
            await inbox.put(InboxRecord("dingtalk", str(data.get("msgId")), "raw", "raw", json.dumps(
                dict(data), ensure_ascii=False), datetime.now(UTC)))

        async def ignore(data: Mapping[str, Any], message_id: str) -> None:
            return None

        stream = DingTalkStream(connector_config(gateway_url), on_chatbot=store, on_card=ignore)
        running = asyncio.create_task(stream.start())
        try:
            while stream.stats.connects == 0:
                await asyncio.sleep(0.01)
            return await measure(pipe, args, False, seed)
        finally:
            await stream.stop()
            running.cancel()
            await engine.dispose()


async def seeded_bot(url: str, gateway_url: str) -> tuple[App, DingTalkConnector]:
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    config.sections["scheduler"] = {"outbox_interval": 0.05}
    config.sections.update({"teams": [{"name": "华东一组"}], "users": REPS})
    connector = DingTalkConnector(connector_config(gateway_url))
    app = await bootstrap(config, {"dingtalk": connector})
    await seed_deals(app.bot.receive, "dingtalk", len(REPS), DEALS_PER_REP)
    return app, connector


async def bot_path(url: str, gateway_url: str, pipe: Connection, args: argparse.Namespace, seed: int) -> Result:
    app, connector = await seeded_bot(url, gateway_url)
    await app.start_runtime()
    app.bot.start()
    await app.start_channels()
    stop = asyncio.Event()

    async def deliver() -> None:  # the outbox dispatcher, as `serve` schedules it
        while not stop.is_set():
            if not await app.dispatcher.drain():
                await asyncio.sleep(0.02)

    sender = asyncio.create_task(deliver())
    try:
        assert connector.stream is not None
        while connector.stream.stats.connects == 0:
            await asyncio.sleep(0.01)
        return await measure(pipe, args, True, seed)
    finally:
        stop.set()
        await sender
        await app.close()


def line(name: str, r: Result) -> str:
    answered = f", all answered at {r.answered_rate:.0f} frames/s" if r.replies else ""
    return (f"{name:9s} {r.rate:7.0f} frames/s ACKed  p99 {r.p99 * 1000:6.1f} ms  mean {r.mean * 1000:5.1f} ms  "
            f"({r.frames} frames, {r.replies} replies{answered})")


def spread(values: list[float], scale: float = 1.0, fmt: str = "{:.0f}") -> str:
    ordered = sorted(v * scale for v in values)
    return " / ".join(fmt.format(v) for v in (ordered[0], statistics.median(ordered), ordered[-1]))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--window", type=int, default=32, help="un-ACKed frames the gateway keeps in flight")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"DingTalk stream: bot (ACK + reply) vs bare consumer (ACK + raw insert); {args.frames} frames per run, "
          f"window {args.window}, {args.runs} runs; gateway in its own process")
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(target=gateway_main, args=(theirs,), daemon=True)
    child.start()
    gateway_url = ours.recv()
    try:
        for engine in args.engines.split(","):
            ratios, p99s, rates, answered = [], [], [], []
            for run in range(args.runs):
                async with database(engine) as url:
                    base = await baseline(url, gateway_url, ours, args, seed=run * 10 + 1)
                async with database(engine) as url:
                    path = await bot_path(url, gateway_url, ours, args, seed=run * 10 + 2)
                ratios.append(path.rate / base.rate)
                p99s.append(path.p99)
                rates.append(path.rate)
                answered.append(path.answered_rate)
                print(f"[{engine} run {run + 1}]\n  {line('baseline', base)}\n  {line('bot path', path)}\n"
                      f"  ratio {path.rate / base.rate:.1%}")
            met = min(ratios) >= 0.5 and max(p99s) < 0.1
            print(f"[{engine}] min / median / max: ratio {spread(ratios, 100, '{:.1f}%')} (target >= 50%), "
                  f"bot frames/s ACKed {spread(rates)}, answered {spread(answered)}, "
                  f"ACK p99 {spread(p99s, 1000, '{:.1f} ms')} (target < 100 ms): {'MET' if met else 'MISSED'}")
    finally:
        ours.send(None)
        child.join(30)


if __name__ == "__main__":
    asyncio.run(main())
