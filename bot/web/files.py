"""`GET /team/files/<id>`: a project file for a signed-in rep (issue #15), with the project's view rule
(domain.permissions.project_right: the deal's circles, the project's manager, people with a task in it).

A file one may not see, a missing one and one whose bytes are gone all answer the same 404 page. A file is
always served as a download (`Content-Disposition: attachment`, `nosniff`, the site's CSP) and as
`application/octet-stream` unless it is PNG, JPEG or PDF (bot.delivery.files.download_headers): nothing
uploaded is ever rendered by the browser as a page or run as a script.
"""

from __future__ import annotations

from aiohttp import web

from bot.delivery.files import FileSettings, download_headers
from bot.delivery.web_access import viewable_project
from bot.web.base import WEB_KEY, not_found
from bot.web.sessions import require_rep
from domain.delivery import ProjectFile
from domain.people import Rep


def add_file_routes(web_app: web.Application) -> None:
    web_app.router.add_get("/team/files/{file_id:[0-9]{1,12}}", download)


async def download(request: web.Request) -> web.StreamResponse:
    rep = await require_rep(request)
    ctx = request.app[WEB_KEY]
    item = await _visible_file(request, rep, int(request.match_info["file_id"]))
    data = await FileSettings.from_section(ctx.config.section("files")).store().read(item.sha256)
    if data is None:
        raise not_found()
    return web.Response(body=data, headers=download_headers(item))


async def _visible_file(request: web.Request, rep: Rep, file_id: int) -> ProjectFile:
    async with request.app[WEB_KEY].uow_factory() as uow:
        item = await uow.project_files.find(file_id)
        if item is None or await viewable_project(uow, rep, item.project_id) is None:
            raise not_found()
    return item
