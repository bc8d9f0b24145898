"""/api/v1/customers: list (q, tag, owner_id, region, updated_since), get, create, patch — through the chat's
use cases (bot.capture.customers): the same duplicate check, owner, audit entry and undo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi
from bot.api.problems import Problem, field_problem
from bot.api.schema import Field, Resource
from bot.capture.customers import CustomerExists, add_customer, update_customer
from domain.customer import Customer, Lifecycle, derive_short_name

_OWN = ("short_name", "industry", "region", "phone", "email", "address")

RESOURCE = Resource("customers", "Customer", (
    Field("id", "id", create=False, patch=False),
    Field("name", "string", "full legal name; unique (normalized)", required=True, min_length=1),
    Field("short_name", "string", "derived from the name when not given"),
    Field("industry", "string"), Field("region", "string"),
    Field("tags", "tags"), Field("aliases", "tags"),
    Field("phone", "string", max_length=64), Field("email", "email"),
    Field("address", "string"),
    Field("owner_id", "id", "the owning rep; default: the team's manager (team tokens) or the token's creator",
          nullable=True, patch=False),
    Field("lifecycle", "enum", choices=tuple(v.value for v in Lifecycle), create=False, patch=False),
    Field("pool_team_id", "id", "team pool of an unowned customer", nullable=True, create=False, patch=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
    Field("updated_at", "datetime", "when it was created or last changed (what `updated_since` filters on)",
          nullable=True, create=False, patch=False),
), filters=(
    Field("q", "string", "part of the name, short name or an alias", max_length=100),
    Field("tag", "string", "has this tag", max_length=64),
    Field("owner_id", "id", "owned by this rep"),
    Field("region", "string", max_length=100),
    Field("updated_since", "datetime", "created or changed at or after this time"),
))


@dataclass(frozen=True, slots=True)
class Answer:
    """A customer as answered. `updated_at` is the later of its creation and its last audit entry: customers
    have no column of their own, and the `updated_since` filter reads the same two, so the two always agree."""

    customer: Customer
    updated_at: datetime | None

    @property
    def id(self) -> int | None:
        return self.customer.id


async def answers(call: ApiCall, customers: Sequence[Customer]) -> list[Answer]:
    """The customers with their `updated_at`, this request's own changes (not stored yet) included."""
    changed = await call.lists.customer_changed_at([c.id for c in customers if c.id is not None])
    pending = call.pending_changes("customer")
    return [Answer(c, _latest(c.created_at, changed.get(c.id or 0), pending.get(c.id or 0))) for c in customers]


def _latest(*times: datetime | None) -> datetime | None:
    return max((t for t in times if t is not None), default=None)


def dump(answer: Answer) -> dict[str, Any]:
    customer = answer.customer
    return {"id": customer.id, "name": customer.name, "short_name": customer.short_name,
            "industry": customer.industry, "region": customer.region, "tags": list(customer.tags),
            "aliases": list(customer.aliases), "phone": customer.phone, "email": customer.email,
            "address": customer.address, "owner_id": customer.owner_id, "lifecycle": customer.lifecycle.value,
            "pool_team_id": customer.pool_team_id,
            "created_at": customer.created_at.isoformat() if customer.created_at else None,
            "updated_at": answer.updated_at.isoformat() if answer.updated_at else None}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Answer]:
    return await answers(call, await call.lists.customer_page(call.scope, call.filters, after, limit))


async def find(call: ApiCall, customer_id: int) -> Answer | None:
    if not await call.lists.customer_visible(call.scope, customer_id):
        return None
    found = await call.uow.customers.find(customer_id)
    return None if found is None else (await answers(call, [found]))[0]


def default_owner(call: ApiCall) -> int | None:
    """A team token's new customers go to the team's manager; an unscoped token's to its creator."""
    if call.token.team_id is None:
        return call.token.created_by
    team = next((t for t in call.directory.teams if t.id == call.token.team_id), None)
    return team.manager_id if team is not None else None


def checked_owner(call: ApiCall, owner_id: int | None) -> int:
    if owner_id is None:
        owner_id = default_owner(call)
    rep = call.directory.rep(owner_id)
    if owner_id is None or rep is None or not rep.active or owner_id not in call.team_members():
        raise field_problem([{"field": "owner_id", "detail": "must be an active rep this token sees (of its "
                                                            "team, for a team token)"}])
    return owner_id


async def create(call: ApiCall) -> Answer:
    body = call.body
    owner_id = checked_owner(call, body.get("owner_id"))
    customer = Customer(name=body["name"], short_name=body.get("short_name") or derive_short_name(body["name"]),
                        tags=body.get("tags", []), aliases=body.get("aliases", []),
                        **{k: body[k] for k in _OWN if k in body and k != "short_name"})
    try:
        added = await add_customer(call.context, customer, owner_id=owner_id)
    except CustomerExists as err:
        raise await _exists(call, err) from None
    return (await answers(call, [added]))[0]


async def _exists(call: ApiCall, err: CustomerExists) -> Problem:
    """409; the existing customer is named only when this token may see it."""
    existing = err.params.get("id")
    if isinstance(existing, int) and await call.lists.customer_visible(call.scope, existing):
        return Problem(409, err.message("en"), slug="conflict")
    return Problem(409, "A customer of this name already exists.", slug="conflict")


async def patch(call: ApiCall, found: Answer) -> Answer:
    try:
        await update_customer(call.context, found.customer, **call.body)
    except CustomerExists as err:
        raise await _exists(call, err) from None
    pending = call.pending_changes("customer").get(found.customer.id or 0)  # found's time, or this change's
    return Answer(found.customer, _latest(found.updated_at, pending))


API = ResourceApi(RESOURCE, "customer", dump, page, find, create, patch, conflicts=(CustomerExists,))
