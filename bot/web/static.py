"""Static assets (CSS only; the pages run no script) served by the bot itself, never from a CDN.

Files in bot/web/static/ are read once at start-up. Each is served at `/static/<name>` with its type,
an ETag (content hash) and `Cache-Control: public, max-age=...`; pages link them with `?v=<hash>`, so a
new release is fetched at once while an unchanged file is never downloaded twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.web.base import Refused

MAX_AGE = 7 * 24 * 3600
TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def load_assets() -> dict[str, Asset]:
    """Every file of bot/web/static with a known type, by name."""
    found: dict[str, Asset] = {}
    for item in resources.files("bot.web").joinpath("static").iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1] if "." in item.name else ""
        if item.is_file() and suffix in TYPES:
            body = item.read_bytes()
            found[item.name] = Asset(body, TYPES[suffix], hashlib.sha256(body).hexdigest()[:16])
    return found


def asset_url(assets: dict[str, Asset], name: str) -> str:
    return f"/static/{name}?v={assets[name].etag}"


def static_handler(assets: dict[str, Asset]) -> Handler:
    async def serve(request: web.Request) -> web.StreamResponse:
        asset = assets.get(request.match_info["name"])
        if asset is None:
            raise Refused(404, "not_found")
        headers = {"ETag": f'"{asset.etag}"', "Cache-Control": f"public, max-age={MAX_AGE}"}
        if request.headers.get("If-None-Match") == headers["ETag"]:
            return web.Response(status=304, headers=headers)
        return web.Response(body=asset.body, headers={**headers, "Content-Type": asset.content_type})

    return serve
