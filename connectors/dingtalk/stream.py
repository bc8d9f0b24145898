"""Stream mode: a websocket to DingTalk's gateway, on the official SDK's client, frames and handlers.

What we do instead of the SDK's `start()` (measured against a local gateway, DESIGN.md §5):
- reconnect with exponential backoff and full jitter — the SDK reopens in a tight loop after a clean
  close and sleeps a flat 10 s after errors;
- a watchdog: a connection that delivers no frame (the gateway's pings included) for
  `watchdog_seconds` is dropped and reopened — the SDK's keepalive never waits for a pong;
- `connections/open` with aiohttp and a timeout — the SDK's is a blocking `requests.post` without one;
- ACK on the websocket the frame came on, only after the handler returned (the message is in the
  inbox); a handler that fails sends no ACK, so the gateway redelivers;
- `stop()` closes the socket and lets the frames in flight finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import aiohttp
import websockets
from dingtalk_stream import AckMessage, CallbackHandler, CallbackMessage, Credential, DingTalkStreamClient
from dingtalk_stream.frames import SystemMessage
from dingtalk_stream.version import VERSION_STRING

from connectors.dingtalk.config import DingTalkConfig

log = logging.getLogger(__name__)

CHATBOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
OPEN_PATH = "/v1.0/gateway/connections/open"
STOP_GRACE = 5.0  # seconds the frames in flight get to finish when a connection ends
MAX_INFLIGHT = 256  # frames being stored at once; beyond, the socket is not read (the gateway waits)
CONSUME_TIMEOUT = 30.0  # a frame not stored by then is not ACKed (the gateway redelivers it)
# a tap's answer: nothing changes yet (the card is updated later, by the tap's outbox item)
CARD_RESPONSE: dict[str, Any] = {"cardData": {"cardParamMap": {}}}
Consume = Callable[[Mapping[str, Any], str], Awaitable[None]]  # (payload, the frame's messageId)


class OpenFailed(Exception):
    """connections/open did not hand out an endpoint and ticket."""


@dataclass
class StreamStats:
    """What the stream did (observability, tests, benchmark)."""

    opens: int = 0  # connections/open calls
    connects: int = 0  # websockets opened
    frames: int = 0
    acks: int = 0
    unacked: int = 0  # frames whose handler failed: left for the gateway to redeliver
    watchdog_trips: int = 0


class _Topic(CallbackHandler):  # type: ignore[misc]
    """One callback topic: the payload goes to `consume`; its return is the ACK's go-ahead, with `response`."""

    def __init__(self, consume: Consume, response: Any = "OK") -> None:
        super().__init__()
        self._consume = consume
        self._response = response

    async def process(self, message: CallbackMessage) -> tuple[int, Any]:
        data = message.data if isinstance(message.data, Mapping) else {}
        async with asyncio.timeout(CONSUME_TIMEOUT):  # no extra task per frame, unlike wait_for
            await self._consume(data, str(message.headers.message_id or ""))
        return AckMessage.STATUS_OK, self._response


def backoff_delay(failures: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnecting: after a healthy connection (0 failures) about `base`, then
    doubling per failure up to `cap`, each with jitter (half fixed, half random) so processes spread."""
    ceiling = min(cap, base * 2 ** min(failures, 30))
    return float(ceiling / 2 + rand() * ceiling / 2)


class DingTalkStream(DingTalkStreamClient):  # type: ignore[misc]
    def __init__(self, cfg: DingTalkConfig, *, on_chatbot: Consume, on_card: Consume,
                 rand: Callable[[], float] = random.random) -> None:
        super().__init__(Credential(cfg.client_id, cfg.client_secret), logger=log)
        self.cfg = cfg
        self.register_callback_handler(CHATBOT_TOPIC, _Topic(on_chatbot))
        self.register_callback_handler(CARD_TOPIC, _Topic(on_card, CARD_RESPONSE))
        self.stats = StreamStats()
        self._rand = rand
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_INFLIGHT)
        self._socket: Any = None

    async def start(self) -> None:
        """Run until `stop()`: connect, serve frames, reconnect with backoff."""
        self.pre_start()
        failures = 0
        while not self._stopping.is_set():
            healthy = False
            try:
                healthy = await self._serve(await self.open_connection_async())
            except OpenFailed as exc:
                log.warning("dingtalk stream: %s", exc)
            except Exception as exc:  # whatever the network or the gateway did: back off and reconnect
                log.warning("dingtalk stream: %s", type(exc).__name__)  # its text may carry the ticket
            failures = 0 if healthy else failures + 1
            delay = backoff_delay(failures, self.cfg.backoff_base, self.cfg.backoff_max, self._rand)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """No new frames; those in flight finish and are ACKed on the still-open socket (within `grace`
        seconds); then the socket closes. Frames not taken are redelivered to the next process."""
        self._stopping.set()
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=grace)
        if self._socket is not None:
            await self._socket.close()

    async def open_connection_async(self) -> tuple[str, str]:
        """POST connections/open (what the SDK's `open_connection` sends) with a timeout: (endpoint, ticket)."""
        self.stats.opens += 1
        body = {"clientId": self.credential.client_id, "clientSecret": self.credential.client_secret,
                "subscriptions": [{"type": "CALLBACK", "topic": t} for t in self.callback_handler_map],
                "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union (dealbot)", "localIp": ""}
        url = self.cfg.openapi_base.rstrip("/") + OPEN_PATH
        timeout = aiohttp.ClientTimeout(total=self.cfg.http_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.post(url, json=body) as resp:
            try:
                data = await resp.json(content_type=None) if resp.status == 200 else None
            except ValueError:  # a maintenance page instead of JSON
                data = None
        if not isinstance(data, dict) or not data.get("endpoint") or not data.get("ticket"):
            raise OpenFailed(f"connections/open answered HTTP {resp.status}")
        return str(data["endpoint"]), str(data["ticket"])

    async def _serve(self, connection: tuple[str, str]) -> bool:
        """One websocket until it closes or the watchdog trips; True when it delivered any frame."""
        endpoint, ticket = connection
        healthy = False
        ping = max(1.0, self.cfg.watchdog_seconds / 3)
        async with websockets.connect(f"{endpoint}?ticket={quote_plus(ticket)}", open_timeout=self.cfg.http_timeout,
                                      ping_interval=ping, ping_timeout=ping, close_timeout=2) as ws:
            self._socket = self.websocket = ws
            self.stats.connects += 1
            while not self._stopping.is_set():
                await self._slots.acquire()  # at most MAX_INFLIGHT frames being stored
                try:
                    raw = await self._next_frame(ws)
                except BaseException:
                    self._slots.release()
                    raise
                if raw is None or self._stopping.is_set():  # a frame read while stopping is not ACKed: redelivered
                    self._slots.release()
                    break
                healthy = True
                self.stats.frames += 1
                task = asyncio.create_task(self._frame(ws, raw))
                self._inflight.add(task)
                task.add_done_callback(self._done)
            if self._inflight:  # their ACKs go out on this socket before it closes
                await asyncio.wait(set(self._inflight), timeout=STOP_GRACE)
        self._socket = None
        return healthy

    async def _next_frame(self, ws: Any) -> str | bytes | None:
        """The next frame; None when the socket closed or the watchdog found it silent too long."""
        try:
            raw: str | bytes = await asyncio.wait_for(ws.recv(), timeout=self.cfg.watchdog_seconds)
            return raw
        except TimeoutError:
            self.stats.watchdog_trips += 1
            log.warning("dingtalk stream: no frame for %.0f s; reconnecting", self.cfg.watchdog_seconds)
        except websockets.ConnectionClosed:
            pass
        return None

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._slots.release()

    async def _close_when_done(self, ws: Any) -> None:
        """`disconnect`: the frames in flight still get their ACKs on this socket, then it closes."""
        others = self._inflight - {asyncio.current_task()}
        if others:
            await asyncio.wait(others, timeout=STOP_GRACE)
        await ws.close()

    async def _frame(self, ws: Any, raw: str | bytes) -> None:
        """Route one frame with the SDK's handlers and ACK it on its own socket."""
        try:
            frame = json.loads(raw)
            kind = frame.get("type", "")
            if kind == SystemMessage.TYPE:
                message = SystemMessage.from_dict(frame)
                ack = await self.system_handler.raw_process(message)
                await ws.send(json.dumps(ack.to_dict()))
                if message.headers.topic == SystemMessage.TOPIC_DISCONNECT:  # the gateway moves us elsewhere
                    await self._close_when_done(ws)
                return
            if kind != CallbackMessage.TYPE:
                return
            callback = CallbackMessage.from_dict(frame)
            handler = self.callback_handler_map.get(callback.headers.topic)
            if handler is None:
                return
            ack = await handler.raw_process(callback)
        except websockets.ConnectionClosed:
            return
        except Exception as exc:  # any handler fault: no ACK, DingTalk redelivers
            self.stats.unacked += 1
            log.warning("dingtalk frame not acknowledged: %s", type(exc).__name__)
            return
        try:
            await ws.send(json.dumps(ack.to_dict()))
            self.stats.acks += 1
        except websockets.ConnectionClosed:
            pass  # the gateway redelivers on the next connection; the inbox drops the repeat
