"""/api/v1/leads: list (status, owner_id, customer_id), get, create, patch — created through the chat's use
case (bot.handlers.leads.create_lead: contact matched or added, assignment rules, audit, the owner told)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.api.call import ApiCall
from bot.api.customers import checked_owner
from bot.api.endpoints import ResourceApi
from bot.api.problems import field_problem
from bot.api.schema import Field, Resource, money_text
from bot.capture.edits import edit_lead
from bot.handlers.leads import create_lead
from domain.lead import Lead, LeadAlreadyConverted, LeadStatus
from domain.money import CNY, Money

RESOURCE = Resource("leads", "Lead", (
    Field("id", "id", create=False, patch=False),
    Field("customer_id", "id", required=True, patch=False),
    Field("title", "string", "what the lead is about"),
    Field("contact_name", "string", "a contact of the customer (matched, else added); answered as contact_id",
          max_length=100, patch=False, answered=False),
    Field("contact_id", "id", nullable=True, create=False, patch=False),
    Field("budget", "decimal", nullable=True),
    Field("currency", "enum", choices=("CNY", "USD", "EUR", "HKD")),
    Field("region", "string"), Field("industry", "string"),
    Field("source", "string", max_length=32, create=False, patch=False),
    Field("status", "enum", choices=tuple(s.value for s in LeadStatus), create=False, patch=False),
    Field("owner_id", "id", "default: the assignment rules (unscoped token) or the team, unassigned (team "
                            "token)", nullable=True, patch=False),
    Field("team_id", "id", nullable=True, create=False, patch=False),
    Field("opportunity_id", "id", "the deal it was converted into", nullable=True, create=False, patch=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
), filters=(
    Field("status", "enum", choices=tuple(s.value for s in LeadStatus)),
    Field("owner_id", "id"), Field("customer_id", "id"),
))


def dump(lead: Lead) -> dict[str, Any]:
    return {"id": lead.id, "customer_id": lead.customer_id, "title": lead.title,
            "contact_id": lead.contact_id, "budget": money_text(lead.budget),
            "currency": lead.budget.currency if lead.budget else CNY, "region": lead.region,
            "industry": lead.industry, "source": lead.source, "status": lead.status.value, "owner_id": lead.owner_id,
            "team_id": lead.team_id, "opportunity_id": lead.opportunity_id,
            "created_at": lead.created_at.isoformat() if lead.created_at else None}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Lead]:
    return await call.deal_lists.lead_page(call.scope, call.filters, after, limit)


async def find(call: ApiCall, lead_id: int) -> Lead | None:
    if not await call.deal_lists.lead_visible(call.scope, lead_id):
        return None
    return await call.uow.leads.find(lead_id)


def money(amount: Decimal | None, currency: str | None) -> Money | None:
    return None if amount is None else Money(amount, currency or CNY)


def _owner(call: ApiCall) -> tuple[int | None, int | None] | None:
    """Where the new lead goes: the owner asked for (their team), else a team token's team, unassigned;
    None: the assignment rules decide."""
    if "owner_id" in call.body and call.body["owner_id"] is not None:
        owner_id = checked_owner(call, call.body["owner_id"])
        rep = call.directory.rep(owner_id)
        return owner_id, rep.team_id if rep is not None else None
    return (None, call.token.team_id) if call.token.team_id is not None else None


async def create(call: ApiCall) -> Lead:
    body = call.body
    if not await call.lists.customer_visible(call.scope, body["customer_id"]):
        raise field_problem([{"field": "customer_id", "detail": "no such customer"}])
    customer = await call.uow.customers.get(body["customer_id"])
    opts = {k: body[k] for k in ("region", "industry") if body.get(k)}
    opts["note"] = body.get("title", "")
    if body.get("contact_name"):
        opts["contact"] = body["contact_name"]
    lead, _ = await create_lead(call.context, customer, money(body.get("budget"), body.get("currency")), opts,
                                source="api", owner=_owner(call))
    return lead


async def patch(call: ApiCall, lead: Lead) -> Lead:
    changes: dict[str, Any] = {k: call.body[k] for k in ("title", "region", "industry") if k in call.body}
    if "budget" in call.body or "currency" in call.body:
        amount = call.body.get("budget", lead.budget.amount if lead.budget else None)
        changes["budget"] = money(amount, call.body.get("currency", lead.budget.currency if lead.budget else CNY))
    await edit_lead(call.context, lead, **changes)
    return lead


API = ResourceApi(RESOURCE, "lead", dump, page, find, create, patch, conflicts=(LeadAlreadyConverted,))
