"""Drive the real bot over WeCom: encrypted callbacks (built with the reference crypto, not wechatpy)
go into the bot's own web app on a loopback port; replies leave through the real connector, the
outbox dispatcher and the database token store, and land on a fake WeCom API."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bot.bootstrap import App, bootstrap
from bot.channels.wecom import build
from bot.config import Config, load_config
from bot.http import make_web_app, start_http
from connectors.base import Connector
from scheduler.jobs import deliver_due_reminders
from storage.models import Base, InboxRow
from tests.chat_world import RULES, TEAMS, Clock, users
from tests.wecom import wecom_crypto_ref as ref
from tests.wecom.wecom_fake_server import FakeWeCom, Recorded
from tests.wecom.wecom_support import AES_KEY, AGENT_ID, CORP_ID, ROBOT_KEY, SECRET, TOKEN

SEND = "/cgi-bin/message/send"
GETTOKEN = "/cgi-bin/gettoken"
WEBHOOK = "/cgi-bin/webhook/send"
PATH = "/wecom/callback"

USERS = users("wecom", "wangjingli")



@dataclass
class TimedFakeWeCom(FakeWeCom):
    """The fake WeCom API, noting when (by the test clock) each request arrived; gettoken can be slow."""

    clock: Callable[[], float] = time.time
    token_delay: float = 0.0
    arrived: list[float] = field(default_factory=list)

    async def _record(self, request: web.Request) -> Recorded:
        self.arrived.append(self.clock())
        return await super()._record(request)

    async def gettoken(self, request: web.Request) -> web.Response:
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        return await super().gettoken(request)

    def times(self, path: str) -> list[float]:
        return [at for at, rec in zip(self.arrived, self.requests, strict=True) if rec.path == path]


def new_fake() -> TimedFakeWeCom:
    return TimedFakeWeCom(corp_id=CORP_ID, secret=SECRET, webhook_keys={ROBOT_KEY})


def wecom_section(api_base: str) -> dict[str, Any]:
    return {"corp_id": CORP_ID, "agent_id": AGENT_ID, "secret": SECRET, "token": TOKEN,
            "encoding_aes_key": AES_KEY, "api_base": api_base, "http_timeout": 2.0,
            "robots": {"华东一组": ROBOT_KEY}}


def make_config(db_url: str, api_base: str, **sections: Any) -> Config:
    config = load_config(environ={})
    config.sections["database"]["url"] = db_url
    config.sections.update({"teams": TEAMS, "users": USERS, "assignment": RULES,
                            "wecom": wecom_section(api_base), **sections})
    return config


def content(rec: Recorded) -> str:
    """The text a member sees in a message/send or webhook request."""
    assert rec.body is not None
    kind = rec.body["msgtype"]
    return str(rec.body[kind]["content"])


@dataclass
class WeComSession:
    app: App
    fake: TimedFakeWeCom
    base_url: str
    http: aiohttp.ClientSession
    runner: web.AppRunner
    epoch: Callable[[], float]
    clock: Clock | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7345012345678900001))
    _seen: int = 0

    # -- inbound -------------------------------------------------------------------------------
    def text_xml(self, text: str, user: str = "zhangwei", msg_id: str | None = None) -> bytes:
        xml: bytes = ref.text_xml(corp_id=CORP_ID, user=user, content=text, msg_id=msg_id or self.next_id(),
                                  create_time=int(self.epoch()), agent_id=AGENT_ID)
        return xml

    def next_id(self) -> str:
        return str(next(self._ids))

    def sealed(self, inner: bytes, nonce: str = "n0nce") -> tuple[dict[str, str], bytes]:
        encrypted = ref.encrypt(AES_KEY, inner, CORP_ID)
        ts = str(int(self.epoch()))
        query = {"msg_signature": ref.sign(TOKEN, ts, nonce, encrypted), "timestamp": ts, "nonce": nonce}
        return query, ref.envelope(encrypted, CORP_ID, AGENT_ID)

    async def post(self, query: dict[str, str], body: bytes) -> tuple[int, bytes]:
        async with self.http.post(self.base_url + PATH, params=query, data=body) as resp:
            return resp.status, await resp.read()

    async def callback(self, inner: bytes) -> tuple[int, bytes]:
        return await self.post(*self.sealed(inner))

    async def say(self, text: str, user: str = "zhangwei") -> list[Recorded]:
        """One text message from `user`; returns the app messages WeCom received because of it."""
        status, body = await self.callback(self.text_xml(text, user))
        assert (status, body) == (200, b"")
        await self.settle()
        await self.deliver()
        return self.new_sends()

    # -- processing and delivery ---------------------------------------------------------------
    async def settle(self, timeout: float = 15.0) -> None:
        """Wait until the bot has processed everything in the inbox (it works in the background)."""
        deadline = time.monotonic() + timeout
        while await self.unprocessed():
            assert time.monotonic() < deadline, "the bot did not process its inbox"
            await asyncio.sleep(0.01)

    async def deliver(self) -> int:
        return await self.app.dispatcher.drain()

    def now(self) -> datetime:
        assert self.clock is not None, "this session runs on the wall clock"
        return self.clock()

    def advance(self, delta: timedelta) -> None:
        assert self.clock is not None, "this session runs on the wall clock"
        self.clock.advance(delta)

    async def tick(self, delta: timedelta) -> list[Recorded]:
        """Let time pass: due reminders are queued and the outbox is delivered."""
        self.advance(delta)
        await deliver_due_reminders(self.app.uow_factory, self.now())
        await self.deliver()
        return self.new_sends()

    def new_sends(self) -> list[Recorded]:
        sends = self.fake.received(SEND)
        fresh, self._seen = sends[self._seen:], len(sends)
        return fresh

    # -- inspection ----------------------------------------------------------------------------
    async def inbox_count(self) -> int:
        return (await self.row_counts(InboxRow))[0]

    async def row_counts(self, *models: type[Base]) -> tuple[int, ...]:
        async with self.app.uow_factory() as uow:
            session = uow.session  # type: ignore[attr-defined]
            return tuple([int(await session.scalar(select(func.count()).select_from(model))) for model in models])

    async def unprocessed(self) -> int:
        async with self.app.uow_factory() as uow:
            return len(await uow.inbox.unprocessed(1000))

    async def close(self) -> None:
        await self.runner.cleanup()
        await self.http.close()
        await self.app.close()


async def start_session(db_url: str, fake: TimedFakeWeCom, clock: Clock | None, **sections: Any) -> WeComSession:
    """With a clock: the connector, the bot and the outbox share it (the connector is built here with
    `bot.channels.wecom.build`; its token store uses the app's own units of work, bound once the app
    exists). Without: production wiring, wall clock, the connector built by `build_channels`."""
    config = make_config(db_url, fake.url, **sections)
    connectors: dict[str, Connector] = {}
    apps: list[App] = []
    if clock is not None:
        connector = build(config, clock.epoch, lambda: apps[0].uow_factory())
        assert connector is not None
        connectors["wecom"] = connector
        fake.clock = clock.epoch
    app = await bootstrap(config, connectors, clock=clock)
    apps.append(app)
    runner = await start_http(make_web_app(app), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    await app.start_channels()
    await asyncio.gather(*app.tasks)  # WeComConnector.start returns at once: the callback is open
    return WeComSession(app=app, fake=fake, base_url=f"http://{host}:{port}", http=aiohttp.ClientSession(),
                        runner=runner, epoch=clock.epoch if clock else time.time, clock=clock)
