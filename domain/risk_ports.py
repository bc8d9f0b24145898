"""What the risk scan needs from storage (storage.repositories.risks implements both protocols)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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


class RiskScanner(Protocol):
    def candidates(self, day: RiskDay, settings: RiskSettings, batch: int = 500) -> AsyncIterator[Sequence[Facts]]:
        """Subjects that may break a rule today, in bounded batches (never every deal at once)."""
        ...

    async def facts(self, subjects: Iterable[tuple[str, int]]) -> Sequence[Facts]:
        """The facts of these (subject_kind, subject_id) subjects now; missing ones are left out."""
        ...

    async def deals_of_quotes(self, quote_ids: Iterable[int]) -> Sequence[int]:
        """The deals these quotes belong to."""
        ...


class RiskLedger(Protocol):
    async def record(self, warnings: Sequence[Warning], now: datetime) -> list[int]:
        """Store the warnings not stored before (same rule, subject and state); the new rows' ids."""
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
