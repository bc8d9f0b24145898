"""`/dash`: the managers' dashboard: what the daily digest says, for a team (or several, or the company)
and this month or this quarter, in zh or en. Sign-in: bot.web.sessions; scope: bot.web.dashboard_scope;
numbers: bot.web.dashboard_data. The pickers are a GET form (bookmarkable, changes nothing).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.digest.settings import DigestSettings
from bot.digest.words import money, one_amount, percent
from bot.web.base import WEB_KEY, page_locale, render
from bot.web.dashboard_data import PERIODS, DashView, build_view
from bot.web.dashboard_scope import DashScope, resolve
from bot.web.security import csrf_token
from bot.web.sessions import require_rep, session_binding
from bot.web.svg import bar_chart, progress
from domain.people import Rep


def add_dashboard_routes(web_app: web.Application) -> None:
    web_app.router.add_get("/dash", dashboard)
    web_app.router.add_get("/dash/signed-out", signed_out)


async def dashboard(request: web.Request) -> web.StreamResponse:
    rep = await require_rep(request)
    ctx = request.app[WEB_KEY]
    locale = page_locale(request, rep.locale)
    kind = request.query.get("period", "month")
    kind = kind if kind in PERIODS else "month"
    at = ctx.clock()
    settings = DigestSettings.from_section(ctx.config.section("digest"))
    async with ctx.uow_factory() as uow:
        dash = resolve(rep, list(await uow.teams.list()), request.query.get("team", ""))
        view = await build_view(uow, dash, kind, at.astimezone(ZoneInfo(rep.timezone)).date(), at, settings)
    context = page_context(view, dash, rep, locale, kind, settings.conversion_days)
    context["csrf"] = csrf_token(ctx.settings.secret, session_binding(request))
    context["lang"] = request.query.get("lang", "")
    return render(request, "dash.html", context, locale)


async def signed_out(request: web.Request) -> web.StreamResponse:
    locale = page_locale(request)
    title, text = (("已退出", "你已退出看板。需要时在聊天中发送「看板」重新登录。") if locale == "zh" else
                   ("Signed out", "You have signed out. Send 'dashboard' in chat to sign in again."))
    return render(request, "error.html", {"title": title, "text": text, "status": 200}, locale)


def page_context(view: DashView, dash: DashScope, rep: Rep, locale: str, kind: str,
                 conversion_days: int) -> dict[str, Any]:
    """What dash.html draws: the view, its charts' geometry and the formatters in `locale`."""
    stages = view.funnel.stages
    funnel = bar_chart([(s.stage.label(locale), float(s.count),
                         f"{s.count} · {money(s.amounts, locale)}") for s in stages])
    leaders = bar_chart([(r.name, float(r.won_amounts.get("CNY", Decimal(0))), money(r.won_amounts, locale))
                         for r in view.leaders])
    target = view.target
    return {
        "view": view, "dash": dash, "rep": rep, "kind": kind, "scope_label": dash.label(locale),
        "funnel_chart": funnel, "leader_chart": leaders,
        "target_bar": progress(target.achieved, target.elapsed) if target else None,
        "money": lambda amounts: money(amounts, locale), "percent": percent,
        "amount": lambda value, currency: one_amount(Decimal(value), currency, locale),
        "period_label": _period_label(view, locale),
        "periods": [("month", "本月", "This month"), ("quarter", "本季度", "This quarter")],
        "conversion_days": conversion_days,
    }


def _period_label(view: DashView, locale: str) -> str:
    p = view.period
    if p.kind == "quarter":
        q = (p.start.month - 1) // 3 + 1
        return f"{p.start.year} 年第 {q} 季度" if locale == "zh" else f"Q{q} {p.start.year}"
    return f"{p.start.year} 年 {p.start.month} 月" if locale == "zh" else f"{p.start:%B %Y}"
