"""Which change raises which webhook event, and the public fields each event's `data` carries.

Every write of a use case leaves an audit entry (bot.context.Context.audit); the unit of work turns the entries
of a transaction into events when it commits (storage.events), so chat, mail and the API raise the same events.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from domain.audit import AuditEntry
from domain.webhooks import Candidate, utc_text

# audit entity -> the fields of its record an event's data carries (documented in README, never renamed)
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "opportunity": ("id", "name", "customer_id", "owner_id", "team_id", "stage", "amount", "expected_close",
                    "source", "lost_reason", "created_at", "updated_at", "closed_at"),
    "customer": ("id", "name", "short_name", "industry", "region", "lifecycle", "owner_id", "created_at"),
    "lead": ("id", "customer_id", "title", "budget", "region", "industry", "source", "status", "owner_id",
             "team_id", "opportunity_id", "created_at"),
    "quote": ("id", "opportunity_id", "version", "amount", "approval", "created_by", "created_at"),
    "contract": ("id", "opportunity_id", "number", "amount", "signed_on", "approval", "created_by", "created_at"),
    "payment": ("id", "opportunity_id", "amount", "received_on", "recorded_by"),
    "invoice": ("id", "opportunity_id", "amount", "status", "number", "issued_on", "reverses_id"),
    "project": ("id", "opportunity_id", "customer_id", "name", "manager_id", "starts_on", "ends_on", "status",
                "created_at"),
}
_CREATED = {"opportunity": "deal.created", "quote": "quote.created", "contract": "contract.created",
            "payment": "payment.received", "invoice": "invoice.issued", "lead": "lead.created",
            "customer": "customer.created"}
# events whose record must be in this state when the transaction commits (a requested or red invoice is no issue)
REQUIRED_STATE: dict[str, tuple[str, str]] = {"invoice.issued": ("status", "issued")}


def _change(entry: AuditEntry, name: str) -> tuple[Any, Any] | None:
    value = entry.changes.get(name)
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def candidates(entry: AuditEntry) -> list[Candidate]:
    """The events one audit entry raises (none for imports, undo and anything not listed in README)."""
    if entry.action == "create" and entry.entity in _CREATED:
        return [Candidate(_CREATED[entry.entity], entry.entity, entry.entity_id, entry.at)]
    if entry.action != "update":
        return []
    if entry.entity == "opportunity" and (stage := _change(entry, "stage")) and stage[0] != stage[1]:
        found = [Candidate("deal.stage_changed", "opportunity", entry.entity_id, entry.at,
                           {"previous_stage": stage[0]})]
        if stage[1] in ("won", "lost"):
            found.append(Candidate(f"deal.{stage[1]}", "opportunity", entry.entity_id, entry.at))
        return found
    if entry.entity == "project" and (status := _change(entry, "status")) and status[1] == "done":
        return [Candidate("project.completed", "project", entry.entity_id, entry.at)]
    if entry.entity == "invoice" and (status := _change(entry, "status")) and status[1] == "issued":
        return [Candidate("invoice.issued", "invoice", entry.entity_id, entry.at)]
    return []


def public_data(entity: str, record: Any) -> dict[str, Any]:
    """The record's public fields as JSON values: money {"amount": "800000.00", "currency": "CNY"}, dates
    ISO 8601, moments in UTC ("…Z"), states by their code."""
    return {name: json_value(getattr(record, name, None)) for name in PUBLIC_FIELDS[entity]}


def json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "amount") and hasattr(value, "currency"):  # domain.money.Money
        return {"amount": str(value.amount), "currency": value.currency}
    return str(value)
