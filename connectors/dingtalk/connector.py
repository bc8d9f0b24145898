"""`DingTalkConnector`: the DingTalk channel as a `connectors.base.Connector`.

Inbound: stream mode (default) runs `DingTalkStream` from `start(dispatch)`; HTTP mode mounts the
outgoing robot's `POST callback_path` with `add_routes(app)`. Either way a message is acknowledged only
once `dispatch` returned (it is in the inbox).

Outbound, by recipient: `robot:<team>` goes to that team's custom group robot; `group:<conversationId>`
to a group the robot is in; anything else is a staffId, one-to-one. A reply carrying the message's
`session_webhook` goes there while it is valid (an expired one answers 300001: then the OpenAPI).
`extra["buttons"]` ([{text, key}]) with a `card_template_id` becomes an interactive card whose taps come
back on the stream as text messages; without a template the buttons are left out (the text says what to
reply). `extra["card_update"]` ({out_track_id, replace_name}) settles a tapped card instead.
`extra["image"]` (see connectors.base) is uploaded (`media/upload`) and sent first through the OpenAPI as a
sampleImageMsg (a sessionWebhook cannot carry a picture); the text follows as usual. Custom group robots cannot
send an uploaded picture: they get the text only (which links to the web view).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from connectors.base import DeliveryError, Dispatch, InboundMessage, OutboundMessage, buttons_of, image_of
from connectors.dingtalk.callback import add_callback_route
from connectors.dingtalk.client import DingTalkApi, image_param, message_param
from connectors.dingtalk.config import DingTalkConfig
from connectors.dingtalk.inbound import GROUP_PREFIX, card_inbound, chatbot_inbound
from connectors.dingtalk.markdown import parts, title_of, webhook_body
from connectors.dingtalk.stream import DingTalkStream
from connectors.dingtalk.webhook import CustomRobots, session_reply
from connectors.http import HttpTransport
from connectors.throttle import Throttle
from connectors.tokens import InMemoryTokenStore, TokenStore

log = logging.getLogger(__name__)

ROBOT_PREFIX = "robot:"
WEBHOOK_MARGIN_MS = 60_000  # a sessionWebhook this close to its expiry is not trusted
BUTTON_LIMIT = 6


class NotStarted(Exception):
    pass


class DingTalkConnector:
    channel = "dingtalk"

    def __init__(self, cfg: DingTalkConfig, *, token_store: TokenStore | None = None,
                 robot_throttle: Throttle | None = None, clock: Callable[[], float] = time.time,
                 rand: Callable[[], float] = random.random) -> None:
        self.cfg = cfg
        self._clock = clock
        self._dispatch: Dispatch | None = None
        self._transport = HttpTransport(timeout=cfg.http_timeout, secrets=cfg.secrets)
        self.api = DingTalkApi(self._transport, token_store or InMemoryTokenStore(), cfg, clock=clock)
        self.robots = CustomRobots(self._transport, oapi_base=cfg.oapi_base, robots=cfg.robots,
                                   throttle=robot_throttle, clock=clock)
        self.stream = (DingTalkStream(cfg, on_chatbot=self._chatbot, on_card=self._card, rand=rand)
                       if cfg.mode == "stream" else None)
        self._running: asyncio.Task[None] | None = None

    @property
    def cards(self) -> bool:
        """Whether buttons become interactive cards: a card template is configured and taps can come back
        (they arrive on the stream only)."""
        return bool(self.cfg.card_template_id) and self.cfg.mode == "stream"

    def add_routes(self, app: web.Application) -> None:
        """HTTP mode: mount `POST cfg.callback_path` on `app` (call before the app starts)."""
        if self.cfg.mode == "http":
            add_callback_route(app, self.cfg, self._chatbot, clock=self._clock)

    async def start(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        if self.stream is not None and self._running is None:
            self._running = asyncio.create_task(self.stream.start(), name="dingtalk-stream")

    async def stop_intake(self) -> None:
        """No new frames; those in flight are stored and ACKed, then the stream closes (before the bot stops)."""
        if self.stream is not None:
            await self.stream.stop()

    async def stop(self) -> None:
        await self.stop_intake()
        if self._running is not None:
            self._running.cancel()
            self._running = None
        self._dispatch = None
        await self._transport.close()

    async def _accept(self, message: InboundMessage) -> None:
        if self._dispatch is None:
            raise NotStarted("dingtalk connector not started")
        await self._dispatch(message)

    async def _chatbot(self, data: Mapping[str, Any], message_id: str = "") -> None:
        await self._take(lambda: chatbot_inbound(data, clock=self._clock), "message")

    async def _card(self, data: Mapping[str, Any], message_id: str) -> None:
        await self._take(lambda: card_inbound(data, message_id, clock=self._clock), "card callback")

    async def _take(self, read: Callable[[], InboundMessage], what: str) -> None:
        try:
            message = read()
        except ValueError as err:  # never readable: acknowledged and dropped, not redelivered forever
            log.warning("dingtalk %s dropped: %s", what, err)
            return
        await self._accept(message)

    # -- outbound --------------------------------------------------------------------------------
    async def send(self, message: OutboundMessage) -> None:
        if message.channel != self.channel:
            raise DeliveryError(f"dingtalk connector cannot send {message.channel!r} messages", retry_after=None)
        if not message.recipient:
            raise DeliveryError("dingtalk message without recipient", retry_after=None)
        update = message.extra.get("card_update")
        image = image_of(message)
        if image is not None and not message.recipient.startswith(ROBOT_PREFIX) and not isinstance(update, Mapping):
            await self._robot_message(message.recipient, *image_param(await self.api.upload_image(image)))
        if isinstance(update, Mapping):
            await self._settle(update)
        elif message.recipient.startswith(ROBOT_PREFIX):
            title = title_of(message)
            await self.robots.send(message.recipient[len(ROBOT_PREFIX):],
                                   [webhook_body(text, md, title) for text, md in parts(message)])
        elif self.cards and (buttons := buttons_of(message, BUTTON_LIMIT)):
            await self._send_card(message, buttons)
        else:
            pieces = parts(message)
            sent = await self._via_session(message, pieces)
            await self._via_api(message, pieces[sent:])

    async def _via_session(self, message: OutboundMessage, pieces: list[tuple[str, str | None]]) -> int:
        """Through the message's sessionWebhook: how many parts went (0 when there is none, it has expired
        or is about to; fewer than all when DingTalk says it expired midway: the rest take the OpenAPI)."""
        url = message.extra.get("session_webhook")
        expires = message.extra.get("session_webhook_expires") or 0
        if not isinstance(url, str) or not url or not isinstance(expires, int | float):
            return 0
        if expires and expires - WEBHOOK_MARGIN_MS <= self._clock() * 1000:
            return 0
        title = title_of(message)
        for sent, (text, markdown) in enumerate(pieces):
            if not await session_reply(self._transport, url, webhook_body(text, markdown, title)):
                return sent  # 300001
        return len(pieces)

    async def _via_api(self, message: OutboundMessage, pieces: list[tuple[str, str | None]]) -> None:
        title = title_of(message)
        for text, markdown in pieces:
            await self._robot_message(message.recipient, *message_param(text, markdown, title))

    async def _robot_message(self, recipient: str, key: str, param: str) -> None:
        if recipient.startswith(GROUP_PREFIX):
            await self.api.to_group(recipient[len(GROUP_PREFIX):], key, param)
        else:
            await self.api.to_users([recipient], key, param)

    async def _send_card(self, message: OutboundMessage, buttons: list[dict[str, str]]) -> None:
        group = message.recipient.startswith(GROUP_PREFIX)
        space = (f"dtv1.card//IM_GROUP.{message.recipient[len(GROUP_PREFIX):]}" if group
                 else f"dtv1.card//IM_ROBOT.{message.recipient}")
        owner = str(message.extra.get("card_owner") or ("" if group else message.recipient))
        params = {"title": title_of(message), "markdown": message.markdown or message.text, "owner": owner,
                  "buttons": json.dumps(buttons, ensure_ascii=False), "result": ""}
        await self.api.create_card(_track_id(message), space, params)

    async def _settle(self, update: Mapping[str, Any]) -> None:
        track, label = str(update.get("out_track_id") or ""), str(update.get("replace_name") or "")
        if not track or not label:
            raise DeliveryError("dingtalk card update without out_track_id or replace_name", retry_after=None)
        await self.api.update_card(track, {"result": label, "buttons": "[]"})


def _track_id(message: OutboundMessage) -> str:
    """The card's outTrackId: the same on every retry of one queued message, so a resend after a lost
    answer updates the card DingTalk already has instead of delivering a second one."""
    key = message.extra.get("delivery_key")
    seed = str(key) if key else uuid.uuid4().hex
    return "dealbot-" + hashlib.sha256(seed.encode()).hexdigest()[:32]

