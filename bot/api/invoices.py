"""/api/v1/invoices: list (opportunity_id, customer_id, status, updated_since), get, and create (issued or
requested) through chat's `发票` (bot.handlers.invoices.issue_invoice: capped by the contract)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot.api import work_common as wc
from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi, Route
from bot.api.leads import money
from bot.api.problems import field_problem
from bot.api.schema import Field, Resource, money_text
from bot.handlers.common import load_deal
from bot.handlers.invoices import issue_invoice, reverse_invoice, void_one
from domain.billing import Invoice, InvoiceStatus
from domain.invoicing import InvoiceStateError
from domain.money import CNY

STATUSES = tuple(s.value for s in InvoiceStatus)
RESOURCE = Resource("invoices", "Invoice", (
    Field("id", "id", create=False, patch=False),
    Field("opportunity_id", "id", required=True, patch=False),
    Field("amount", "decimal", required=True, patch=False),
    Field("currency", "enum", choices=wc.CURRENCIES, patch=False),
    Field("status", "enum", "created as issued (default) or requested", choices=STATUSES, patch=False),
    Field("number", "string", max_length=64, patch=False),
    Field("issued_on", "date", nullable=True, create=False, patch=False),
    Field("note", "string", max_length=1000, patch=False),
    Field("reverses_id", "integer", "a red record: the invoice it reverses", nullable=True, create=False,
          patch=False),
), filters=(*wc.DEAL_FILTERS, Field("status", "enum", choices=STATUSES)))


def dump(i: Invoice) -> dict[str, Any]:
    return {"id": i.id, "opportunity_id": i.opportunity_id, "amount": money_text(i.amount),
            "currency": i.amount.currency, "status": i.status.value, "number": i.number,
            "issued_on": wc.at(i.issued_on), "note": i.note, "reverses_id": i.reverses_id}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Invoice]:
    return await wc.page(call, "invoices", after, limit)


async def find(call: ApiCall, invoice_id: int) -> Invoice | None:
    found: Invoice | None = await wc.visible(call, await call.uow.invoices.find(invoice_id))
    return found


async def create(call: ApiCall) -> Invoice:
    body = call.body
    deal = await wc.deal_to_change(call, body["opportunity_id"])
    status = InvoiceStatus(body.get("status", InvoiceStatus.ISSUED.value))
    if status not in (InvoiceStatus.ISSUED, InvoiceStatus.REQUESTED):
        raise field_problem([{"field": "status", "detail": "a new invoice is issued or requested"}])
    price = money(body["amount"], body.get("currency", CNY))
    assert price is not None
    return await issue_invoice(call.context, deal, price, status, body.get("number", ""), body.get("note", ""))


REVERSAL = Resource("invoices", "InvoiceReversal", (Field("note", "string", "why", max_length=1000),))


async def _change(call: ApiCall, request: web.Request, red: bool) -> tuple[int, Any]:
    """Void or red-reverse the invoice as `作废发票 #12 F3` / `红冲 #12 F3` do (the deal's WORK right)."""
    original: Invoice = await API.one(call, request)
    await load_deal(call.context, original.opportunity_id)
    if red:
        return 201, dump(await reverse_invoice(call.context, original, call.body.get("note", "")))
    return 200, dump(await void_one(call.context, original))


async def void(call: ApiCall, request: web.Request) -> tuple[int, Any]:
    return await _change(call, request, red=False)


async def red_reverse(call: ApiCall, request: web.Request) -> tuple[int, Any]:
    return await _change(call, request, red=True)


ACTIONS = (Route("POST", "/invoices/{id}/void", RESOURCE, "action", void, "Void an invoice (as chat's 作废发票)",
                 write=True, response=RESOURCE.schema()),
           Route("POST", "/invoices/{id}/red_reverse", RESOURCE, "action", red_reverse,
                 "Red-reverse an issued invoice (as chat's 红冲); answers the red record", write=True,
                 body=REVERSAL.schema("create"), response=RESOURCE.schema(), status=201,
                 validate=lambda body: REVERSAL.validate(body, "create")))
API = ResourceApi(RESOURCE, "invoice", dump, page, find, create, conflicts=(InvoiceStateError,), actions=ACTIONS)
