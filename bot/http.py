"""The bot's HTTP server: /healthz now; channel callbacks mount here."""

from __future__ import annotations

from aiohttp import web

from bot.bootstrap import App
from bot.config import ConfigError

APP_KEY: web.AppKey[App] = web.AppKey("dealbot", App)


async def healthz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    try:
        async with app.uow_factory() as uow:
            await uow.settings.get("healthz")
    except Exception as err:  # report, do not crash the probe
        return web.json_response({"status": "error", "error": type(err).__name__}, status=503)
    return web.json_response({"status": "ok", "channels": sorted(app.connectors), "loop": app.monitor.report(),
                              "gc": app.gc_watch.report()})


def make_web_app(app: App) -> web.Application:
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
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
