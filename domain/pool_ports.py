"""What the lead pool (公海) needs from storage: the pool events log and the SQL behind the pool list and the
reclaim scan (storage.repositories.pool implements it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.pool import Holding
from domain.ports import Repository, UnitOfWork


class EventKind(StrEnum):
    CLAIM = "claim"  # a rep took it from the pool
    RELEASE = "release"  # its owner put it back (放弃)
    RECLAIM = "reclaim"  # the scan took it back (a rule's deadline passed)
    WARN = "warn"  # its owner was warned of the deadline `due_at`
    PROTECT = "protect"
    UNPROTECT = "unprotect"
    RETURN = "return"  # a manager gave a reclaimed customer back to the owner it was taken from (退回)


@dataclass(slots=True)
class PoolEvent:
    """One line of the pool log: a customer (or a lead) and the rep it concerns (the claimer, or the owner it
    left); `by`: who did it (None: the scan); `team_id`: the pool team then; `reason`: a Reason value."""

    kind: EventKind
    at: datetime
    rep_id: int | None = None
    customer_id: int | None = None
    lead_id: int | None = None
    by: int | None = None
    team_id: int | None = None
    reason: str = ""
    due_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class PoolEntry:
    """A line of the pool list: a customer (`ref` C12) or a lead (L5) nobody holds."""

    ref: str
    name: str
    region: str
    industry: str
    team_id: int | None
    last_activity: datetime | None
    protected: bool = False  # marked protected (a protected tag is the caller's to judge, from `tags`)
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None  # a lead's creation (shown as 创建 when it has no follow-up)


@dataclass(frozen=True, slots=True)
class PoolFilter:
    """Which pools (team ids; None: every pool) and what to keep. `idle_since`: no follow-up since then."""

    team_ids: frozenset[int] | None
    region: str = ""
    industry: str = ""
    idle_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class HeldPage:
    """One keyset page of held customers (or leads: `leads`, a Holding's customer_id is then the lead's id) with
    their facts; `last_id`: where the next page starts (0: done)."""

    holdings: Sequence[Holding]
    tags: dict[int, list[str]]
    last_id: int
    leads: bool = False


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """A customer (`ref` C12) or lead (L5) of a warn or reclaim event, for the owner's grouped message."""

    ref: str
    name: str
    reason: str
    due_at: datetime | None
    at: datetime


class PoolRepository(Repository[PoolEvent], Protocol):
    async def claims_since(self, rep_id: int, since: datetime) -> int:
        """How many customers and leads `rep_id` claimed at or after `since`."""
        ...
    async def owner_now(self, customer_id: int | None = None, lead_id: int | None = None) -> int | None:
        """The owner as committed now, the row held until the commit (claims race for it)."""
        ...
    async def left_me_at(self, rep_id: int, customer_id: int | None = None, lead_id: int | None = None
                         ) -> datetime | None:
        """When this customer (or lead) last went back to the pool from `rep_id` (reclaimed or released)."""
        ...
    async def open_deals(self, customer_id: int, owner_id: int, limit: int = 5) -> tuple[int, list[int]]:
        """How many open deals on the customer `owner_id` owns, and the first `limit` ids."""
        ...
    async def released_by(self, lead_id: int) -> int | None:
        """The rep this lead last went back to the pool from (released or reclaimed; None: never)."""
        ...
    async def other_leads(self, customer_id: int, owner_id: int, except_lead: int) -> int:
        """How many assigned leads of the customer other than `except_lead` `owner_id` holds."""
        ...
    async def listing(self, where: PoolFilter, offset: int, limit: int) -> tuple[int, Sequence[PoolEntry]]:
        """(how many in all, one page): unowned customers then unowned new leads of those pools."""
        ...
    async def held_page(self, after_id: int, limit: int) -> HeldPage:
        """Customers with an owner and an id above `after_id`, by id, with their rule facts (SQL aggregates)."""
        ...
    async def held_leads_page(self, after_id: int, limit: int) -> HeldPage:
        """Assigned leads with an owner and an id above `after_id`, by id, with their last follow-up or claim."""
        ...
    async def last_event(self, customer_id: int) -> PoolEvent | None:
        """The customer's latest pool log line (None: it has none)."""
        ...
    async def last_warnings(self, ids: Iterable[int], leads: bool = False) -> dict[int, PoolEvent]:
        """The latest warning of each of these customers (or leads) (left out: never warned)."""
        ...
    async def add_many(self, events: Sequence[PoolEvent]) -> list[int]:
        """Insert these events in one statement; their ids, in order."""
        ...
    async def noticed_reps(self, kind: EventKind, since: datetime, until: datetime) -> list[int]:
        """The reps with `kind` events (warn, reclaim) in (since, until]."""
        ...
    async def notice_lines(self, rep_id: int, kind: EventKind, since: datetime, until: datetime,
                           limit: int) -> tuple[int, Sequence[NoticeLine]]:
        """(count, first `limit` lines) of `rep_id`'s `kind` events in (since, until], customers then leads."""
        ...
    async def reclaimed(self, team_ids: Iterable[int] | None, since: datetime, until: datetime,
                        limit: int, leads: bool = False) -> tuple[int, Sequence[tuple[int, str, int | None]]]:
        """(count, first `limit` (customer id, name, the rep it left)) reclaimed in (since, until] from those
        teams' reps (None: anyone's); `leads`: the leads instead (lead id, its customer's name, rep)."""
        ...


class PoolUnitOfWork(UnitOfWork, Protocol):
    pool: PoolRepository
