"""Changing a lead's or a deal's own fields (title, region, amount, expected close…): one place for the
right it takes, the before-image kept for undo, and the audit entry — used by the open API (issue #16)."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.common import require_right
from bot.handlers.leads import require_lead_access
from domain.lead import Lead
from domain.opportunity import Opportunity
from domain.permissions import Right


async def edit_lead(ctx: Context, lead: Lead, **changes: object) -> list[str]:
    """Those who see the lead (its owner, a manager of its team, an admin) may change it."""
    await require_lead_access(ctx, lead)
    changed = {k: v for k, v in changes.items() if getattr(lead, k) != v}
    if changed:
        ctx.remember("lead", lead)
        for field, value in changed.items():
            setattr(lead, field, value)
        await ctx.update("lead", lead, **changed)
    return list(changed)


async def edit_deal(ctx: Context, opp: Opportunity, **changes: object) -> list[str]:
    """Whoever may work on the deal (domain.permissions Right.WORK) may change these fields."""
    require_right(ctx, opp, Right.WORK)
    changed = {k: v for k, v in changes.items() if getattr(opp, k) != v}
    if changed:
        ctx.remember("opportunity", opp)
        for field, value in changed.items():
            setattr(opp, field, value)
        opp.updated_at = ctx.now
        await ctx.update("opportunity", opp, **changed)
    return list(changed)
