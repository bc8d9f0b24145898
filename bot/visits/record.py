"""Record a visit check-in (issue #14): the one writer of visits, for `签到 明途`, a shared location and the
answer to "在哪个客户？". A visit is also a follow-up (kind visit) on the customer and on the deal the rep works
with it, so last-contact rules, the health score and the win model count it; everything is audited, so
`撤销` takes the check-in back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Config
from bot.context import Context
from bot.handlers.common import load_deal, view_scope
from bot.reply import Reply
from domain import permissions
from domain.activity import FollowUp, FollowUpKind
from domain.customer import Customer
from domain.opportunity import OPEN_STAGES, Opportunity
from domain.visit import Point, Visit, VisitRepository, VisitSettings, distance_line, judge

DEALS_READ = 20  # of the customer's open deals the rep may see, to find the one they work on


def visit_settings(config: Config) -> VisitSettings:
    """[visits] over the defaults (VisitSettings)."""
    section, base = config.section("visits"), VisitSettings()
    return VisitSettings(far_metres=int(section.get("far_metres", base.far_metres)),
                         location_minutes=int(section.get("location_minutes", base.location_minutes)),
                         repeat_minutes=int(section.get("repeat_minutes", base.repeat_minutes)))


def visits(ctx: Context) -> VisitRepository:
    found: VisitRepository = getattr(ctx.uow, "visits")  # noqa: B009 - beyond the UnitOfWork protocol
    return found


def customer_point(customer: Customer) -> Point | None:
    if customer.latitude is None or customer.longitude is None:
        return None
    return Point(customer.latitude, customer.longitude)


async def deal_for_visit(ctx: Context, customer: Customer) -> Opportunity | None:
    """The customer's open deal the rep may work on: the one, or the most recently opened of several."""
    deals = await ctx.uow.opportunities.visible(view_scope(ctx), stages=OPEN_STAGES, customer_id=customer.id,
                                                limit=DEALS_READ)
    mine = [d for d in deals if permissions.can_work(ctx.rep, d, ctx.directory.team_of, ctx.directory.teams)]
    if not mine:
        return None
    latest = max(mine, key=lambda d: (d.created_at or datetime.min.replace(tzinfo=ctx.now.tzinfo), d.id or 0))
    return await load_deal(ctx, latest.id or 0)


async def check_in(ctx: Context, customer: Customer, here: Point | None = None, label: str = "",
                   at: datetime | None = None) -> Reply:
    """Store the visit (and its follow-up) at `at` (default now) and say where it was recorded."""
    assert customer.id is not None
    when = at or ctx.now
    if (earlier := await _just_checked_in(ctx, customer.id, when)) is not None:
        clock, name = earlier.at.astimezone(ctx.now.tzinfo).strftime("%H:%M"), customer.short_name or customer.name
        return Reply.text(ctx.t(f"已在 {clock} 签到过 {name}，这次没有重复记录。",
                                f"You checked in at {name} at {clock} already; this one was not recorded again."))
    deal = await deal_for_visit(ctx, customer)
    metres, far = judge(here, customer_point(customer), ctx.settings.visits.far_metres)
    visit = Visit(rep_id=ctx.rep_id, customer_id=customer.id, at=when, opportunity_id=deal.id if deal else None,
                  latitude=here.latitude if here else None, longitude=here.longitude if here else None,
                  label=label[:200], distance_m=metres, far=far)
    distance = distance_line(visit, ctx.locale)
    note = ctx.t(f"拜访签到（{distance}）", f"Visit check-in ({distance})") + (f" · {label}" if label else "")
    followup = await ctx.uow.followups.add(FollowUp(
        rep_id=ctx.rep_id, note=note, at=when, opportunity_id=visit.opportunity_id, customer_id=customer.id,
        kind=FollowUpKind.VISIT))
    await ctx.audit("followup", followup.id, "create")
    visit.followup_id = followup.id
    visit = await visits(ctx).add(visit)
    await ctx.audit("visit", visit.id, "create", customer=customer.name, distance_m=metres, far=far)
    if deal is not None and (deal.last_contact_at is None or deal.last_contact_at < when):
        deal.last_contact_at = when
        await ctx.update("opportunity", deal, last_contact_at=when.isoformat())
    return _reply(ctx, customer, deal, when, distance)


async def _just_checked_in(ctx: Context, customer_id: int, when: datetime) -> Visit | None:
    """The rep's check-in at this customer within `[visits] repeat_minutes` before `when` (a double tap)."""
    window = ctx.settings.visits.repeat_minutes
    if not window:
        return None
    recent = await visits(ctx).by_rep(ctx.rep_id, when - timedelta(minutes=window), when + timedelta(seconds=1))
    return next((v for v in reversed(recent) if v.customer_id == customer_id), None)


def _reply(ctx: Context, customer: Customer, deal: Opportunity | None, when: datetime, distance: str) -> Reply:
    name = customer.short_name or customer.name
    clock = when.astimezone(ctx.now.tzinfo).strftime("%H:%M")
    if deal is not None:
        on = ctx.t(f"，记在 #{deal.id} {deal.name}", f", recorded on #{deal.id} {deal.name}")
    else:
        on = ctx.t("（没有你跟进中的商机，记在客户上）", " (no open deal of yours with them: recorded on the customer)")
    return Reply.text(ctx.t(f"已签到：{name} {clock}，{distance}{on}。",
                            f"Checked in: {name} {clock}, {distance}{on}."))
