"""Every resource of the open API, in the order the OpenAPI document lists them."""

from __future__ import annotations

from bot.api import (
                                      contacts,
                                      contracts,
                                      customers,
                                      invoices,
                                      leads,
                                      opportunities,
                                      payment_milestones,
                                      projects,
                                      quotes,
                                      tasks,
)
from bot.api.endpoints import ResourceApi

RESOURCES: tuple[ResourceApi, ...] = (customers.API, contacts.API, leads.API, opportunities.API,
                                      quotes.API, contracts.API, payment_milestones.API, invoices.API,
                                      projects.API, tasks.API)
