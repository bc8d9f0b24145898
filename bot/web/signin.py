"""Sign-in links for staff, as chat handlers build them (standard library only; the pages: bot.web.sessions).

`login_link(settings, rep_id, now, version, locale)` is `{public_url}/dash/login/<token>`: purpose "login",
the rep as subject, valid `[web] login_minutes`, signed with the rep's current link counter (`version`,
bot.web.settings.link_version) so that revoking ends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.web.links import sign
from bot.web.settings import WebSettings

LOGIN, SESSION = "login", "session"  # link purposes
COOKIE = "dealbot_session"


def login_link(settings: WebSettings, rep_id: int, now: datetime, version: int = 1, locale: str = "zh") -> str:
    token = sign(settings.secret, LOGIN, rep_id, now + timedelta(minutes=settings.login_minutes), version, locale)
    return settings.url(f"/dash/login/{token}")
