"""`GET/POST /wecom/callback`: verify, decrypt, parse, hand over, answer 200 with an empty body.

Order of checks on POST: body size (413) -> query parameters (400) -> timestamp freshness (403)
-> entity-safe envelope parse (400) -> signature in constant time (403) -> wechatpy decryption
(403 on signature/corp id, 400 on garbage) -> entity-safe check of the inner XML (400) ->
`wechatpy.enterprise.parse_message` (400) -> `accept` (500 if it raises, so WeCom redelivers).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import logging
import struct
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from connectors.base import InboundMessage
from connectors.wecom.config import WeComConfig
from connectors.wecom.inbound import parse_wecom_xml
from connectors.wecom.xmlsafe import XmlRejected, parse_envelope

log = logging.getLogger("connectors.wecom.callback")

Accept = Callable[[InboundMessage], Awaitable[None]]
Clock = Callable[[], float]
_DECRYPT_ERRORS = (ValueError, TypeError, IndexError, KeyError, struct.error, binascii.Error)


class CallbackRejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class RecentIds:
    """Bounded memory of external ids already accepted here: WeCom redelivers up to 3 times."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        return key in self._ids

    def add(self, key: str) -> None:
        self._ids[key] = None
        self._ids.move_to_end(key)
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)


def _signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


class CallbackHandler:
    """`handle` is the aiohttp handler for both GET (URL verification) and POST (messages)."""

    def __init__(self, cfg: WeComConfig, accept: Accept, *, clock: Clock = time.time) -> None:
        self._cfg = cfg
        self._accept = accept
        self._clock = clock
        self._crypto = WeChatCrypto(cfg.token, cfg.encoding_aes_key, cfg.corp_id)
        self._recent = RecentIds()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            if request.method == "GET":
                return web.Response(text=self._verify_url(request), content_type="text/plain")
            return await self._receive(request)
        except CallbackRejected as exc:
            log.warning("wecom callback rejected: %s %s", exc.status, exc.reason)
            return web.Response(status=exc.status, text=exc.reason)

    def _params(self, request: web.Request, *extra: str) -> dict[str, str]:
        names = ("msg_signature", "timestamp", "nonce", *extra)
        values = {name: request.query.get(name, "") for name in names}
        if not all(values.values()):
            raise CallbackRejected(400, "missing query parameters")
        try:
            stamp = int(values["timestamp"])
        except ValueError:
            raise CallbackRejected(400, "bad timestamp") from None
        if abs(self._clock() - stamp) > self._cfg.freshness_window:
            raise CallbackRejected(403, "stale timestamp")
        return values

    def _check_signature(self, p: dict[str, str], encrypted: str) -> None:
        expected = _signature(self._cfg.token, p["timestamp"], p["nonce"], encrypted)
        if not hmac.compare_digest(expected.encode(), p["msg_signature"].encode("utf-8")):
            raise CallbackRejected(403, "bad signature")

    def _verify_url(self, request: web.Request) -> str:
        p = self._params(request, "echostr")
        # A '+' left unescaped in the query arrives as a space; base64 never contains spaces.
        echo = p["echostr"].replace(" ", "+")
        self._check_signature(p, echo)
        return str(self._decrypt(lambda: self._crypto.check_signature(p["msg_signature"], p["timestamp"],
                                                                      p["nonce"], echo)))

    def _decrypt(self, run: Callable[[], Any]) -> Any:
        try:
            return run()
        except (InvalidSignatureException, InvalidCorpIdException):
            raise CallbackRejected(403, "signature or corp id mismatch") from None
        except _DECRYPT_ERRORS:
            raise CallbackRejected(400, "undecryptable payload") from None

    async def _read_body(self, request: web.Request) -> bytes:
        limit = self._cfg.max_body
        if request.content_length is not None and request.content_length > limit:
            raise CallbackRejected(413, "body too large")
        chunks: list[bytes] = []
        size = 0
        while chunk := await request.content.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise CallbackRejected(413, "body too large")
            chunks.append(chunk)
        return b"".join(chunks)

    def _open(self, p: dict[str, str], body: bytes) -> str:
        try:
            envelope = parse_envelope(body)
        except XmlRejected as exc:
            raise CallbackRejected(400, str(exc)) from None
        encrypted = envelope.get("Encrypt", "")
        if not encrypted:
            raise CallbackRejected(400, "no Encrypt element")
        self._check_signature(p, encrypted)
        plain = self._decrypt(lambda: self._crypto.decrypt_message(
            {"Encrypt": encrypted}, p["msg_signature"], p["timestamp"], p["nonce"]))
        return str(plain)

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_body(request)
        p = self._params(request)
        plain = self._open(p, body)
        try:
            message = parse_wecom_xml(plain, clock=self._clock)
        except XmlRejected as exc:
            raise CallbackRejected(400, f"inner {exc}") from None
        except ValueError:
            raise CallbackRejected(400, "unreadable message") from None
        if message.external_id in self._recent:
            return web.Response(status=200)
        try:
            await self._accept(message)
        except Exception:
            log.exception("wecom accept failed for %s; answering 500 (WeCom redelivers)", message.external_id)
            return web.Response(status=500)
        self._recent.add(message.external_id)
        return web.Response(status=200)


def make_callback_handler(cfg: WeComConfig, accept: Accept, *, clock: Clock = time.time) -> CallbackHandler:
    return CallbackHandler(cfg, accept, clock=clock)


def add_routes(app: web.Application, cfg: WeComConfig, accept: Accept, *, clock: Clock = time.time) -> None:
    """Mount `GET` and `POST` on `cfg.callback_path` (default `/wecom/callback`)."""
    handler = make_callback_handler(cfg, accept, clock=clock)
    app.router.add_route("GET", cfg.callback_path, handler.handle)
    app.router.add_route("POST", cfg.callback_path, handler.handle)
