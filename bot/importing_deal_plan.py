"""What importing one deal row changes: a new deal, or the fields, history and follow-ups of the stored deal
with the same ref (pure: no database).

Moments are compared to the second: a sheet exported from dealbot drops sub-seconds. Follow-ups are matched
by moment, any kind first, so that follow-ups already stored (logged in chat, say) are not imported twice; an
imported follow-up whose date left the sheet is removed, anything else is never removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from bot.importing_deal_rows import DealRow
from domain.activity import FollowUp, FollowUpKind
from domain.money import Money
from domain.opportunity import Opportunity, StageChange
from domain.people import Rep

# Deal fields a row sets, in the order a report lists what changed.
FIELDS = ("name", "customer_id", "owner_id", "team_id", "stage", "amount", "source", "created_at", "closed_at",
          "lost_reason", "lost_note")


@dataclass(slots=True)
class DealChanges:
    """What the row changes on its deal: field -> [before, after], and the follow-ups to add or remove."""

    fields: dict[str, list[Any]] = field(default_factory=dict)
    add: list[datetime] = field(default_factory=list)
    remove: list[FollowUp] = field(default_factory=list)

    @property
    def names(self) -> tuple[str, ...]:
        more = ("activities",) if self.add or self.remove else ()
        return (*self.fields, *more)


def second(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(microsecond=0)


def new_deal(row: DealRow) -> Opportunity:
    """The deal a row creates, before `apply_row` fills it in."""
    return Opportunity(customer_id=0, name=row.name or f"{row.customer.name} 项目", ref=row.ref)


def apply_row(deal: Opportunity, row: DealRow, owner: Rep, customer_id: int,
              stored: Sequence[FollowUp]) -> DealChanges:
    """Bring `deal` in line with `row`; what changed (nothing for a row that says what is stored)."""
    wanted = {"name": row.name or deal.name, "customer_id": customer_id, "owner_id": owner.id,
              "team_id": owner.team_id, "stage": row.stage, "amount": row.amount, "source": row.source,
              "created_at": row.created, "closed_at": row.closed, "lost_reason": row.lost_reason,
              "lost_note": row.lost_note}
    changes = DealChanges()
    for name in FIELDS:
        before, after = getattr(deal, name), wanted[name]
        if _differs(before, after):
            changes.fields[name] = [_plain(before), _plain(after)]
            setattr(deal, name, after)
    if not same_history(deal.history, row.history):
        changes.fields["history"] = [len(deal.history), len(row.history)]
        deal.history = list(row.history)
    changes.add, changes.remove = activity_changes(row.activities, stored)
    removed = {id(f) for f in changes.remove}
    contacts = [f.at for f in stored if id(f) not in removed] + changes.add
    if contacts and _differs(deal.last_contact_at, max(contacts)):
        deal.last_contact_at = max(contacts)
    if changes.fields or changes.add or changes.remove:
        deal.updated_at = max([row.created, *(c.at for c in row.history), *row.activities])
    return changes


def same_history(stored: Sequence[StageChange], wanted: Sequence[StageChange]) -> bool:
    """The same moves at the same moments (who moved the deal is not in a sheet)."""
    def key(change: StageChange) -> tuple[str, str, datetime]:
        return change.source, change.target, second(change.at)

    return [key(c) for c in stored] == [key(c) for c in wanted]


def activity_changes(wanted: Sequence[datetime], stored: Sequence[FollowUp]) -> tuple[list[datetime], list[FollowUp]]:
    """The moments to add as follow-ups, and the imported follow-ups no longer listed (to remove)."""
    free: dict[datetime, list[FollowUp]] = {}
    for followup in sorted(stored, key=lambda f: f.kind == FollowUpKind.IMPORTED):  # others match first
        free.setdefault(second(followup.at), []).append(followup)
    add = []
    for at in wanted:
        matches = free.get(second(at))
        if matches:
            matches.pop(0)
        else:
            add.append(at)
    remove = [f for left in free.values() for f in left if f.kind == FollowUpKind.IMPORTED]
    return add, remove


def _differs(before: Any, after: Any) -> bool:
    if isinstance(before, datetime) and isinstance(after, datetime):
        return second(before) != second(after)
    if isinstance(before, Money) and isinstance(after, Money):
        return (before.amount, before.currency) != (after.amount, after.currency)
    return bool(before != after)


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Money):
        return [str(value.amount), value.currency]
    if isinstance(value, Enum):
        return value.value
    return value
