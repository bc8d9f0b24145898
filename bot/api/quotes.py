"""/api/v1/quotes: list (opportunity_id, customer_id, approval, updated_since), get, and create — a new
version through chat's `报价` (bot.handlers.money.new_quote_version): v1, v2…, never overwriting an older one;
held for approval when a rule catches it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.api import work_common as wc
from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi
from bot.api.leads import money
from bot.api.schema import Field, Resource, money_text
from bot.handlers.money import new_quote_version
from domain.money import CNY
from domain.quote import Quote

RESOURCE = Resource("quotes", "Quote", (
    Field("id", "id", create=False, patch=False),
    Field("opportunity_id", "id", required=True, patch=False),
    Field("version", "integer", "1, 2, … per deal; a new quote is the next version", create=False, patch=False),
    Field("amount", "decimal", required=True, patch=False),
    Field("currency", "enum", choices=wc.CURRENCIES, patch=False),
    Field("list_price", "decimal", "default: the previous version's", nullable=True, patch=False),
    Field("cost", "decimal", "default: the previous version's", nullable=True, patch=False),
    Field("note", "string", max_length=1000, patch=False),
    Field("approval", "enum", choices=wc.APPROVALS, create=False, patch=False),
    Field("created_by", "integer", nullable=True, create=False, patch=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
), filters=(*wc.DEAL_FILTERS, Field("approval", "enum", choices=wc.APPROVALS)))


def dump(q: Quote) -> dict[str, Any]:
    return {"id": q.id, "opportunity_id": q.opportunity_id, "version": q.version, "amount": money_text(q.amount),
            "currency": q.amount.currency, "list_price": money_text(q.list_price), "cost": money_text(q.cost),
            "note": q.note, "approval": wc.approval(q.approval), "created_by": q.created_by,
            "created_at": wc.at(q.created_at)}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Quote]:
    return await wc.page(call, "quotes", after, limit)


async def find(call: ApiCall, quote_id: int) -> Quote | None:
    found: Quote | None = await wc.visible(call, await call.uow.quotes.find(quote_id))
    return found


async def create(call: ApiCall) -> Quote:
    body = call.body
    deal = await wc.deal_to_change(call, body["opportunity_id"])
    currency = body.get("currency", CNY)
    price = money(body["amount"], currency)
    assert price is not None and deal.id is not None
    quote, _ = await new_quote_version(call.context, deal, price, body.get("note", ""),
                                       money(body.get("list_price"), currency), money(body.get("cost"), currency))
    return quote


API = ResourceApi(RESOURCE, "quote", dump, page, find, create)
