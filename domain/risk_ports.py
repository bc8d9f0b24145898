"""What the risk scan needs from storage (storage.repositories.risks implements both protocols)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.ports import UnitOfWork
from domain.risks import Facts, RiskDay, RiskSettings, Warning


@dataclass(frozen=True, slots=True)
class RiskAlert:
    """A ledger row: one warning stored (and sent) once per (rule, subject, state)."""

    id: int
    rule: str
    subject_kind: str
    subject_id: int
    state: str
    rep_id: int | None
    team_id: int | None
    created_at: datetime
    sent_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, int, str]:
        return self.rule, self.subject_kind, self.subject_id, self.state


@dataclass(frozen=True, slots=True)
class UnsentGroup:
    """Unsent warnings of one team (None: no team) and recipient (None: nobody owns the subject), per rule."""

    team_id: int | None
    rep_id: int | None
    rule: str
    count: int
    max_id: int


@dataclass(frozen=True, slots=True)
class ScanCursor:
    """Where a full scan stands: which candidate scan, and the last key read in it (None: at its start).
    A scan is walked one page at a time, each in its own unit of work, so no transaction (and on SQLite
    no connection) is held for the whole scan."""

    scan: int = 0
    last: tuple[Any, ...] | None = None


class RiskScanner(Protocol):
    async def candidates(self, day: RiskDay, settings: RiskSettings, cursor: ScanCursor,
                         batch: int = 2000) -> tuple[Sequence[Facts], ScanCursor | None]:
        """One page (at most `batch` subjects) of the subjects that may break a rule today, from `cursor`
        on, and where the next page starts (None: the scan is complete)."""
        ...

    async def facts(self, subjects: Iterable[tuple[str, int]]) -> Sequence[Facts]:
        """The facts of these (subject_kind, subject_id) subjects now; missing ones are left out."""
        ...

    async def deals_of_quotes(self, quote_ids: Iterable[int]) -> Sequence[int]:
        """The deals these quotes belong to."""
        ...


class RiskLedger(Protocol):
    async def record(self, warnings: Sequence[Warning], now: datetime) -> int:
        """Store the warnings not stored before (same rule, subject and state); how many were new."""
        ...

    async def recorded(self, rule: str, kind: str, subject_ids: Iterable[int], at: datetime) -> Sequence[RiskAlert]:
        """Which warnings of `rule` about these subjects `record(…, at)` stored (webhook events, issue #16)."""
        ...

    async def unsent(self) -> Sequence[UnsentGroup]:
        """Warnings not sent yet, counted per team, recipient and rule (one aggregate, however many)."""
        ...

    async def first_unsent(self, team_id: int | None, rep_id: int | None, rule: str, max_id: int,
                           limit: int) -> Sequence[RiskAlert]:
        """The oldest unsent warnings of one team, recipient and rule (up to `max_id`)."""
        ...

    async def mark_sent(self, team_id: int | None, rep_id: int | None, max_id: int, now: datetime) -> int:
        """Mark one team's and recipient's unsent warnings up to `max_id` sent; how many (fewer or more than
        counted: another process got there in between)."""
        ...

    async def recent(self, rep_ids: Iterable[int] | None, team_ids: Iterable[int] = (),
                     limit: int = 200) -> Sequence[RiskAlert]:
        """The newest warnings for these recipients or teams (rep_ids None: everyone's), newest first."""
        ...


class RiskRepository(RiskScanner, RiskLedger, Protocol):
    pass


class RiskUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the risk repository (storage.uow.SqlAlchemyUnitOfWork has it)."""

    risks: RiskRepository
