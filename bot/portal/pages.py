"""The customer portal: `GET /p/<token>` (a read-only page of one project) and its two forms,
`POST /p/<token>/change` (a change request) and `POST /p/<token>/rate` (a milestone rating).

Every request checks the link first (expired: 410 page telling the customer to ask their contact for a new
link; tampered, revoked or for a project that is gone: 403 page; neither repeats the token, a name or an
id), then, for a form, its size (413 over MAX_FORM_BYTES) and its CSRF token (bound to the link: 403).
A form with a bad field is shown again with the error in the reader's language and the values typed, and
nothing is stored; a good one is stored with the owner's chat message in one transaction, then the browser
is sent back to the page (303) with a confirmation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiDictProxy

from bot.config import Config
from bot.portal.links import PortalRefused, linked_project
from bot.portal.view import project_view
from bot.portal.voice import Filed, file_change_request, rate_milestone, rateable_milestone
from bot.web.base import WEB_KEY, page_locale, render
from bot.web.links import Claims
from bot.web.security import checked_form, csrf_token
from bot.web.sessions import see_other
from bot.web.static import asset_url, load_assets
from domain.customer_voice import checked_rating, checked_request
from domain.delivery import Project
from domain.errors import DomainError
from domain.people import CHANNEL_ORDER
from domain.ports import UnitOfWork

MAX_FORM_BYTES = 48 * 1024  # the longest fields fit: 4,000 Chinese characters are 36 KB form-encoded (%XX × 3)


@dataclass(frozen=True, slots=True)
class PortalSettings:
    channel_order: tuple[str, ...] = CHANNEL_ORDER  # how owners are reached in chat
    zone: tzinfo = UTC  # whose day "today" is (late milestones, the Gantt's today line)
    css_url: str = ""  # set by add_portal_routes


PORTAL_KEY: web.AppKey[PortalSettings] = web.AppKey("dealbot_portal", PortalSettings)

# kind -> (title zh, title en, text zh, text en)
REFUSALS: dict[str, tuple[str, str, str, str]] = {
    "expired": ("链接已过期", "Link expired", "这个项目链接已过期。请联系您的客户经理获取新的链接。",
                "This project link has expired. Please ask your account manager for a new one."),
    "invalid": ("链接无效", "Link not valid", "这个链接无效（可能不完整或已被收回）。请联系您的客户经理获取新的链接。",
                "This link is not valid (it may be incomplete or withdrawn). Please ask your account manager "
                "for a new one."),
    "too_large": ("内容太长", "Too much text", "提交的内容太长，没有保存。请缩短后重试。",
                  "What you sent is too long and was not saved. Please shorten it and try again."),
}
CONFIRMATIONS = {"change": ("已收到您的变更请求，我们会尽快答复。",
                            "Your change request was received; we will answer soon."),
                 "rating": ("感谢您的评分！", "Thank you for your rating!")}


def portal_settings(config: Config, channel_order: Sequence[str] = CHANNEL_ORDER) -> PortalSettings:
    return PortalSettings(tuple(channel_order), ZoneInfo(str(config.get("bot", "timezone", "Asia/Shanghai"))))


def add_portal_routes(web_app: web.Application, settings: PortalSettings) -> None:
    web_app[PORTAL_KEY] = replace(settings, css_url=asset_url(load_assets(), "portal.css"))
    web_app.router.add_get("/p/{token}", show_portal)
    web_app.router.add_post("/p/{token}/change", post_change)
    web_app.router.add_post("/p/{token}/rate", post_rating)
    from bot.portal.team import add_team_routes  # the team page builds on this module

    add_team_routes(web_app)


def refusal_page(request: web.Request, kind: str, status: int, locale: str | None = None) -> web.Response:
    title_zh, title_en, text_zh, text_en = REFUSALS[kind]
    locale = page_locale(request, locale)
    en = locale == "en"
    return render(request, "error.html", {"title": title_en if en else title_zh, "text": text_en if en else text_zh,
                                          "status": status, "lang_url": lambda code: f"?lang={code}"}, locale, status)


async def show_portal(request: web.Request) -> web.StreamResponse:
    ctx, token = request.app[WEB_KEY], request.match_info["token"]
    async with ctx.uow_factory() as uow:
        try:
            project, claims = await linked_project(uow, ctx.settings, token, ctx.clock())
        except PortalRefused as refused:
            return refusal_page(request, refused.kind, refused.status, refused.locale)
        return await _page(request, uow, project, claims)


async def _page(request: web.Request, uow: UnitOfWork, project: Project, claims: Claims,
                errors: Mapping[str, str] | None = None, typed: Mapping[str, str] | None = None,
                status: int = 200) -> web.Response:
    ctx, token = request.app[WEB_KEY], request.match_info["token"]
    locale = page_locale(request, claims.locale)
    view = await project_view(uow, project, today(request), locale)
    done = CONFIRMATIONS.get(request.query.get("done", ""))
    return render(request, "portal.html", {
        "view": view, "title": project.name, "base": f"/p/{token}", "lang_q": f"?lang={locale}",
        "csrf": csrf_token(ctx.settings.secret, token), "errors": errors or {}, "typed": typed or {},
        "portal_css": request.app[PORTAL_KEY].css_url,
        "done": (done[1] if locale == "en" else done[0]) if done else "", "expires": claims.expires_at,
    }, locale, status)


def _field(form: MultiDictProxy[Any], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


async def _checked(request: web.Request, uow: UnitOfWork) -> tuple[Project, Claims, MultiDictProxy[Any]] | web.Response:
    """The project and the form, or the refusal page: link, then size, then CSRF (nothing read or stored)."""
    ctx, token = request.app[WEB_KEY], request.match_info["token"]
    try:
        project, claims = await linked_project(uow, ctx.settings, token, ctx.clock())
    except PortalRefused as refused:
        return refusal_page(request, refused.kind, refused.status, refused.locale)
    if request.content_length is None or request.content_length > MAX_FORM_BYTES:
        return refusal_page(request, "too_large", 413, claims.locale)
    form = await checked_form(request, ctx.settings.secret, token)  # Refused(403, "csrf") on a mismatch
    return project, claims, form


Action = Callable[[UnitOfWork, Project, dict[str, str], datetime, Sequence[str]], Awaitable[Filed]]


async def _post(request: web.Request, fields: tuple[str, ...], errors_key: str, done: str,
                action: Action) -> web.StreamResponse:
    """A customer's form: the link, size and CSRF checks, the fields read, then `action` (a DomainError shows the
    form again with what was wrong and stores nothing); the owner's messages are queued in the same commit."""
    ctx = request.app[WEB_KEY]
    async with ctx.uow_factory() as uow:
        checked = await _checked(request, uow)
        if isinstance(checked, web.Response):
            return checked
        project, claims, form = checked
        typed = {key: _field(form, key) for key in fields}
        try:
            filed = await action(uow, project, typed, ctx.clock(), request.app[PORTAL_KEY].channel_order)
        except DomainError as err:
            errors = {errors_key: err.message(_locale(request, claims))}
            return await _page(request, uow, project, claims, errors, typed, 400)
        await uow.outbox.add_many(filed.outbox)
        await uow.commit()
    return _done(request, claims, done)


async def _change(uow: UnitOfWork, project: Project, typed: dict[str, str], now: datetime,
                  order: Sequence[str]) -> Filed:
    asked = checked_request(typed["title"], typed["details"], typed["name"])
    return await file_change_request(uow, project, asked, "portal", now, order)


async def _rating(uow: UnitOfWork, project: Project, typed: dict[str, str], now: datetime,
                  order: Sequence[str]) -> Filed:
    number = int(typed["milestone"]) if typed["milestone"].isdecimal() else 0
    milestone = await rateable_milestone(uow, project, number)
    rating = checked_rating(typed["score"], typed["comment"], typed["name"])
    return await rate_milestone(uow, project, milestone, rating, "portal", now, order)


async def post_change(request: web.Request) -> web.StreamResponse:
    return await _post(request, ("name", "title", "details"), "change", "change", _change)


async def post_rating(request: web.Request) -> web.StreamResponse:
    return await _post(request, ("milestone", "score", "comment", "name"), "rate", "rating", _rating)


def _locale(request: web.Request, claims: Claims) -> str:
    return page_locale(request, claims.locale)


def _done(request: web.Request, claims: Claims, what: str) -> web.Response:
    return see_other(f"/p/{request.match_info['token']}?lang={_locale(request, claims)}&done={what}#done")


def today(request: web.Request) -> date:
    return request.app[WEB_KEY].clock().astimezone(request.app[PORTAL_KEY].zone).date()
