"""The bot's HTTP server: /healthz, the web pages (bot.web: /dash, /static/); channel callbacks mount here."""

from __future__ import annotations

import uuid

from aiohttp import web

from bot.api.app import add_api
from bot.bootstrap import App
from bot.config import ConfigError
from bot.portal.pages import add_portal_routes, portal_settings
from bot.usage.web import usage_middleware
from bot.web.app import setup_web
from bot.web.base import WebContext
from connectors.base import InboundMessage

APP_KEY: web.AppKey[App] = web.AppKey("dealbot", App)
BENCH_PATH = "/bench/console"


async def healthz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    try:
        async with app.uow_factory() as uow:
            await uow.settings.get("healthz")
    except Exception as err:  # report, do not crash the probe
        return web.json_response({"status": "error", "error": type(err).__name__}, status=503)
    return web.json_response({"status": "ok", "channels": sorted(app.connectors), "loop": app.monitor.report(),
                              "gc": app.gc_watch.report()})


async def bench_console(request: web.Request) -> web.Response:
    """Bench only (`[http] bench_console = true`, never in production: whoever reaches the port speaks as
    any console user). POST {"user", "text"}: handle one console message now; answer its replies."""
    app = request.app[APP_KEY]
    body = await request.json()
    user, text = str(body.get("user", "")), str(body.get("text", ""))
    await app.bot.receive(InboundMessage(channel="console", external_id=uuid.uuid4().hex, conversation_id=user,
                                         sender_id=user, sender_name=user, text=text,
                                         received_at=app.bot.clock()))
    async with app.uow_factory() as uow:
        items = list(await uow.outbox.pending_for("console", user, app.bot.clock()))
        for item in items:
            assert item.id is not None
            await uow.outbox.mark_sent(item.id, app.bot.clock())
        await uow.commit()
    return web.json_response({"replies": [item.text for item in items]})


def make_web_app(app: App) -> web.Application:
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[APP_KEY] = app
    if app.usage_buffer is not None:  # outermost: sees every page's final status (issue #16)
        web_app.middlewares.append(usage_middleware(app.usage_buffer, app.bot.clock))
    web_app.router.add_get("/healthz", healthz)
    if app.config.get("http", "bench_console", False):
        web_app.router.add_post(BENCH_PATH, bench_console)
    setup_web(web_app, WebContext(app.uow_factory, app.bot.clock, app.bot.settings.web, app.config))
    add_portal_routes(web_app, portal_settings(app.config, app.bot.settings.channel_order))  # issue #15 portal
    add_api(web_app, app.uow_factory, app.bot.clock, app.config, app.bot.settings, app.bot.directory)  # #16 /api/v1
    for connector in app.connectors.values():
        add_routes = getattr(connector, "add_routes", None)
        if add_routes is not None:
            add_routes(web_app)
    return web_app


async def start_http(web_app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `web_app`; a host or port we cannot listen on is a ConfigError naming [http]."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as err:
        await runner.cleanup()
        raise ConfigError(f"[http] cannot listen on {host}:{port} ({err.strerror or err}); "
                          "change host or port") from None
    return runner
