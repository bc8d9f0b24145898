"""Every resource of the open API, in the order the OpenAPI document lists them."""

from __future__ import annotations

from bot.api import contacts, customers, leads, opportunities
from bot.api.endpoints import ResourceApi

RESOURCES: tuple[ResourceApi, ...] = (customers.API, contacts.API, leads.API, opportunities.API)
