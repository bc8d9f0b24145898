"""`add_api` mounts the open API under /api/v1 on the bot's own aiohttp application (bot.http): the routes
of every resource (bot.api.resources), the OpenAPI document, and a middleware that answers every error
under /api/v1 as a problem (unknown paths and methods included); pages elsewhere keep their error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.api.endpoints import Route, handler
from bot.api.openapi import API_ROOT, OPENAPI_PATH, document
from bot.api.problems import Problem
from bot.api.resources import RESOURCES
from bot.api.settings import ApiSettings
from bot.api.state import ApiState
from bot.config import Config
from bot.context import Settings
from bot.directory_cache import DirectoryCache
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)


def api_routes() -> list[tuple[Route, tuple[type, ...]]]:
    return [(route, api.conflicts) for api in RESOURCES for route in api.routes()]


@web.middleware
async def api_problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_ROOT + "/") and request.path != API_ROOT:
        return await handler(request)
    try:
        return await handler(request)
    except Problem as problem:
        return problem.response()
    except web.HTTPException as err:
        headers = {"Allow": err.headers["Allow"]} if "Allow" in err.headers else None
        return Problem(err.status, _http_detail(err.status), headers=headers).response()
    except Exception:
        log.exception("API request %s %s failed", request.method, request.path)
        return Problem(500, "Something went wrong on our side; nothing was changed.").response()


def _http_detail(status: int) -> str:
    return {404: "No such address in this API; see /api/v1/openapi.json.",
            405: "This address does not take that method; see /api/v1/openapi.json.",
            413: "The body is too large."}.get(status, "The request was not accepted.")


def add_api(web_app: web.Application, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
            config: Config, bot_settings: Settings, directory: DirectoryCache) -> None:
    settings = ApiSettings.from_config(config)
    if not settings.enabled:
        return
    state = ApiState(uow_factory, clock, settings, bot_settings, directory)
    web_app.middlewares.append(api_problems)
    routes = api_routes()
    spec = document(route for route, _ in routes)

    async def openapi(request: web.Request) -> web.Response:
        return web.json_response(spec)

    web_app.router.add_route("GET", API_ROOT + OPENAPI_PATH, openapi)
    for route, conflicts in routes:
        web_app.router.add_route(route.method, API_ROOT + route.path, handler(route, state, conflicts))
