"""/api/v1/opportunities: list (customer_id, owner_id, stage, updated_since), get, create, patch, and
POST /opportunities/{id}/stage — through the chat's use cases: open_deal (colleagues' owners told),
edit_deal, and the stage machine of `阶段`/`赢单`/`输单` (bot.handlers.deals move / win / lose: the same
rights, the same refusals, the delivery project on a win)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.api.call import ApiCall
from bot.api.customers import checked_owner
from bot.api.endpoints import ResourceApi, Route
from bot.api.leads import money
from bot.api.problems import Problem, field_problem
from bot.api.schema import Field, Resource, money_text
from bot.capture.deals import colleagues_open_deals, open_deal, tell_owners
from bot.capture.edits import edit_deal
from bot.handlers.common import load_deal
from bot.handlers.deals import lose, move, win
from domain.money import CNY
from domain.opportunity import DealIsLost, InvalidStageTransition, LostReason, LostReasonRequired, Opportunity, Stage

CURRENCIES = ("CNY", "USD", "EUR", "HKD")
STAGES = tuple(s.value for s in Stage)
REASONS = tuple(r.value for r in LostReason)
_EDITABLE = ("name", "contact_id", "expected_close", "next_step")

RESOURCE = Resource("opportunities", "Opportunity", (
    Field("id", "id", create=False, patch=False),
    Field("customer_id", "id", required=True, patch=False),
    Field("name", "string", required=True, min_length=1),
    Field("stage", "enum", "changed through POST /opportunities/{id}/stage", choices=STAGES, create=False,
          patch=False),
    Field("amount", "decimal", nullable=True), Field("currency", "enum", choices=CURRENCIES),
    Field("owner_id", "id", "default: the team's manager (team token) or the token's creator", nullable=True,
          patch=False),
    Field("team_id", "id", nullable=True, create=False, patch=False),
    Field("contact_id", "id", "a contact of the same customer", nullable=True),
    Field("expected_close", "datetime", nullable=True),
    Field("next_step", "string", max_length=1000),
    Field("next_at", "datetime", nullable=True, create=False, patch=False),
    Field("lost_reason", "enum", choices=REASONS, nullable=True, create=False, patch=False),
    Field("lost_note", "string", max_length=100000, create=False, patch=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
    Field("updated_at", "datetime", nullable=True, create=False, patch=False),
    Field("closed_at", "datetime", nullable=True, create=False, patch=False),
), filters=(
    Field("customer_id", "id"), Field("owner_id", "id"), Field("stage", "enum", choices=STAGES),
    Field("updated_since", "datetime", "changed at or after this time"),
))

STAGE_BODY = Resource("opportunities", "StageChange", (
    Field("stage", "enum", required=True, choices=STAGES),
    Field("amount", "decimal", "won: the final amount", nullable=True),
    Field("currency", "enum", choices=CURRENCIES),
    Field("lost_reason", "enum", "lost: required", choices=REASONS),
    Field("lost_note", "string", max_length=1000),
))


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def dump(opp: Opportunity) -> dict[str, Any]:
    return {"id": opp.id, "customer_id": opp.customer_id, "name": opp.name, "stage": opp.stage.value,
            "amount": money_text(opp.amount),
            "currency": opp.amount.currency if opp.amount else CNY, "owner_id": opp.owner_id,
            "team_id": opp.team_id, "contact_id": opp.contact_id, "expected_close": _at(opp.expected_close),
            "next_step": opp.next_step, "next_at": _at(opp.next_at),
            "lost_reason": opp.lost_reason.value if opp.lost_reason else None, "lost_note": opp.lost_note,
            "created_at": _at(opp.created_at), "updated_at": _at(opp.updated_at), "closed_at": _at(opp.closed_at)}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Opportunity]:
    return await call.deal_lists.deal_page(call.scope, call.filters, after, limit)


async def find(call: ApiCall, deal_id: int) -> Opportunity | None:
    opp = await call.uow.opportunities.find(deal_id)
    return opp if opp is not None and call.scope.deals.admits(opp) else None


async def _check_contact(call: ApiCall, customer_id: int, contact_id: int | None) -> None:
    contact = await call.uow.contacts.find(contact_id) if contact_id is not None else None
    if contact_id is not None and (contact is None or contact.customer_id != customer_id):
        raise field_problem([{"field": "contact_id", "detail": "no such contact of this customer"}])


async def create(call: ApiCall) -> Opportunity:
    body, ctx = call.body, call.context
    if not await call.lists.customer_visible(call.scope, body["customer_id"]):
        raise field_problem([{"field": "customer_id", "detail": "no such customer"}])
    owner_id = checked_owner(call, body.get("owner_id"))
    await _check_contact(call, body["customer_id"], body.get("contact_id"))
    customer = await call.uow.customers.get(body["customer_id"])
    owner = call.directory.rep(owner_id)
    others = await colleagues_open_deals(ctx, customer)
    opp = await open_deal(ctx, customer, body["name"], money(body.get("amount"), body.get("currency")),
                          owner_id=owner_id, team_id=owner.team_id if owner else None,
                          contact_id=body.get("contact_id"))
    if others:
        await tell_owners(ctx, others, customer, opp)
    later = {k: body[k] for k in ("expected_close", "next_step") if body.get(k) is not None}
    if later:
        await edit_deal(ctx, opp, **later)
    return opp


async def patch(call: ApiCall, opp: Opportunity) -> Opportunity:
    changes = {k: call.body[k] for k in _EDITABLE if k in call.body}
    if "contact_id" in changes:
        await _check_contact(call, opp.customer_id, changes["contact_id"])
    if "amount" in call.body or "currency" in call.body:
        amount = call.body.get("amount", opp.amount.amount if opp.amount else None)
        changes["amount"] = money(amount, call.body.get("currency", opp.amount.currency if opp.amount else CNY))
    await edit_deal(call.context, opp, **changes)
    return opp


async def change_stage(call: ApiCall, request: web.Request) -> tuple[int, Any]:
    """Move, win or lose the deal as `阶段 #id <stage>` does in chat."""
    found = await API.one(call, request)
    assert found.id is not None
    ctx, body = call.context, call.body
    opp = await load_deal(ctx, found.id)
    target = Stage(body["stage"])
    if target is opp.stage:
        raise Problem(409, f"Deal #{opp.id} is already at '{target.label('en')}'; nothing was changed.",
                      slug="conflict")
    if target is Stage.WON:
        await win(ctx, opp, money(body.get("amount"), body.get("currency")))
    elif target is Stage.LOST:
        if "lost_reason" not in body:
            raise LostReasonRequired(ref=opp.id)
        await lose(ctx, opp, LostReason(body["lost_reason"]), body.get("lost_note", ""))
    else:
        await move(ctx, opp, target)
    return 200, dump(opp)


STAGE_ROUTE = Route("POST", "/opportunities/{id}/stage", RESOURCE, "action", change_stage,
                    "Move a deal to another stage (won: optional amount; lost: lost_reason)", write=True,
                    body=STAGE_BODY.schema("create"), response=RESOURCE.schema(),
                    validate=lambda body: STAGE_BODY.validate(body, "create"))
API = ResourceApi(RESOURCE, "opportunity", dump, page, find, create, patch,
                  conflicts=(InvalidStageTransition, DealIsLost), actions=(STAGE_ROUTE,))
