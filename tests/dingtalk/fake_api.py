"""The HTTP half of the fake DingTalk: OpenAPI (accessToken, robot batchSend / groupMessages, card
createAndDeliver / update), oapi media/upload (multipart field `media`, `type=image|voice|file`, the app token
as `access_token`: the file is kept under a fresh media_id; a sampleImageMsg whose photoURL is no uploaded
media_id is refused), sessionWebhooks (errcode 300001 once expired) and custom group robots (signed,
20 a minute, then a 10-minute ban with errcode 130101). Every request is recorded; `faults[path]` holds
scripted (status, body) answers given in order before the normal ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web


@dataclass
class Upload:
    field: str
    filename: str
    content_type: str
    data: bytes
    kind: str


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.time)


class FakeDingTalkApi:
    def __init__(self, client_id: str, client_secret: str, robots: dict[str, str] | None) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.robots = dict(robots or {})  # custom robot access_token -> secret
        self.now: Callable[[], float] = time.time  # message times, webhook expiry, robots' signature age and 20/min
        self.requests: list[Recorded] = []
        self.faults: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.expired_sessions: set[str] = set()
        self.cards: dict[str, dict[str, Any]] = {}  # outTrackId -> createAndDeliver body
        self.banned_until: dict[str, float] = {}
        self.robot_sends: dict[str, deque[float]] = {}
        self.tokens: list[str] = []
        self.media: dict[str, Upload] = {}  # media_id -> what was uploaded

    def add_api_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/robot/sendBySession", self._session)
        app.router.add_post("/robot/send", self._robot)
        app.router.add_post("/media/upload", self._upload)
        app.router.add_route("*", "/v1.0/{tail:.*}", self._api)

    async def _record(self, request: web.Request) -> Recorded:
        try:
            multipart = request.content_type == "multipart/form-data"
            body = await request.json() if request.can_read_body and not multipart else {}
        except ValueError:
            body = {}
        rec = Recorded(request.path, dict(request.query), body if isinstance(body, dict) else {}, dict(request.headers),
                       at=self.now())
        self.requests.append(rec)
        return rec

    def received(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def _fault(self, path: str) -> web.Response | None:
        queue = self.faults.get(path)
        if not queue:
            return None
        status, body = queue.pop(0)
        return web.json_response(body, status=status)

    async def _token(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if rec.body.get("appKey") != self.client_id or rec.body.get("appSecret") != self.client_secret:
            return web.json_response({"code": "invalidClientIdOrSecret", "message": "bad"}, status=400)
        self.tokens.append(token := f"tok{len(self.tokens) + 1}{uuid.uuid4().hex[:6]}")
        return web.json_response({"accessToken": token, "expireIn": 7200})

    async def _api(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if (fault := self._fault(rec.path)) is not None:
            return fault
        if rec.headers.get("x-acs-dingtalk-access-token") not in self.tokens[-1:]:
            return web.json_response({"code": "InvalidAuthentication", "message": "token"}, status=401)
        if rec.path == "/v1.0/card/instances/createAndDeliver":
            self.cards[rec.body["outTrackId"]] = rec.body
            return web.json_response({"success": True, "result": {"outTrackId": rec.body["outTrackId"]}})
        if rec.path == "/v1.0/card/instances" and request.method == "PUT":
            card = self.cards.get(rec.body.get("outTrackId", ""))
            if card is None:
                return web.json_response({"code": "cardNotExist", "message": "no card"}, status=400)
            card["cardData"]["cardParamMap"].update(rec.body["cardData"]["cardParamMap"])
            return web.json_response({"success": True})
        if rec.body.get("msgKey") == "sampleImageMsg":
            photo = json.loads(rec.body.get("msgParam") or "{}").get("photoURL")
            if photo not in self.media:
                return web.json_response({"code": "invalidParameter.photoURL", "message": "bad photoURL"}, status=400)
        return web.json_response({"processQueryKey": uuid.uuid4().hex, "invalidStaffIdList": [],
                                  "flowControlledStaffIdList": []})

    async def _upload(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if (fault := self._fault(rec.path)) is not None:
            return fault
        if rec.query.get("access_token") not in self.tokens[-1:]:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        kind = rec.query.get("type", "")
        if kind not in ("image", "voice", "file") or request.content_type != "multipart/form-data":
            return web.json_response({"errcode": 40004, "errmsg": "不合法的媒体文件类型"})
        part = await (await request.multipart()).next()
        if not isinstance(part, BodyPartReader) or part.name != "media" or not part.filename:
            return web.json_response({"errcode": 41001, "errmsg": "缺少media参数"})
        upload = Upload(part.name, part.filename, part.headers.get("Content-Type", ""), bytes(await part.read()), kind)
        media_id = f"@lADPfake{len(self.media) + 1:04d}"
        self.media[media_id] = upload
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id,
                                  "created_at": int(self.now() * 1000)})

    async def _session(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if (fault := self._fault(rec.path)) is not None:
            return fault
        if rec.query.get("session") in self.expired_sessions:
            return web.json_response({"errcode": 300001, "errmsg": "session webhook expired"})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _robot(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        token, stamp, sign = (rec.query.get(k, "") for k in ("access_token", "timestamp", "sign"))
        secret = self.robots.get(token)
        if secret is None:
            return web.json_response({"errcode": 300000, "errmsg": "token is not exist"})
        expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(),
                                             hashlib.sha256).digest()).decode()
        now = self.now()
        if sign != expected or abs(now - int(stamp or 0) / 1000) > 3600:
            return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        if self.banned_until.get(token, 0) > now:
            return web.json_response({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        sent = self.robot_sends.setdefault(token, deque())
        while sent and now - sent[0] >= 60:
            sent.popleft()
        if len(sent) >= 20:
            self.banned_until[token] = now + 600
            return web.json_response({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        sent.append(now)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

