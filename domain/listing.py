"""Deal lists at any size: who sees what (as a filter a database can run), the order, the totals.

The scope is built by domain.permissions.view_scope from the same circles as `right_on` (one rule, two
shapes: a yes/no per deal, and a filter for a whole list). Lists come most urgent first (`urgency`) and
carry true counts and totals (`DealTotals`), computed over the whole scope, not over the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.opportunity import Opportunity


@dataclass(frozen=True, slots=True)
class ViewScope:
    """The deals a person may view: everything, or the union of deals owned by `owner_ids`, deals of
    `team_ids` and deals shared with `sharee_id`. An empty scope (inactive person) admits nothing."""

    everything: bool = False
    owner_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()
    sharee_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.everything and not self.owner_ids and not self.team_ids and self.sharee_id is None

    def admits(self, opp: Opportunity) -> bool:
        """The filter applied to one deal (in-memory stores; tests hold it equal to `can_view`)."""
        return (self.everything or opp.owner_id in self.owner_ids
                or (opp.team_id is not None and opp.team_id in self.team_ids)
                or (self.sharee_id is not None and self.sharee_id in opp.shared_with))


@dataclass(frozen=True, slots=True)
class DealTotals:
    """How many deals a list holds, and the sum of their amounts per currency (deals without an amount
    count, but add nothing)."""

    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def amount(self, currency: str) -> Decimal:
        return self.amounts.get(currency, Decimal(0))


def urgency(opp: Opportunity) -> tuple[int, datetime | None, int]:
    """Most urgent first: deals with a next step by its time (an overdue one is earlier than any future
    one, so it comes first), then deals without a next step, oldest first, then any without a creation
    time; ties by deal number. Databases order by the same key (storage.repositories.deal_lists)."""
    if opp.next_at is not None:
        return 1, opp.next_at, opp.id or 0
    if opp.created_at is not None:
        return 2, opp.created_at, opp.id or 0
    return 3, None, opp.id or 0


def urgency_sort_key(opp: Opportunity) -> tuple[int, float, int]:
    """`urgency` as a key `sorted` accepts (no None inside)."""
    band, at, ref = urgency(opp)
    return band, at.timestamp() if at is not None else 0.0, ref
