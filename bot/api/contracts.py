"""/api/v1/contracts: list (opportunity_id, customer_id, approval, updated_since), get, and create through
chat's `合同` (bot.handlers.money.sign_contract: the signing horizon, approvals)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.api import work_common as wc
from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi
from bot.api.leads import money
from bot.api.problems import field_problem
from bot.api.schema import Field, Resource, money_text
from bot.handlers.money import sign_contract
from domain.billing import Contract
from domain.money import CNY

RESOURCE = Resource("contracts", "Contract", (
    Field("id", "id", create=False, patch=False),
    Field("opportunity_id", "id", required=True, patch=False),
    Field("number", "string", "default: HT-<deal>-<signed on>", max_length=64, patch=False),
    Field("amount", "decimal", "default: the deal amount", patch=False),
    Field("currency", "enum", choices=wc.CURRENCIES, patch=False),
    Field("signed_on", "date", "default: today", nullable=True, patch=False),
    Field("note", "string", max_length=1000, patch=False),
    Field("approval", "enum", choices=wc.APPROVALS, create=False, patch=False),
    Field("created_by", "integer", nullable=True, create=False, patch=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
), filters=(*wc.DEAL_FILTERS, Field("approval", "enum", choices=wc.APPROVALS)))


def dump(c: Contract) -> dict[str, Any]:
    return {"id": c.id, "opportunity_id": c.opportunity_id, "number": c.number, "amount": money_text(c.amount),
            "currency": c.amount.currency, "signed_on": wc.at(c.signed_on), "note": c.note,
            "approval": wc.approval(c.approval), "created_by": c.created_by, "created_at": wc.at(c.created_at)}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Contract]:
    return await wc.page(call, "contracts", after, limit)


async def find(call: ApiCall, contract_id: int) -> Contract | None:
    found: Contract | None = await wc.visible(call, await call.uow.contracts.find(contract_id))
    return found


async def create(call: ApiCall) -> Contract:
    body = call.body
    deal = await wc.deal_to_change(call, body["opportunity_id"])
    price = money(body.get("amount"), body.get("currency", CNY)) or deal.amount
    if price is None:
        raise field_problem([{"field": "amount", "detail": "is required when the deal has no amount"}])
    signed = body.get("signed_on") or call.now.date()
    contract, _ = await sign_contract(call.context, deal, price, body.get("number", ""), signed, body.get("note", ""))
    return contract


API = ResourceApi(RESOURCE, "contract", dump, page, find, create)
