"""What the win model needs from storage (storage.repositories.win_data implements it), and a stored score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from domain.ports import UnitOfWork
from domain.win_snapshot import DealRecord


@dataclass(frozen=True, slots=True)
class StoredScore:
    """The latest score of an open deal (win_scores). `factors`: {"feature", "value", "weight", "zh", "en"}."""

    opportunity_id: int
    team_id: int | None
    p_win: float
    p_win_30d: float
    source: str
    scored_at: datetime
    factors: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    previous: float | None = None

    @property
    def moved(self) -> float:
        """How far P(won) moved since the score before (0 for a first score)."""
        return 0.0 if self.previous is None else self.p_win - self.previous


@dataclass(frozen=True, slots=True)
class Mover:
    """A deal whose P(won) moved since the score before, with its name and owner (the digest's lines)."""

    score: StoredScore
    name: str
    owner_id: int | None


class WinDataRepository(Protocol):
    async def closed_page(self, before: datetime, after_id: int, limit: int) -> list[DealRecord]:
        """Deals won or lost before `before`, by id after `after_id`, at most `limit`."""

    async def count_closed(self, before: datetime) -> int:
        """How many deals were won or lost before `before`."""

    async def closed_quantile(self, before: datetime, share: float) -> datetime | None:
        """When the first `share` (0..1) of the deals closed before `before` had closed (None: none had)."""

    async def open_page(self, at: datetime, after_id: int, limit: int) -> list[DealRecord]:
        """Deals that existed and were not yet closed at `at`, by id after `after_id`, at most `limit`."""

    async def records(self, deal_ids: Iterable[int]) -> list[DealRecord]:
        """The given deals with everything the model reads about them."""

    async def save_scores(self, scores: Sequence[StoredScore]) -> None:
        """Upsert: a deal's previous P(won) becomes `previous` when its score is replaced."""

    async def scores(self, deal_ids: Iterable[int]) -> dict[int, StoredScore]: ...

    async def movers(self, team_ids: Sequence[int] | None, since: datetime, limit: int) -> list[Mover]:
        """Scores written since `since` (of these teams; None: all) that moved most, largest move first."""

    async def drop_closed(self) -> int:
        """Forget the scores of deals that are no longer open; how many."""


class WinUnitOfWork(UnitOfWork, Protocol):
    wins: WinDataRepository
