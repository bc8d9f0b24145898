"""Group robot webhook: `POST {webhook_base}/cgi-bin/webhook/send?key=...` (20 messages/min each)."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from connectors.base import DeliveryError
from connectors.throttle import ROBOT_LIMITS, Throttle
from connectors.wecom.markdown import APP_TEXT_LIMIT, ROBOT_MARKDOWN_LIMIT, split_markdown
from connectors.wecom.transport import HttpTransport, api_error, errcode

Clock = Callable[[], float]
DEFAULT_MAX_PARTS = 5


class WeComRobot:
    """Sends to the group robot of a team. A long message becomes several parts, all reserved
    against the throttle up front, so throttling never leaves a message half sent."""

    def __init__(self, transport: HttpTransport, *, webhook_base: str, keys: Mapping[str, str],
                 throttle: Throttle | None = None, clock: Clock = time.time,
                 max_parts: int = DEFAULT_MAX_PARTS) -> None:
        self._transport = transport
        self._url = webhook_base.rstrip("/") + "/cgi-bin/webhook/send"
        self._keys = dict(keys)
        self._throttle = throttle or Throttle(ROBOT_LIMITS)
        self._clock = clock
        self._max_parts = max_parts

    async def send_markdown(self, team: str, content: str) -> None:
        parts = split_markdown(content, ROBOT_MARKDOWN_LIMIT, self._max_parts)
        await self._send(team, [{"msgtype": "markdown", "markdown": {"content": p}} for p in parts])

    async def send_image(self, team: str, data: bytes) -> None:
        """msgtype image: the picture itself as base64 with its MD5 (at most 2 MB, JPG or PNG)."""
        image = {"base64": base64.b64encode(data).decode("ascii"), "md5": hashlib.md5(data).hexdigest()}
        await self._send(team, [{"msgtype": "image", "image": image}])

    async def send_text(self, team: str, content: str) -> None:
        parts = split_markdown(content, APP_TEXT_LIMIT, self._max_parts)
        await self._send(team, [{"msgtype": "text", "text": {"content": p}} for p in parts])

    async def _send(self, team: str, bodies: list[dict[str, Any]]) -> None:
        key = self._keys.get(team)
        if not key:
            raise DeliveryError(f"no WeCom group robot configured for team {team!r}", retry_after=None)
        wait = self._throttle.reserve(f"robot:{team}", self._clock(), count=len(bodies))
        if wait > 0:
            raise DeliveryError(f"wecom robot {team!r} throttled", retry_after=wait, deferred=True)
        for body in bodies:
            data = await self._transport.request_json("POST", self._url, params={"key": key}, body=body)
            if errcode(data) != 0:
                raise api_error(data, f"wecom robot {team!r}", self._transport.secrets)
