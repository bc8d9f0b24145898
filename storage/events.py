"""Webhook events raised by a transaction, queued when it commits, in the same transaction (issue #16).

The audit repository shows every entry written to `observe`; domain.webhook_events says which events an entry
raises. At commit (SqlAlchemyUnitOfWork.commit) the events that an active subscription wants become outbox rows,
one per subscription, carrying the record's public fields as they are at commit. A rolled-back transaction or
savepoint drops its events with its changes: a crash can neither lose an event nor invent one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from domain.audit import AuditEntry
from domain.messaging import OutboxItem
from domain.webhook_events import UNDONE, candidates, in_required_state, public_data, undone_data, wants
from domain.webhooks import Candidate, Subscription, delivery, event_body, new_event_id

if TYPE_CHECKING:
    from storage.uow import SqlAlchemyUnitOfWork

REPOSITORIES = {"opportunity": "opportunities", "customer": "customers", "lead": "leads", "quote": "quotes",
                "contract": "contracts", "payment": "payments", "invoice": "invoices", "project": "projects"}


class EventJournal:
    """The events of one unit of work, waiting for its commit."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self.uow = uow
        self.pending: list[Candidate] = []

    def observe(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            self.pending += candidates(entry)

    def emit(self, candidate: Candidate) -> None:
        """An event no audit entry shows (the risk scan's invoice.overdue, an undo's change.undone)."""
        self.pending.append(candidate)

    def mark(self) -> int:
        return len(self.pending)

    def forget(self, mark: int = 0) -> None:
        """Drop the events raised after `mark` (their savepoint was rolled back)."""
        del self.pending[mark:]

    async def publish(self) -> int:
        """Queue the pending events for the subscriptions that want them; how many deliveries were queued."""
        found, self.pending = self.pending, []
        if not found:
            return 0
        subscriptions = list(await self.uow.webhooks.active())
        if not subscriptions:
            return 0
        records: dict[tuple[str, int], Any] = {}
        items: list[OutboxItem] = []
        for event in found:
            targets = [s for s in subscriptions if wants(s, event)]
            key = (event.entity, event.entity_id)
            if targets and key not in records:
                records[key] = await getattr(self.uow, REPOSITORIES[event.entity]).find(event.entity_id)
            if targets and (data := _data(event, records[key])) is not None:
                items += _deliveries(event, data, targets)
        await self.uow.outbox.add_many(items)
        return len(items)


def _data(event: Candidate, record: Any) -> dict[str, Any] | None:
    """The event's data, or None when the record is gone or not in the state the event needs (a stage change
    that ends where it began is none: a correction redoing what it undid)."""
    if event.type == UNDONE:
        return undone_data(event, record)
    if record is None:
        return None
    data = {**public_data(event.entity, record), **event.extra}
    if not in_required_state(event.type, data):
        return None
    if "previous_stage" in data and data["previous_stage"] == data.get("stage"):
        return None
    return data


def _deliveries(event: Candidate, data: dict[str, Any], targets: list[Subscription]) -> list[OutboxItem]:
    event_id = new_event_id()
    body = event_body(event_id, event.type, event.at, data)
    return [delivery(target, event.type, event_id, body, event.at) for target in targets]
