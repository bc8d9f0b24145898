"""Fakes of domain.analytics: targets in memory; the analytics reader refuses (it is SQL aggregates only)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from domain.analytics import Target

if TYPE_CHECKING:
    from tests.fakes.uow import FakeUnitOfWork


class FakeAnalyticsReader:
    """Every method raises: the numbers are SQL aggregates, tested on both engines
    (tests/storage/test_storage_analytics.py); drive analytics handlers through a real database."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _refuse


async def _refuse(*args: object, **kwargs: object) -> NoReturn:
    raise NotImplementedError("FakeAnalyticsReader has no numbers: analytics are SQL aggregates; "
                              "test them with a real unit of work (SQLite or PostgreSQL)")


class FakeTargetRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[Any, Any]:
        rows: dict[Any, Any] = self._uow.data.setdefault("targets", {})
        return rows

    async def set(self, target: Target, by: int | None, at: datetime) -> None:
        key = (target.scope_kind, target.scope_id, target.period)
        self._rows[key] = copy.copy(target)
        self._uow.dirty.add(("targets", key))

    async def get(self, scope_kind: str, scope_id: int, period: str) -> Target | None:
        found: Target | None = self._rows.get((scope_kind, scope_id, period))
        return found

    async def for_period(self, period: str) -> Sequence[Target]:
        return [t for key, t in sorted(self._rows.items()) if key[2] == period]

    async def for_scopes(self, scope_kind: str, scope_ids: Iterable[int], period: str) -> Sequence[Target]:
        wanted = set(scope_ids)
        return [t for t in await self.for_period(period) if t.scope_kind == scope_kind and t.scope_id in wanted]
