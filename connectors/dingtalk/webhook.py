"""The two webhook-style senders: a message's sessionWebhook, and the teams' custom group robots.

Both answer HTTP 200 with `{errcode, errmsg}`: read the errcode. An expired sessionWebhook answers
300001 (the caller falls back to the OpenAPI); a custom robot over 20 messages a minute is banned for
10 minutes (130101), so `CustomRobots` throttles itself and a 130101 waits out the ban in the outbox.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from connectors.base import DeliveryError
from connectors.dingtalk.config import RobotKey
from connectors.dingtalk.sign import signature
from connectors.http import RETRY_UNKNOWN, HttpTransport, errcode, scrub
from connectors.throttle import DINGTALK_ROBOT_LIMITS, Throttle
from connectors.tokens import Clock

EXPIRED = 300001  # the sessionWebhook is no longer valid
BANNED = 130101  # a custom robot sent too much: 10 minutes of silence
BAN_SECONDS = 600.0
RETRY_BUSY = 10.0


async def post(transport: HttpTransport, url: str, body: Mapping[str, Any], what: str,
               params: Mapping[str, str] | None = None) -> int:
    """POST one webhook message: its errcode (0 = delivered). HTTP faults raise a retryable DeliveryError."""
    data = await transport.request_json("POST", url, params=params or {}, body=body)
    code = errcode(data)
    if code in (0, EXPIRED):
        return code
    reason = scrub(f"{what}: errcode {code} {str(data.get('errmsg', ''))[:160]}", transport.secrets)
    if code == BANNED:
        raise DeliveryError(reason, retry_after=BAN_SECONDS)
    raise DeliveryError(reason, retry_after=RETRY_BUSY if code == -1 else RETRY_UNKNOWN)


async def session_reply(transport: HttpTransport, url: str, body: Mapping[str, Any]) -> bool:
    """True: delivered through the sessionWebhook; False: it had expired (300001)."""
    return await post(transport, url, body, "dingtalk sessionWebhook") == 0


class CustomRobots:
    """`POST {oapi_base}/robot/send?access_token=…&timestamp=…&sign=…` for each team's group robot."""

    def __init__(self, transport: HttpTransport, *, oapi_base: str, robots: Mapping[str, RobotKey],
                 throttle: Throttle | None = None, clock: Clock = time.time) -> None:
        self._transport = transport
        self._url = oapi_base.rstrip("/") + "/robot/send"
        self._robots = dict(robots)
        self._throttle = throttle or Throttle(DINGTALK_ROBOT_LIMITS)
        self._clock = clock

    async def send(self, team: str, bodies: list[dict[str, Any]]) -> None:
        robot = self._robots.get(team)
        if robot is None:
            raise DeliveryError(f"no DingTalk group robot configured for team {team!r}", retry_after=None)
        wait = self._throttle.reserve(f"robot:{team}", self._clock(), count=len(bodies))
        if wait > 0:
            raise DeliveryError(f"dingtalk robot {team!r} throttled", retry_after=wait, deferred=True)
        for body in bodies:
            stamp = str(int(self._clock() * 1000))
            params = {"access_token": robot.token, "timestamp": stamp, "sign": signature(robot.secret, stamp)}
            await post(self._transport, self._url, body, f"dingtalk robot {team!r}", params)

