"""Which change raises which webhook event, and the public fields each event's `data` carries.

Every write of a use case leaves an audit entry (bot.context.Context.audit); the unit of work turns the entries
of a transaction into events when it commits (storage.events), so chat, mail and the API raise the same events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from domain.audit import AuditEntry
from domain.webhooks import Candidate, Subscription, utc_text

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
UNDONE = "change.undone"  # an undo took back a change that had raised events (README: the event table)
PUBLIC_ENTITY = {"opportunity": "deal"}  # an audit entity's name in events (the others keep theirs)


def _change(entry: AuditEntry, name: str) -> tuple[Any, Any] | None:
    value = entry.changes.get(name)
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def candidates(entry: AuditEntry) -> list[Candidate]:
    """The events one audit entry raises (none for imports and anything not listed in README; an undo's own
    entries, action `undo`, raise none: it raises its events through UndoneChanges)."""
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


def raised(entry: AuditEntry, created: Any = None) -> list[str]:
    """The event types `entry` raised when it was written. `created`: the record a create entry made, as it is
    now; an event needing a state it is not in was not raised (an invoice created as a request: no
    invoice.issued)."""
    found = candidates(entry)
    if entry.action != "create" or not found:
        return [c.type for c in found]
    state = public_data(entry.entity, created) if created is not None else {}
    return [c.type for c in found if in_required_state(c.type, state)]


def in_required_state(event_type: str, data: dict[str, Any]) -> bool:
    """Whether a record's public `data` is in the state `event_type` needs (REQUIRED_STATE)."""
    required = REQUIRED_STATE.get(event_type)
    return required is None or data.get(required[0]) == required[1]


@dataclass(slots=True)
class UndoneChanges:
    """What an undo takes back that had raised events, noted entry by entry as it reverts them (newest first).

    Each record gets one change.undone (its entity, id, the event types its undone changes had raised, who
    undid them); a deal whose stage goes back also gets deal.stage_changed, `previous_stage` being the stage
    it had before the undo. Changes that raised no event (a follow-up note, a next step) raise nothing.
    """

    by: int | None = None  # the rep undoing
    types: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    stages: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # deal -> (stage before undo, restored)

    def note(self, entry: AuditEntry, created: Any = None) -> None:
        """`entry` is being reverted; `created`: its record, for a create entry (see `raised`)."""
        found = raised(entry, created)
        if not found:
            return
        known = self.types.setdefault((entry.entity, entry.entity_id), [])
        known[:0] = [name for name in found if name not in known]  # an older entry's events come first
        if entry.entity == "opportunity" and (stage := _change(entry, "stage")) is not None:
            known_stage = self.stages.get(entry.entity_id)  # noted already: a newer change of this batch
            self.stages[entry.entity_id] = (known_stage[0] if known_stage else stage[1], stage[0])

    def events(self, at: datetime) -> list[Candidate]:
        found = []
        for (entity, entity_id), types in self.types.items():
            found.append(Candidate(UNDONE, entity, entity_id, at, {
                "entity": PUBLIC_ENTITY.get(entity, entity), "id": entity_id, "undone": types, "undone_by": self.by}))
            # a stage back where it began is dropped at commit, as every stage change is (storage.events._data)
            if entity == "opportunity" and (stage := self.stages.get(entity_id)) is not None:
                found.append(Candidate("deal.stage_changed", entity, entity_id, at, {"previous_stage": stage[0]}))
        return found


def wants(subscription: Subscription, event: Candidate) -> bool:
    """The events a subscription asked for, and change.undone of any of them: what it got is taken back."""
    if subscription.wants(event.type):
        return True
    return event.type == UNDONE and any(subscription.wants(name) for name in event.extra.get("undone", ()))


def undone_data(event: Candidate, record: Any) -> dict[str, Any]:
    """change.undone's data: entity, id, undone, undone_by, and the record as the undo left it (None: removed)."""
    return {**event.extra, "record": public_data(event.entity, record) if record is not None else None}


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
