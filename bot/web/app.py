"""`setup_web`: templates, security headers, error pages, /static/ and the pages, on the bot's application."""

from __future__ import annotations

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.web.base import CSS_URL_KEY, WEB_KEY, WebContext
from bot.web.dashboard import add_dashboard_routes
from bot.web.errors import error_pages
from bot.web.security import add_security_headers
from bot.web.sessions import login, logout
from bot.web.static import asset_url, load_assets, static_handler


def setup_web(web_app: web.Application, context: WebContext) -> None:
    """Templates, security headers, error pages, /static/ and the pages on `web_app`."""
    aiohttp_jinja2.setup(web_app, loader=jinja2.PackageLoader("bot.web", "templates"),
                         autoescape=jinja2.select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True,
                         default_helpers=False)
    web_app[WEB_KEY] = context
    assets = load_assets()
    web_app[CSS_URL_KEY] = asset_url(assets, "dealbot.css")
    web_app.middlewares.append(error_pages)
    web_app.on_response_prepare.append(add_security_headers)
    web_app.router.add_get("/static/{name}", static_handler(assets))
    web_app.router.add_get("/dash/login/{token}", login)
    web_app.router.add_post("/dash/logout", logout)
    add_dashboard_routes(web_app)

