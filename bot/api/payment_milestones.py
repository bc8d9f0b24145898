"""/api/v1/payment_milestones: the deal's payment plan (list: opportunity_id, customer_id, status,
updated_since, history=true for replaced plans; get), and POST /payment_milestones/{id}/received, which
records money received through chat's `回款` (bot.handlers.money.take_payment: the money horizon, the
contract cap, the payment applied to the plan in order), then answers the milestone as stored."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from aiohttp import web

from bot.api import work_common as wc
from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi, Route
from bot.api.leads import money
from bot.api.problems import Problem
from bot.api.schema import Field, Resource, money_text
from bot.handlers.common import load_deal
from bot.handlers.money import take_payment
from domain.billing import MilestoneStatus, PaymentMilestone
from domain.errors import NotFound
from domain.money import Money

STATUSES = tuple(s.value for s in MilestoneStatus)
RESOURCE = Resource("payment_milestones", "PaymentMilestone", (
    Field("id", "id", create=False, patch=False),
    Field("opportunity_id", "id", create=False, patch=False),
    Field("seq", "integer", create=False, patch=False),
    Field("amount", "decimal", create=False, patch=False),
    Field("currency", "enum", choices=wc.CURRENCIES, create=False, patch=False),
    Field("due_on", "date", create=False, patch=False),
    Field("percent", "string", nullable=True, create=False, patch=False),
    Field("note", "string", max_length=100000, create=False, patch=False),
    Field("paid", "decimal", nullable=True, create=False, patch=False),
    Field("status", "enum", choices=STATUSES, create=False, patch=False),
    Field("plan", "integer", "the plan version (a replaced plan is kept as history)", create=False, patch=False),
    Field("replaced_at", "datetime", nullable=True, create=False, patch=False),
), filters=(*wc.DEAL_FILTERS, Field("status", "enum", choices=STATUSES),
            Field("history", "boolean", "true: also milestones of replaced plans")))

RECEIVED = Resource("payment_milestones", "PaymentReceived", (
    Field("amount", "decimal", "default: what is still due on this milestone", nullable=True),
    Field("received_on", "date", "default: today", nullable=True),
    Field("note", "string", max_length=1000),
))


def dump(m: PaymentMilestone) -> dict[str, Any]:
    return {"id": m.id, "opportunity_id": m.opportunity_id, "seq": m.seq, "amount": money_text(m.amount),
            "currency": m.amount.currency, "due_on": m.due_on.isoformat(),
            "percent": str(m.percent) if m.percent is not None else None, "note": m.note,
            "paid": money_text(m.paid), "status": m.status.value, "plan": m.plan, "replaced_at": wc.at(m.replaced_at)}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[PaymentMilestone]:
    return await wc.page(call, "payment_milestones", after, limit)


async def find(call: ApiCall, milestone_id: int) -> PaymentMilestone | None:
    found: PaymentMilestone | None = await wc.visible(call, await call.uow.milestones.find(milestone_id))
    return found


def _due(m: PaymentMilestone) -> Money:
    paid = m.paid.amount if m.paid is not None and m.paid.currency == m.amount.currency else Decimal(0)
    return Money(max(m.amount.amount - paid, Decimal(0)), m.amount.currency)


async def received(call: ApiCall, request: web.Request) -> tuple[int, Any]:
    """Money received against this milestone, recorded as `回款 #<deal> <amount> [<date>]` does."""
    stone: PaymentMilestone = await API.one(call, request)
    assert stone.id is not None
    if stone.replaced_at is not None:
        raise Problem(409, f"Payment milestone {stone.id} belongs to a replaced plan; record the money against the "
                           "current plan's milestones.", slug="conflict")
    deal = await load_deal(call.context, stone.opportunity_id)
    value = money(call.body.get("amount"), stone.amount.currency) or _due(stone)
    await take_payment(call.context, deal, value, call.body.get("received_on") or call.now.date(),
                       call.body.get("note", ""))
    after = await call.uow.milestones.find(stone.id)
    if after is None:
        raise NotFound("回款节点", str(stone.id), "payment milestone")
    return 200, dump(after)


RECEIVED_ROUTE = Route("POST", "/payment_milestones/{id}/received", RESOURCE, "action", received,
                       "Record money received against a milestone (as chat's 回款)", write=True,
                       body=RECEIVED.schema("create"), response=RESOURCE.schema(),
                       validate=lambda body: RECEIVED.validate(body, "create"))
API = ResourceApi(RESOURCE, "payment milestone", dump, page, find, actions=(RECEIVED_ROUTE,))
