"""A local fake of WeCom's API: gettoken, message/send, webhook/send, message/update_template_card, media/upload
(multipart/form-data, field `media`, `type=image|voice|video|file`: the file is kept under a fresh media_id, and an
image message naming an unknown media_id is refused with 40007 as WeCom does). Records
every request and answers scripted faults (errcodes, HTTP 500, slow answers) in order, then success.

Button cards: `tap(...)` builds the template_card_event WeCom posts to the app's callback when a member taps a
button of a button_interaction card it delivered, with a fresh ResponseCode; update_template_card accepts each
such code once (WeCom: single use, 72 h) and refuses unknown or used codes."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web
from aiohttp.test_utils import TestServer

SLOW = "slow"
HTTP_500 = "http500"
Fault = dict[str, Any] | str


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class Upload:
    field: str
    filename: str
    content_type: str
    data: bytes
    kind: str  # the `type` query parameter


def member_file(data: bytes, filename: str, content_type: str) -> Upload:
    """A file a member sent in chat, as media/get will serve it."""
    return Upload("media", filename, content_type, data, content_type.split("/")[0])


@dataclass
class FakeWeCom:
    corp_id: str
    secret: str
    webhook_keys: set[str]
    requests: list[Recorded] = field(default_factory=list)
    token_faults: list[Fault] = field(default_factory=list)
    send_faults: list[Fault] = field(default_factory=list)
    webhook_faults: list[Fault] = field(default_factory=list)
    always_send_fault: Fault | None = None
    issued: list[str] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    server: TestServer | None = None
    response_codes: dict[str, str] = field(default_factory=dict)  # issued in taps: code -> task_id
    used_codes: set[str] = field(default_factory=set)
    _codes: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    media: dict[str, Upload] = field(default_factory=dict)  # media_id -> what was uploaded (or a member's file)

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def received(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    async def _fault(self, faults: list[Fault], always: Fault | None = None) -> web.Response | None:
        fault = faults.pop(0) if faults else always
        if fault is None:
            return None
        if fault == SLOW:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release.wait(), timeout=5)
            return web.json_response({"errcode": 0, "errmsg": "ok (too late)"})
        if fault == HTTP_500:
            return web.Response(status=500, text="internal error")
        assert isinstance(fault, dict)
        return web.json_response(fault)

    async def _record(self, request: web.Request) -> Recorded:
        multipart = request.content_type == "multipart/form-data"
        body = await request.json() if request.method == "POST" and not multipart else None
        rec = Recorded(request.path, dict(request.query), body)
        self.requests.append(rec)
        return rec

    async def gettoken(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if (fault := await self._fault(self.token_faults)) is not None:
            return fault
        if rec.query.get("corpid") != self.corp_id or rec.query.get("corpsecret") != self.secret:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        token = f"ACCESSTOKEN{len(self.issued) + 1:04d}zz"
        self.issued.append(token)
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

    async def message_send(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if (fault := await self._fault(self.send_faults, self.always_send_fault)) is not None:
            return fault
        if not self.issued or rec.query.get("access_token") != self.issued[-1]:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        body = rec.body or {}
        if body.get("msgtype") == "image" and body.get("image", {}).get("media_id") not in self.media:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": ""})

    async def media_upload(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if not self.issued or rec.query.get("access_token") != self.issued[-1]:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        kind = rec.query.get("type", "")
        if kind not in ("image", "voice", "video", "file") or request.content_type != "multipart/form-data":
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != "media" or not part.filename:
            return web.json_response({"errcode": 41001, "errmsg": "media data missing"})
        upload = Upload(part.name, part.filename, part.headers.get("Content-Type", ""), bytes(await part.read()), kind)
        media_id = f"3MEDIA{len(self.media) + 1:04d}_{kind}"
        self.media[media_id] = upload
        return web.json_response({"errcode": 0, "errmsg": "", "type": kind, "media_id": media_id,
                                  "created_at": "1700000000"})

    async def webhook_send(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if (fault := await self._fault(self.webhook_faults)) is not None:
            return fault
        if rec.query.get("key") not in self.webhook_keys:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def update_template_card(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        if not self.issued or rec.query.get("access_token") != self.issued[-1]:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        body = rec.body or {}
        code = body.get("response_code")
        button = body.get("button")
        if not isinstance(button, dict) or not button.get("replace_name") or not body.get("userids"):
            return web.json_response({"errcode": 40058, "errmsg": "invalid parameter"})
        if code not in self.response_codes or code in self.used_codes:
            return web.json_response({"errcode": 40058, "errmsg": "invalid response_code"})
        self.used_codes.add(code)
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": []})

    async def media_get(self, request: web.Request) -> web.StreamResponse:
        """A member's file (issue #15): its bytes as an attachment, or WeCom's errcode for an unknown id."""
        rec = await self._record(request)
        if not self.issued or rec.query.get("access_token") != self.issued[-1]:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        found = self.media.get(rec.query.get("media_id", ""))
        if found is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        return web.Response(body=found.data, content_type=found.content_type, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}"})

    def cards(self, user: str) -> list[dict[str, Any]]:
        """The template cards delivered to `user`, oldest first."""
        return [r.body["template_card"] for r in self.received("/cgi-bin/message/send")
                if r.body and r.body.get("msgtype") == "template_card" and r.body.get("touser") == user]

    def tap(self, card: dict[str, Any], key: str, *, user: str, corp_id: str, agent_id: int,
            create_time: int) -> bytes:
        """The (decrypted) template_card_event for `user` tapping the button `key` of `card`."""
        assert key in [b["key"] for b in card["button_list"]], f"no button {key!r} on the card"
        code = f"RC{next(self._codes):06d}"
        self.response_codes[code] = card["task_id"]
        return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
                f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                f"<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[{key}]]></EventKey>"
                f"<TaskId><![CDATA[{card['task_id']}]]></TaskId><CardType><![CDATA[button_interaction]]>"
                f"</CardType><ResponseCode><![CDATA[{code}]]></ResponseCode><AgentID>{agent_id}</AgentID>"
                f"</xml>").encode()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self.gettoken)
        app.router.add_post("/cgi-bin/message/send", self.message_send)
        app.router.add_post("/cgi-bin/media/upload", self.media_upload)
        app.router.add_post("/cgi-bin/webhook/send", self.webhook_send)
        app.router.add_post("/cgi-bin/message/update_template_card", self.update_template_card)
        app.router.add_get("/cgi-bin/media/get", self.media_get)
        return app

    async def start(self) -> None:
        # No access log: it would print the query strings (tokens) the fake receives into caplog.
        self.server = TestServer(self.app(), host="127.0.0.1", port=0)
        await self.server.start_server(access_log=None)

    async def close(self) -> None:
        self.release.set()
        if self.server is not None:
            await self.server.close()
