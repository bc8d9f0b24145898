"""Open a deal, and find the open deals colleagues already have with a customer."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.common import may_view
from bot.i18n import Text
from domain.customer import Customer
from domain.money import Money
from domain.opportunity import OPEN_STAGES, Opportunity


async def open_deal(ctx: Context, customer: Customer, name: str, amount: Money | None, *,
                    owner_id: int | None = None, team_id: int | None = None, contact_id: int | None = None,
                    lead_id: int | None = None) -> Opportunity:
    """A new deal, owned by the person writing unless an owner is given (a converted lead's), audited."""
    assert customer.id is not None
    opp = await ctx.uow.opportunities.add(Opportunity(
        customer_id=customer.id, name=name, owner_id=owner_id or ctx.rep.id, team_id=team_id or ctx.rep.team_id,
        amount=amount,
        contact_id=contact_id, lead_id=lead_id, created_at=ctx.now, updated_at=ctx.now, last_contact_at=ctx.now))
    await ctx.audit("opportunity", opp.id, "create", name=name)
    return opp


async def colleagues_open_deals(ctx: Context, customer: Customer) -> list[Opportunity]:
    """The customer's open deals this person may not see (colleagues'), oldest first."""
    assert customer.id is not None
    deals = await ctx.uow.opportunities.list(stages=OPEN_STAGES, customer_id=customer.id, limit=50)
    return sorted((d for d in deals if not may_view(ctx, d)), key=lambda d: d.id or 0)


def owner_name(ctx: Context, opp: Opportunity) -> str:
    owner = ctx.directory.rep(opp.owner_id)
    return owner.name if owner is not None else ctx.t("同事", "a colleague")


def already_open_line(ctx: Context, deals: list[Opportunity]) -> str:
    """The warning an explicit new deal gets when colleagues already work on the customer."""
    listed = "、".join(f"#{d.id} {d.name}（{owner_name(ctx, d)}）" for d in deals[:3])
    listed_en = ", ".join(f"#{d.id} {d.name} ({owner_name(ctx, d)})" for d in deals[:3])
    return ctx.t(f"注意：同事已有该客户进行中的商机 {listed}，已通知负责人。",
                 f"Note: colleagues already have open deals with this customer: {listed_en}; their owners "
                 "were told.")


async def tell_owners(ctx: Context, others: list[Opportunity], customer: Customer, opp: Opportunity) -> None:
    """A deal opened on purpose next to colleagues' open ones: their owners hear of it."""
    name = customer.short_name or customer.name
    for owner_id in sorted({d.owner_id for d in others if d.owner_id is not None}):
        await ctx.notify(owner_id, Text(
            f"{ctx.rep.name} 为你正在跟进的客户「{name}」新开了商机 #{opp.id} {opp.name}。",
            f"{ctx.rep.name} opened deal #{opp.id} {opp.name} with '{name}', a customer you work on."))
