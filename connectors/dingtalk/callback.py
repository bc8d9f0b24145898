"""HTTP mode: DingTalk's outgoing robot POSTs each message to `callback_path`.

The request carries headers `timestamp` (ms) and `sign` = base64(HMAC-SHA256(client_secret,
f"{timestamp}\n{client_secret}")); a bad sign is 403, a timestamp more than an hour off is 403 (a
replay), an unreadable body 400. The answer is 200 `{}` once the message is in the inbox; the reply goes
through the message's sessionWebhook like in stream mode.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from connectors.dingtalk.config import DingTalkConfig
from connectors.dingtalk.sign import check

log = logging.getLogger(__name__)

Consume = Callable[[Mapping[str, Any], str], Awaitable[None]]  # (payload, frame id: none over HTTP)


def add_callback_route(app: web.Application, cfg: DingTalkConfig, consume: Consume,
                       *, clock: Callable[[], float] = time.time) -> None:
    async def callback(request: web.Request) -> web.Response:
        problem = check(cfg.client_secret, request.headers.get("timestamp", ""), request.headers.get("sign", ""),
                        clock(), cfg.freshness_window)
        if problem is not None:
            log.warning("dingtalk callback refused: %s", problem)
            return web.json_response({"errcode": 403, "errmsg": problem}, status=403)
        if (request.content_length or 0) > cfg.max_body:
            return web.json_response({"errcode": 413, "errmsg": "body too large"}, status=413)
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            return web.json_response({"errcode": 400, "errmsg": "body is not a JSON object"}, status=400)
        try:
            await consume(data, "")
        except Exception:
            log.exception("dingtalk callback could not be stored")
            return web.json_response({"errcode": 500, "errmsg": "try again"}, status=500)
        return web.json_response({})

    app.router.add_post(cfg.callback_path, callback)
