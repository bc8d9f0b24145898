"""What every page handler shares: the web context (WEB_KEY), refusals, the page language and rendering.

A page handler reads `request.app[WEB_KEY]` (uow factory, clock, `[web]` settings, config), raises
`Refused(status, kind)` for anything it will not show (the error middleware answers with a translated
page that never repeats what the request named), and returns `render(request, "x.html", {...}, locale)`.
Templates get `t(zh, en)`, `locale`, `lang_url(code)` and `css_url` besides what the handler passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from bot.config import Config
from bot.i18n import pick
from bot.web.settings import WebSettings
from domain.ports import UnitOfWork

LOCALES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class WebContext:
    """What pages need of the bot: set once by `bot.web.setup_web`."""

    uow_factory: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    settings: WebSettings
    config: Config


WEB_KEY: web.AppKey[WebContext] = web.AppKey("dealbot_web", WebContext)
CSS_URL_KEY: web.AppKey[str] = web.AppKey("dealbot_css_url", str)


class Refused(Exception):
    """A page refuses: `kind` picks the translated explanation (bot.web.errors.MESSAGES: not_found, forbidden,
    expired, login, login_forbidden, login_expired, csrf); status 403/404/410. Portal links: "forbidden" (403)
    and "expired" (410), which tell the customer to ask whoever sent the link."""

    def __init__(self, status: int, kind: str, locale: str | None = None) -> None:
        super().__init__(kind)
        self.status, self.kind, self.locale = status, kind, locale  # locale: of a genuine but expired link


def not_found() -> Refused:
    """What anything one may not see answers: exactly like something that does not exist."""
    return Refused(404, "not_found")


def page_locale(request: web.Request, default: str | None = None) -> str:
    """`?lang=zh|en` wins; then `default` (the signed-in rep's or the link's locale); then the browser's
    Accept-Language (zh or en, first mentioned); then zh."""
    asked = request.query.get("lang", "")
    if asked in LOCALES:
        return asked
    if default in LOCALES:
        return str(default)
    accept = request.headers.get("Accept-Language", "").lower()
    spots = {code: accept.find(code) for code in LOCALES if code in accept}
    return min(spots, key=lambda code: spots[code]) if spots else "zh"


def lang_url(request: web.Request, code: str) -> str:
    """This page in another language (the same path and query, `lang` replaced), relative to the site."""
    query = {**request.query, "lang": code}
    return str(URL.build(path=request.path, query=query))


def render(request: web.Request, template: str, context: Mapping[str, Any], locale: str,
           status: int = 200) -> web.Response:
    """An HTML page in `locale`, never cached by the browser or a proxy (signed links and private data).
    Error pages (status >= 400) link the other language as "?lang=xx": nothing of the request is repeated."""

    def other_language(code: str) -> str:
        return f"?lang={code}" if status >= 400 else lang_url(request, code)

    values: dict[str, Any] = {
        "locale": locale, "t": lambda zh, en: pick(locale, zh, en), "lang_url": other_language,
        "css_url": request.app[CSS_URL_KEY], **context}
    response = aiohttp_jinja2.render_template(template, request, values, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
