"""/api/v1/contacts: list (customer_id, q, email), get, create — a contact of a customer the token sees,
added through the chat's use case (bot.capture.contacts.create_contact: the same audit entry and undo)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi
from bot.api.problems import field_problem
from bot.api.schema import Field, Resource
from bot.capture.contacts import create_contact
from domain.customer import Contact

RESOURCE = Resource("contacts", "Contact", (
    Field("id", "id", create=False, patch=False),
    Field("customer_id", "id", required=True, patch=False),
    Field("name", "string", required=True, min_length=1, max_length=100),
    Field("title", "string", "how they are addressed or their role (总, CTO)", max_length=100),
    Field("phone", "string", max_length=64),
    Field("email", "email"),
    Field("bouncing", "boolean", "mail to this address bounced", create=False, patch=False),
), filters=(
    Field("customer_id", "id"),
    Field("q", "string", "part of the name", max_length=100),
    Field("email", "string"),
))


def dump(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "customer_id": contact.customer_id, "name": contact.name, "title": contact.title,
            "phone": contact.phone, "email": contact.email, "bouncing": contact.bouncing}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Contact]:
    return await call.lists.contact_page(call.scope, call.filters, after, limit)


async def find(call: ApiCall, contact_id: int) -> Contact | None:
    contact = await call.uow.contacts.find(contact_id)
    if contact is None or not await call.lists.customer_visible(call.scope, contact.customer_id):
        return None
    return contact


async def create(call: ApiCall) -> Contact:
    body = call.body
    if not await call.lists.customer_visible(call.scope, body["customer_id"]):
        raise field_problem([{"field": "customer_id", "detail": "no such customer"}])
    return await create_contact(call.context, body["customer_id"], body["name"], body.get("title", ""),
                                body.get("phone", ""), body.get("email", ""), via="api")


API = ResourceApi(RESOURCE, "contact", dump, page, find, create)
