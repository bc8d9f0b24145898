"""A local fake of DingTalk, in its own thread and event loop, speaking the documented wire protocol:
the stream gateway (`connections/open` + websocket: CALLBACK frames, SYSTEM ping/disconnect, ACKs), the
OpenAPI (accessToken, robot batchSend / groupMessages, card createAndDeliver / update), sessionWebhooks and
custom group robots (signed, 20 a minute, then a 10-minute ban with errcode 130101).

The gateway keeps every frame until it is ACKed and sends what is pending again on each new connection
(and, with `redeliver_after`, on the same one), as DingTalk does. Its faults: refuse connections, drop
ACKs, go `silent` (no frame, no pong) or `zombie` (pongs, no frame), send `disconnect`, answer scripted
HTTP faults per path, expire sessionWebhooks (errcode 300001)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from aiohttp import WSMsgType, web

from tests.dingtalk.fake_api import FakeDingTalkApi

CHATBOT = "/v1.0/im/bot/messages/get"
CARD = "/v1.0/card/instances/callback"
T = TypeVar("T")


@dataclass
class Pending:
    frame: dict[str, Any]
    sent_at: float = 0.0


class FakeDingTalk(FakeDingTalkApi):
    def __init__(self, client_id: str = "dingfakeclient", client_secret: str = "fake-secret", *,
                 robots: dict[str, str] | None = None, ping_every: float | None = None,
                 redeliver_after: float | None = None) -> None:
        super().__init__(client_id, client_secret, robots)
        self.ping_every, self.redeliver_after = ping_every, redeliver_after
        self.refuse_open = False
        self.open_delay = 0.0  # seconds connections/open takes to answer
        self.close_at_once = False  # accept each websocket and close it cleanly at once
        self.open_html = False  # connections/open answers 200 with an HTML page (a maintenance proxy)
        self.modes: dict[int, str] = {}  # id(socket) -> "silent" (no frame, no pong) | "zombie" (pongs only)
        self.drop_acks = 0
        self.opens: list[float] = []  # time.monotonic() of each connections/open
        self.connects = 0
        self.acks: Counter[str] = Counter()
        self.dropped_acks: list[str] = []
        self.pending: dict[str, Pending] = {}  # messageId -> frame not ACKed yet
        self.frames: dict[str, dict[str, Any]] = {}  # every CALLBACK frame pushed
        self._ids = itertools.count(1)
        self._socket: web.WebSocketResponse | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-dingtalk", daemon=True)
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._ticking: asyncio.Future[None] = asyncio.Future(loop=self._loop)
        self.url = ""

    # -- life ------------------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread.start()
        self.call(self._start())
        return self

    def close(self) -> None:
        self.call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        """Run `coro` on the fake's loop from any thread and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/gateway", self._gateway)
        self.add_api_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._ticking = asyncio.ensure_future(self._ticker())

    async def _stop(self) -> None:
        self._closing.set()
        self._ticking.cancel()
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- stream gateway --------------------------------------------------------------------------
    async def _open(self, request: web.Request) -> web.Response:
        self.opens.append(time.monotonic())
        body = await request.json()
        if self.open_delay:
            with contextlib.suppress(TimeoutError):  # cut short when the fake closes
                await asyncio.wait_for(self._closing.wait(), self.open_delay)
        if self.refuse_open:
            return web.json_response({"code": "ServiceUnavailable", "message": "refused"}, status=503)
        if self.open_html:
            return web.Response(text="<html>维护中</html>", content_type="text/html")
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return web.json_response({"code": "InvalidAuthentication", "message": "bad client"}, status=401)
        topics = sorted(s["topic"] for s in body.get("subscriptions", []))
        assert topics == sorted([CHATBOT, CARD]), topics
        return web.json_response({"endpoint": self.url.replace("http", "ws") + "/gateway", "ticket": uuid.uuid4().hex})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        if self._socket is not None:  # one connection at a time, as one client
            await self._socket.close()
        self._socket, self.connects = ws, self.connects + 1
        if self.close_at_once:
            await ws.close()
            return ws
        for pending in list(self.pending.values()):
            await self._send(pending)
        async for msg in ws:
            if msg.type == WSMsgType.PING and self.modes.get(id(ws)) != "silent":
                await ws.pong(msg.data)
            elif msg.type == WSMsgType.TEXT:
                self._ack(json.loads(msg.data))
        if self._socket is ws:
            self._socket = None
        return ws

    def _ack(self, ack: dict[str, Any]) -> None:
        message_id = ack.get("headers", {}).get("messageId", "")
        if self.drop_acks > 0 and message_id in self.pending:
            self.drop_acks -= 1
            self.dropped_acks.append(message_id)
            return
        if ack.get("code") == 200:
            self.acks[message_id] += 1
            self.pending.pop(message_id, None)

    async def _send(self, pending: Pending) -> None:
        ws = self._socket
        if ws is None or ws.closed or id(ws) in self.modes:
            return
        pending.sent_at = time.monotonic()
        with contextlib.suppress(ConnectionError):  # the client just went away: the frame stays pending
            await ws.send_str(json.dumps(pending.frame))

    async def _ticker(self) -> None:
        last_ping = time.monotonic()
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            if self.ping_every and now - last_ping >= self.ping_every:
                last_ping = now
                await self._system("ping", {"opaque": uuid.uuid4().hex})
            if self.redeliver_after:
                for pending in list(self.pending.values()):
                    if pending.sent_at and now - pending.sent_at >= self.redeliver_after:
                        await self._send(pending)

    async def _system(self, topic: str, data: dict[str, Any]) -> None:
        await self._send(Pending(frame("SYSTEM", topic, data, f"sys-{next(self._ids)}")))

    def push(self, topic: str, data: dict[str, Any], message_id: str | None = None) -> str:
        """Deliver one CALLBACK frame (kept until ACKed); returns its messageId."""
        message_id = message_id or f"msg-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        self.call(self._send(self.enqueue(topic, data, message_id)))
        return message_id

    def enqueue(self, topic: str, data: dict[str, Any], message_id: str) -> Pending:
        """A CALLBACK frame kept until ACKed (not sent yet: `_send` it on the fake's loop)."""
        self.frames[message_id] = callback = frame("CALLBACK", topic, data, message_id, appId=self.client_id)
        pending = self.pending[message_id] = Pending(callback)
        return pending

    def resend(self, message_id: str) -> None:
        """The gateway delivers a frame again, ACKed or not (same messageId)."""
        self.call(self._send(Pending(self.frames[message_id])))

    def degrade(self, mode: str) -> None:
        """The current connection goes "silent" (a dead peer) or "zombie" (answers pings, delivers nothing);
        the next one is healthy."""
        assert self._socket is not None and mode in ("silent", "zombie")
        self.modes[id(self._socket)] = mode

    def replay(self, message_id: str) -> str:
        """The same payload pushed again under a new messageId (a double tap, a platform retry)."""
        frame = self.frames[message_id]
        return self.push(frame["headers"]["topic"], json.loads(frame["data"]))

    def disconnect(self) -> None:
        self.call(self._system("disconnect", {"reason": "rebalance"}))

    def connected(self) -> bool:
        return self._socket is not None and not self._socket.closed

    # -- chatbot payloads --------------------------------------------------------------------------
    def session_url(self, expired: bool = False) -> str:
        session = uuid.uuid4().hex
        if expired:
            self.expired_sessions.add(session)
        return f"{self.url}/robot/sendBySession?session={session}"

    def chatbot(self, text: str, staff: str = "zhangwei", *, msg_id: str | None = None, group: str | None = None,
                msgtype: str = "text", content: dict[str, Any] | None = None, expired: bool = False,
                nick: str = "", created_ms: int | None = None, lapsed: bool = False) -> dict[str, Any]:
        """A chatbot message as DingTalk sends it (stream data or outgoing-robot body). `expired`: its
        sessionWebhook answers 300001 although its stated expiry is still ahead; `lapsed`: that expiry has
        passed."""
        now_ms = int(self.now() * 1000)
        payload: dict[str, Any] = {
            "msgId": msg_id or f"msg{uuid.uuid4().hex}", "conversationId": group or f"cid{staff}",
            "conversationType": "2" if group else "1", "senderStaffId": staff, "senderNick": nick or staff,
            "senderId": f"$:LWCP_v1:${staff}", "chatbotUserId": "$:bot", "robotCode": self.client_id,
            "createAt": created_ms or now_ms, "msgtype": msgtype, "sessionWebhook": self.session_url(expired),
            "sessionWebhookExpiredTime": now_ms + (-1000 if lapsed else 90 * 60_000),
            "isInAtList": bool(group), "conversationTitle": "销售群" if group else ""}
        if msgtype == "text":
            payload["text"] = {"content": (" " + text) if group else text}
        else:
            payload["content"] = content or {}
        return payload

    def say(self, text: str, staff: str = "zhangwei", **kwargs: Any) -> str:
        return self.push(CHATBOT, self.chatbot(text, staff, **kwargs))

    def tap(self, out_track_id: str, user: str, button: int = 0) -> str:
        """A tap on button `button` of a card we hold, by `user`, as the card callback topic carries it."""
        params = self.cards[out_track_id]["cardData"]["cardParamMap"]
        key = json.loads(params["buttons"])[button]["key"]
        space = self.cards[out_track_id]["openSpaceId"].split("//", 1)[1]
        space_type, space_id = space.split(".", 1)
        private = {"actionIds": [f"button{button}"], "params": {"key": key, "owner": params["owner"]}}
        content = {"cardPrivateData": private}
        data = {"type": "actionCallback", "userId": user, "outTrackId": out_track_id, "corpId": "dingcorp",
                "spaceType": space_type, "spaceId": space_id, "content": json.dumps(content, ensure_ascii=False),
                "extension": "{}"}
        return self.push(CARD, data)


def frame(kind: str, topic: str, data: dict[str, Any], message_id: str, **headers: str) -> dict[str, Any]:
    """A gateway frame as the stream protocol has it: the payload is a JSON string."""
    return {"specVersion": "1.0", "type": kind, "data": json.dumps(data, ensure_ascii=False),
            "headers": {"messageId": message_id, "topic": topic, "contentType": "application/json",
                        "time": str(int(time.time() * 1000)), **headers}}


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll until `predicate()` holds (the bot keeps running on this loop meanwhile); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not reached within {timeout} s"
        await asyncio.sleep(0.02)
