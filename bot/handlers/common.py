"""Lookups and formatting that several handlers share."""

from __future__ import annotations

from datetime import date, datetime

from bot.context import Context
from bot.nlp.describe import relative_en, relative_zh
from domain import permissions
from domain.errors import NotFound
from domain.listing import ViewScope
from domain.money import Money
from domain.opportunity import Opportunity
from domain.people import Rep
from domain.permissions import Right

WEEKDAYS_ZH = "一二三四五六日"


async def load_deal(ctx: Context, ref: int, *, edit: bool = True, need: Right | None = None,
                    action: str = "") -> Opportunity:
    """The deal, if this person holds the right `need` on it (default: WORK, or VIEW with edit=False).
    A deal one may not see answers NotFound, exactly like a missing one; one may see but not change,
    PermissionDenied (ControlDenied for control actions, naming `action`)."""
    opp = await ctx.uow.opportunities.find(ref)
    if opp is None:
        raise NotFound("商机", f"#{ref}", "deal")
    return checked_deal(ctx, opp, edit=edit, need=need, action=action)


def checked_deal(ctx: Context, opp: Opportunity, *, edit: bool = True, need: Right | None = None,
                 action: str = "") -> Opportunity:
    """A deal already read, checked as load_deal checks it (and remembered for the audit's before-image when it
    is to be changed)."""
    needed = need or (Right.WORK if edit else Right.VIEW)
    permissions.require(ctx.rep, opp, needed, ctx.directory.team_of, ctx.directory.teams, action)
    if needed > Right.VIEW:
        ctx.remember("opportunity", opp)
    return opp


def may_view(ctx: Context, opp: Opportunity) -> bool:
    return permissions.can_view(ctx.rep, opp, ctx.directory.team_of, ctx.directory.teams)


def require_right(ctx: Context, opp: Opportunity, need: Right, action: str = "") -> None:
    """For a deal already loaded: raise unless this person holds `need` on it (see load_deal)."""
    permissions.require(ctx.rep, opp, need, ctx.directory.team_of, ctx.directory.teams, action)


def visible_owner_ids(ctx: Context) -> set[int] | None:
    return permissions.visible_owner_ids(ctx.rep, ctx.directory.reps, ctx.directory.teams)


def view_scope(ctx: Context) -> ViewScope:
    """The deals this person may view, as a filter for lists (permissions.view_scope)."""
    return permissions.view_scope(ctx.rep, ctx.directory.reps, ctx.directory.teams)


def money(value: Money | None, locale: str) -> str:
    return value.format(locale) if value is not None else ""


def when(value: date | datetime | None, ctx: Context, date_only: bool = False) -> str:
    """A date, or a moment in the reader's time zone, written out with how a rep says it:
    2026年12月1日(下周二) 10:00, 2026年11月25日(明天 周三), 2026年12月15日(周二) / Tue 1 Dec 2026 10:00."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(ctx.now.tzinfo)
        day = when(local.date(), ctx)
        return day if date_only else f"{day} {local:%H:%M}"
    if ctx.locale == "en":
        label = relative_en(value, ctx.now.date())
        return f"{value:%a} {value.day} {value:%b} {value.year}" + (f" ({label})" if label else "")
    weekday = f"周{WEEKDAYS_ZH[value.weekday()]}"
    label = relative_zh(value, ctx.now.date())
    tag = label if label.startswith(("上", "本", "下")) else f"{label} {weekday}".strip()
    return f"{value.year}年{value.month}月{value.day}日({tag})"


def colleague(ctx: Context, name: str) -> tuple[int, Rep]:
    """An active person by name (case-insensitive) and their id, or NotFound."""
    rep = next((r for r in ctx.directory.reps if r.active and r.name.casefold() == name.casefold()), None)
    if rep is None or rep.id is None:
        raise NotFound("同事", f"「{name}」", "colleague")
    return rep.id, rep
