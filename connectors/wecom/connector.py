"""`WeComConnector`: the WeCom channel as a `connectors.base.Connector`.

Inbound: `add_routes(app)` mounts the callback before the web app starts; `start(dispatch)` then
opens the door (until then the callback answers 500 and WeCom redelivers). Outbound: recipient
`robot:<team>` goes to that team's group robot, anything else is a member userid reached through
the app. `markdown` selects the markdown msgtype (unless it equals `text`: then plain text, which
WeChat users of the app can read too), `extra["textcard"]` (title, description, url,
btntxt) a text card, otherwise plain text; `extra["buttons"]` ([{text, key}]) adds a button card after the
text (app members only; a tap comes back as a text message carrying the key); `extra["image"]` (see
connectors.base) goes first as an image message (app: uploaded with `media/upload`, then msgtype image with
the media_id; robot: msgtype image with base64 + md5), the text after it as its own message; `extra["card_update"]`
({response_code, replace_name}) settles a tapped card instead of sending anything. Over WeCom's per-member
limits, `send` raises
`DeliveryError(retry_after=...)` instead of sleeping, so the message waits in the outbox.
Long content is split into parts (app: 2,048 bytes each, robot markdown: 4,096) reserved against
the throttle together; if a network fault interrupts a multi-part send, the outbox retry resends the
parts already delivered (at-least-once; `duplicate_check_interval` lets WeCom drop app repeats).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from aiohttp import web

from connectors.base import (
    DeliveryError,
    Dispatch,
    InboundMessage,
    OutboundMessage,
    buttons_of,
    image_of,
    wants_markdown,
)
from connectors.http import HttpTransport
from connectors.throttle import MEMBER_LIMITS, ROBOT_LIMITS, Throttle
from connectors.wecom.callback import add_routes as add_callback_routes
from connectors.wecom.client import WeComAppClient
from connectors.wecom.config import WeComConfig
from connectors.wecom.markdown import (
    APP_TEXT_LIMIT,
    escape_html,
    split_markdown,
    to_wecom_markdown,
    truncate_utf8,
)
from connectors.wecom.robot import WeComRobot
from connectors.wecom.token import AccessTokenProvider, InMemoryTokenStore, TokenStore

__all__ = ["WeComConfig", "WeComConnector"]

ROBOT_PREFIX = "robot:"
APP_MAX_PARTS = 4
CARD_TITLE_LIMIT = 128  # bytes
CARD_DESCRIPTION_LIMIT = 512
BUTTON_LIMIT = 6  # WeCom's button_interaction card holds at most 6 buttons
BUTTON_TITLE_LIMIT = 108  # bytes (36 characters)
BUTTON_TEXT_LIMIT = 30  # bytes (10 characters)


class NotStarted(Exception):
    pass


class WeComConnector:
    channel = "wecom"

    def __init__(self, cfg: WeComConfig, *, token_store: TokenStore | None = None,
                 throttle: Throttle | None = None, robot_throttle: Throttle | None = None,
                 clock: Callable[[], float] = time.time,
                 session: aiohttp.ClientSession | None = None) -> None:
        self.cfg = cfg
        self._clock = clock
        self._dispatch: Dispatch | None = None
        self._transport = HttpTransport(timeout=cfg.http_timeout, secrets=cfg.secrets, session=session)
        self.tokens = AccessTokenProvider(
            self._transport, token_store or InMemoryTokenStore(), api_base=cfg.api_base,
            corp_id=cfg.corp_id, secret=cfg.secret, key=f"wecom:{cfg.corp_id}:{cfg.agent_id}",
            margin=cfg.token_margin, clock=clock)
        self.app_client = WeComAppClient(
            self._transport, self.tokens, api_base=cfg.api_base, agent_id=cfg.agent_id,
            max_token_retries=cfg.max_token_retries, duplicate_check_interval=cfg.duplicate_check_interval)
        self.robot = WeComRobot(self._transport, webhook_base=cfg.webhook_base, keys=cfg.webhook_keys,
                                throttle=robot_throttle or Throttle(ROBOT_LIMITS), clock=clock)
        self._throttle = throttle or Throttle(MEMBER_LIMITS)

    def add_routes(self, app: web.Application) -> None:
        """Mount `GET/POST cfg.callback_path` on `app` (call before the app starts)."""
        add_callback_routes(app, self.cfg, self._accept, clock=self._clock)

    async def _accept(self, message: InboundMessage) -> None:
        if self._dispatch is None:
            raise NotStarted("wecom connector not started")
        await self._dispatch(message)

    async def start(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch

    async def stop(self) -> None:
        self._dispatch = None
        await self._transport.close()

    async def send(self, message: OutboundMessage) -> None:
        if message.channel != self.channel:
            raise DeliveryError(f"wecom connector cannot send {message.channel!r} messages", retry_after=None)
        if not message.recipient:
            raise DeliveryError("wecom message without recipient", retry_after=None)
        if message.recipient.startswith(ROBOT_PREFIX):
            await self._send_robot(message.recipient[len(ROBOT_PREFIX):], message)
        else:
            await self._send_app(message.recipient, message)

    async def _send_robot(self, team: str, message: OutboundMessage) -> None:
        if (image := image_of(message)) is not None:
            await self.robot.send_image(team, image.data)
        if wants_markdown(message) and message.markdown:
            await self.robot.send_markdown(team, to_wecom_markdown(message.markdown))
        else:
            await self.robot.send_text(team, message.text)

    async def _send_app(self, user: str, message: OutboundMessage) -> None:
        update = message.extra.get("card_update")
        if isinstance(update, Mapping):  # a tapped card settles: its buttons become one disabled label
            code, label = str(update.get("response_code") or ""), str(update.get("replace_name") or "")
            if not code or not label:
                raise DeliveryError("wecom card update without response_code or replace_name", retry_after=None)
            await self.app_client.update_buttons(user, code, truncate_utf8(label, BUTTON_TEXT_LIMIT))
            return
        image = image_of(message)
        card = message.extra.get("textcard")
        if isinstance(card, Mapping):
            self._reserve(user, 1 + (image is not None))
            if image is not None:
                await self.app_client.send_image(user, await self.app_client.upload_image(image))
            await self.app_client.send_textcard(user, **_card_fields(card))
            return
        buttons = buttons_of(message, BUTTON_LIMIT)
        markdown = message.markdown if wants_markdown(message) else None
        msgtype = "markdown" if markdown else "text"
        content = to_wecom_markdown(markdown) if markdown else message.text
        parts = split_markdown(content, APP_TEXT_LIMIT, APP_MAX_PARTS)
        self._reserve(user, len(parts) + (1 if buttons else 0) + (image is not None))
        if image is not None:  # the picture first, the words (with the link to the web view) under it
            await self.app_client.send_image(user, await self.app_client.upload_image(image))
        for part in parts:
            await self.app_client.send(user, msgtype, {"content": part})
        if buttons:  # the one-tap answers, after the text they answer
            await self.app_client.send(user, "template_card", button_card(buttons))

    def _reserve(self, user: str, count: int) -> None:
        wait = self._throttle.reserve(user, self._clock(), count=count)
        if wait > 0:
            raise DeliveryError("wecom per-member send limit reached", retry_after=wait, deferred=True)




def button_card(buttons: list[dict[str, str]]) -> dict[str, Any]:
    """A button_interaction template card: a tap comes back as a template_card_event whose EventKey is the
    button's key (connectors.wecom.inbound turns it into a text message). The first button is the main one."""
    title = " / ".join(b["text"] for b in buttons)
    return {"card_type": "button_interaction", "task_id": uuid.uuid4().hex,
            "main_title": {"title": truncate_utf8(title, BUTTON_TITLE_LIMIT)},
            "button_list": [{"text": truncate_utf8(b["text"], BUTTON_TEXT_LIMIT), "style": 1 if i == 0 else 2,
                             "key": b["key"]} for i, b in enumerate(buttons)]}


def _card_fields(card: Mapping[str, Any]) -> dict[str, str]:
    fields = {"title": truncate_utf8(escape_html(str(card.get("title", ""))), CARD_TITLE_LIMIT),
              "description": truncate_utf8(escape_html(str(card.get("description", ""))), CARD_DESCRIPTION_LIMIT),
              "url": str(card.get("url", "")), "btntxt": str(card.get("btntxt") or "详情")}
    if not fields["title"] or not fields["url"]:
        raise DeliveryError("wecom textcard needs a title and a url", retry_after=None)
    return fields
