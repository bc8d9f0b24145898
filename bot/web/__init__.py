"""The bot's web pages, served by its own aiohttp server (bot.http.make_web_app calls `setup_web`).

Layout:
- `links`: signed, expiring tokens (sign / verify); `settings`: `[web]` and the shared secret, link counters;
- `base`: WEB_KEY (what pages need of the bot), `Refused`, `page_locale`, `render`;
- `security`: headers on every response, CSRF tokens (`csrf_token`, `checked_form`);
- `errors`: translated error pages; `static`: CSS with cache headers; `sessions`: sign-in for staff;
- `dashboard*`: the managers' dashboard (`/dash`).
Templates live in bot/web/templates (Jinja2, autoescaped; `base.html` is the layout every page extends).

Adding a page (e.g. a customer portal): write a handler that reads `request.app[WEB_KEY]`, verifies its
link with `links.verify(settings.secret, token, "<purpose>", clock())` (and the subject's counter with
`settings.link_version`), raises `Refused`/`not_found()` for anything not shown, renders a template
extending base.html, and checks POST forms with `checked_form(request, secret, <link token>)`; then add
its routes in a function called from `setup_web` (or after it, on the same application).
"""

from __future__ import annotations

import jinja2
from aiohttp import web

from bot.web.base import CSS_URL_KEY, WEB_KEY, WebContext
from bot.web.errors import error_pages
from bot.web.security import add_security_headers
from bot.web.static import asset_url, load_assets, static_handler

__all__ = ["WEB_KEY", "WebContext", "setup_web"]


def setup_web(web_app: web.Application, context: WebContext) -> None:
    """Templates, security headers, error pages, /static/ and the pages on `web_app`."""
    import aiohttp_jinja2

    from bot.web.dashboard import add_dashboard_routes
    from bot.web.files import add_file_routes
    from bot.web.sessions import login, logout

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
    add_file_routes(web_app)  # issue #15: project files for signed-in reps (bot.web.files)

