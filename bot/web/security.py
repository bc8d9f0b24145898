"""Security headers on every response, and CSRF tokens for every POST form.

Headers (`on_response_prepare`, so they cover errors raised by aiohttp itself too):
- Content-Security-Policy: `default-src 'self'`, no inline script or style, no framing, forms post here;
- X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer (signed tokens travel in URLs);
- X-Frame-Options: DENY; `Server: dealbot` (no versions);
- Cache-Control: no-store, unless the handler set its own (the cached stylesheet): pages opened by a signed link
  or a session are nobody else's, so no shared or browser cache keeps them.

CSRF: a form carries `csrf_token(secret, binding)` in a hidden field named `csrf`, where `binding` is what
authorises the page (the session cookie's token, or the portal link's token). `checked_form` reads the
POST body and raises Refused(403, "csrf") unless the field matches, before the handler changes anything.
"""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.web.base import Refused
from bot.web.links import b64url, mac

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Server": "dealbot",
}
CSRF_FIELD = "csrf"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: runs after aiohttp's defaults, so our Server header replaces its banner."""
    for name, value in HEADERS.items():
        response.headers[name] = value
    response.headers.setdefault("Cache-Control", "no-store")


def csrf_token(secret: str | bytes, binding: str) -> str:
    """The form token for pages authorised by `binding` (a session or link token)."""
    return b64url(mac(secret, b"csrf|" + binding.encode()))


async def checked_form(request: web.Request, secret: str | bytes, binding: str) -> MultiDictProxy[Any]:
    """The POSTed form, once its CSRF token matches `binding`; Refused(403, "csrf") otherwise."""
    form = await request.post()
    given = form.get(CSRF_FIELD)
    expected = csrf_token(secret, binding)
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Refused(403, "csrf")
    return form
