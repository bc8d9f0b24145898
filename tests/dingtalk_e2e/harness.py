"""Drive the real bot over DingTalk: the fake gateway (its own thread) pushes chatbot frames and card taps
to the real connector on the real SDK; replies leave through the outbox dispatcher and land on the fake's
sessionWebhooks, OpenAPI and custom robots."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import App, bootstrap
from bot.channels.dingtalk import build
from bot.config import Config, load_config
from connectors.dingtalk import DingTalkConnector
from scheduler.jobs import deliver_due_reminders
from scheduler.proactive import button_channels
from storage.models import Base, InboxRow
from tests.chat_world import RULES, TEAMS, Clock, users
from tests.dingtalk.fake_api import Recorded
from tests.dingtalk.fake_gateway import FakeDingTalk, eventually

CLIENT_ID, CLIENT_SECRET = "dingfakeclient", "fake-secret"
ROBOT_TOKEN, ROBOT_SECRET = "robot-token-east", "SECrobotsecret"
SESSION = "/robot/sendBySession"
TO_USERS = "/v1.0/robot/oToMessages/batchSend"
TO_GROUP = "/v1.0/robot/groupMessages/send"
CARD_CREATE = "/v1.0/card/instances/createAndDeliver"
CARD_UPDATE = "/v1.0/card/instances"
ROBOT = "/robot/send"
TEMPLATE = "dealbot-card.schema"

USERS = users("dingtalk", "manager01")
FAST = (0.05, 0.5)  # reconnect backoff in tests: base, cap (seconds)



def dingtalk_section(url: str, cards: bool = True, **more: Any) -> dict[str, Any]:
    section = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "openapi_base": url, "oapi_base": url,
               "watchdog_seconds": 2.0, "http_timeout": 2.0,
               "robots": {"华东一组": {"token": ROBOT_TOKEN, "secret": ROBOT_SECRET}}}
    if cards:
        section["card_template_id"] = TEMPLATE
    return section | more


def make_config(db_url: str, url: str, cards: bool = True, **more: Any) -> Config:
    config = load_config(environ={})
    config.sections["database"]["url"] = db_url
    config.sections.update({"teams": TEAMS, "users": USERS, "assignment": RULES,
                            "dingtalk": dingtalk_section(url, cards, **more)})
    return config


def shown(rec: Recorded) -> str:
    """The words a member sees in one sent message, whatever way it went."""
    body = rec.body
    if "msgParam" in body:
        param = json.loads(body["msgParam"])
        return str(param.get("text") or param.get("content") or "")
    if "cardData" in body:
        return str(body["cardData"]["cardParamMap"].get("markdown", ""))
    kind = body.get("msgtype", "")
    part = body.get(kind, {})
    return str(part.get("text") or part.get("content") or "")


async def unprocessed(app: App) -> int:
    async with app.uow_factory() as uow:
        return len(await uow.inbox.unprocessed(1000))


async def settle(app: App, timeout: float = 15.0) -> None:
    """Wait until the bot has processed everything in its inbox (it works in the background)."""
    deadline = time.monotonic() + timeout
    while await unprocessed(app):
        assert time.monotonic() < deadline, "the bot did not process its inbox"
        await asyncio.sleep(0.01)


@dataclass
class DingTalkSession:
    app: App
    fake: FakeDingTalk
    connector: DingTalkConnector
    clock: Clock
    taps: list[str] = field(default_factory=list)  # messageIds of the card taps pushed
    _seen: int = 0

    async def say(self, text: str, staff: str = "zhangwei", **kwargs: Any) -> list[Recorded]:
        """One chatbot message; returns what DingTalk received because of it (replies and notices)."""
        message_id = self.fake.say(text, staff, **kwargs)
        await self.acked(message_id)
        return await self.flush()

    async def acked(self, *message_ids: str, timeout: float = 10.0) -> None:
        await eventually(lambda: all(self.fake.acks[m] for m in message_ids), timeout, "ACK")

    async def flush(self) -> list[Recorded]:
        await self.settle()
        await self.app.dispatcher.drain()
        return self.new_sends()

    async def settle(self, timeout: float = 15.0) -> None:
        await settle(self.app, timeout)

    def new_sends(self) -> list[Recorded]:
        sends = [r for r in self.fake.requests if r.path in (SESSION, TO_USERS, TO_GROUP, CARD_CREATE, CARD_UPDATE,
                                                               ROBOT)]
        fresh, self._seen = sends[self._seen:], len(sends)
        return fresh

    async def tick(self, delta: timedelta) -> list[Recorded]:
        """Let time pass: due reminders are queued (with the configured button channels) and delivered."""
        self.clock.now += delta
        await deliver_due_reminders(self.app.uow_factory, self.clock(), button_channels=button_channels(
            self.app.config))
        await self.app.dispatcher.drain()
        return self.new_sends()

    async def unprocessed(self) -> int:
        return await unprocessed(self.app)

    async def row_counts(self, *models: type[Base]) -> tuple[int, ...]:
        async with self.app.uow_factory() as uow:
            session = uow.session  # type: ignore[attr-defined]
            return tuple([int(await session.scalar(select(func.count()).select_from(model))) for model in models])

    async def inbox_count(self) -> int:
        return (await self.row_counts(InboxRow))[0]

    async def close(self) -> None:
        await self.app.close()


async def start_session(db_url: str, fake: FakeDingTalk, now: datetime, cards: bool = True,
                        **more: Any) -> DingTalkSession:
    """The bot with its DingTalk channel in stream mode, connected to `fake`. One test clock for the bot, the
    connector and the fake (message times, sessionWebhook expiry, robot signatures and limits)."""
    config = make_config(db_url, fake.url, cards, **more)
    apps: list[App] = []
    clock = Clock(now)
    fake.now = clock.epoch
    connector = build(config, clock.epoch, lambda: apps[0].uow_factory(), backoff=FAST)
    assert connector is not None
    app = await bootstrap(config, {"dingtalk": connector}, clock=clock)
    apps.append(app)
    await app.start_channels()
    await eventually(fake.connected, 10, "stream connection")
    return DingTalkSession(app=app, fake=fake, connector=connector, clock=clock)
