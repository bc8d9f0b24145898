"""Sign-in for internal users: a login link from chat becomes a session cookie.

- `bot.web.signin.login_link(...)`: `{public_url}/dash/login/<token>` (what 看板 sends in chat).
- `GET /dash/login/<token>`: a genuine, unexpired link of an active rep whose link counter still matches
  sets the cookie `dealbot_session` (HttpOnly, SameSite=Strict, Path=/, Secure when public_url is https)
  holding a signed token (purpose "session", `[web] session_hours`), then redirects to /dash, so the login
  token leaves the address bar. The redirect is a page with `<meta http-equiv="refresh">` (and a link), not
  a 303: a link opened from another site (webmail, a chat's web client) starts a cross-site navigation, and
  browsers do not send a SameSite=Strict cookie anywhere along its redirects; the page's own refresh is a
  same-site navigation, so the new cookie goes with it. Expired: 410 page; anything else: 403 page.
- `current_rep(request)`: the signed-in rep or None (expired, tampered, inactive or revoked sessions are
  None). Revoking (`bot.web.settings.revoke_links(uow, "login", rep_id)`) ends links and sessions alike.
- `POST /dash/logout` (CSRF-checked) clears the cookie.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.usage.web import USAGE_PERSON
from bot.web.base import WEB_KEY, Refused, page_locale, render
from bot.web.links import LinkExpired, LinkInvalid, sign, verify
from bot.web.security import checked_form
from bot.web.settings import link_version
from bot.web.signin import COOKIE, LOGIN, SESSION
from domain.people import Rep

__all__ = ["COOKIE", "current_rep", "login", "logout", "require_rep", "session_binding"]


async def login(request: web.Request) -> web.StreamResponse:
    ctx = request.app[WEB_KEY]
    now = ctx.clock()
    try:
        claims = verify(ctx.settings.secret, request.match_info["token"], LOGIN, now)
    except LinkExpired as expired:
        raise Refused(410, "login_expired", expired.locale) from None
    except LinkInvalid:
        raise Refused(403, "login_forbidden") from None
    rep = await _active_rep(request, claims.subject_id, claims.version)
    if rep is None:
        raise Refused(403, "login_forbidden")
    expires = now + timedelta(hours=ctx.settings.session_hours)
    session = sign(ctx.settings.secret, SESSION, claims.subject_id, expires, claims.version, rep.locale)
    response = render(request, "signed_in.html", {"next_url": "/dash"},
                      page_locale(request, rep.locale))
    response.set_cookie(COOKIE, session, max_age=ctx.settings.session_hours * 3600, path="/", httponly=True,
                        samesite="Strict", secure=ctx.settings.secure)
    return response


async def current_rep(request: web.Request) -> Rep | None:
    """The rep signed in by this request's session cookie, or None."""
    ctx, rep = request.app[WEB_KEY], None
    token = request.cookies.get(COOKIE, "")
    if token:
        try:
            claims = verify(ctx.settings.secret, token, SESSION, ctx.clock())
            rep = await _active_rep(request, claims.subject_id, claims.version)
        except (LinkInvalid, LinkExpired):
            rep = None
    if rep is not None and rep.id is not None:
        request[USAGE_PERSON] = rep.id  # who viewed the page (bot.usage.web)
    return rep


async def require_rep(request: web.Request) -> Rep:
    """The signed-in rep, or the "please sign in" page (403)."""
    rep = await current_rep(request)
    if rep is None:
        raise Refused(403, "login")
    return rep


def session_binding(request: web.Request) -> str:
    """What this session's forms are bound to (their CSRF token is derived from it)."""
    return request.cookies.get(COOKIE, "")


async def logout(request: web.Request) -> web.StreamResponse:
    await require_rep(request)
    await checked_form(request, request.app[WEB_KEY].settings.secret, session_binding(request))
    response = see_other("/dash/signed-out")
    response.del_cookie(COOKIE, path="/")
    return response


def see_other(location: str) -> web.Response:
    """A 303 redirect to a path of this site (never cached)."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


async def _active_rep(request: web.Request, rep_id: int, version: int) -> Rep | None:
    async with request.app[WEB_KEY].uow_factory() as uow:
        rep = await uow.reps.find(rep_id)
        if rep is None or not rep.active or version != await link_version(uow, LOGIN, rep_id):
            return None
        return rep
