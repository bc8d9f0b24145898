"""The health line of the customer card: score, band and the top reasons, for those who may see it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from domain import permissions
from domain.customer import Customer
from domain.health import Health, HealthReader, assess
from domain.opportunity import Opportunity

REASONS_SHOWN = 3


def may_see_health(ctx: Context, customer: Customer, seen: Sequence[Opportunity]) -> bool:
    """Health draws on all of a customer's deals: shown to whoever may see one of them, to the customer's
    owner and the owner's managers, and to admins (the same circles as the deals and lists)."""
    if seen:
        return True
    owners = permissions.visible_owner_ids(ctx.rep, ctx.directory.reps, ctx.directory.teams)
    return owners is None or (customer.owner_id is not None and customer.owner_id in owners)


async def customer_health(ctx: Context, customer_id: int) -> Health | None:
    """The customer's health now (None when this unit of work has no health reader)."""
    reader: HealthReader | None = getattr(ctx.uow, "health", None)
    if reader is None:
        return None
    return assess(await reader.facts(customer_id, ctx.now), ctx.now)


def health_lines(ctx: Context, health: Health) -> list[str]:
    """「健康度 35/100（有风险）」 and the top reasons, one per line."""
    band = health.band.label(ctx.locale)
    head = ctx.t(f"健康度 {health.score}/100（{band}）", f"Health {health.score}/100 ({band})")
    return [head, *(f"· {reason}" for reason in health.reasons(ctx.locale, REASONS_SHOWN))]
