"""Page views and API calls as usage events, recorded by one middleware on the bot's HTTP server.

A page view is a GET of a page route (/dash…, /team/…, /p/{token}); an API call is any request under /api/.
The event names the route's pattern (`/team/projects/{project_id}`), never the path's values, the query or a
body. Who: the signed-in rep (bot.web.sessions sets `request[USAGE_PERSON]`); the open API's token check sets
it the same way for the token's person — that line is the whole hook: `request[USAGE_PERSON] = rep_id`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web

from bot.usage.buffer import UsageBuffer
from domain.usage import API, ERROR, OK, PAGE, REFUSED, UsageEvent

USAGE_PERSON = web.RequestKey("dealbot_usage_person", int)  # the person the request acts for (a rep id)
PAGE_PREFIXES = ("/dash", "/team/", "/p/")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def kind_of(request: web.Request) -> tuple[str, str] | None:
    """(kind, feature) of a request worth recording, else None (static files, health checks, callbacks)."""
    route = request.match_info.route.resource
    pattern = route.canonical if route is not None else ""
    if pattern.startswith("/api/"):
        return API, f"{request.method} {pattern}"[:64]
    if request.method == "GET" and pattern.startswith(PAGE_PREFIXES):
        return PAGE, pattern[:64]
    return None


def outcome_of(status: int) -> str:
    return ERROR if status >= 500 else REFUSED if status >= 400 else OK


def usage_middleware(buffer: UsageBuffer,
                     clock: Callable[[], datetime]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def record_usage(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            if (found := kind_of(request)) is not None:
                buffer.record(UsageEvent(at=clock(), person_id=request.get(USAGE_PERSON),
                                         channel="web" if found[0] == PAGE else "api", kind=found[0], feature=found[1],
                                         outcome=outcome_of(status),
                                         latency_ms=round((time.perf_counter() - started) * 1000)))
    return record_usage
