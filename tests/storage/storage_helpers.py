"""Shared by the storage tests (imported by name: tests/storage is on sys.path under pytest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storage.uow import SqlAlchemyUnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
Factory = Callable[[], SqlAlchemyUnitOfWork]


@dataclass(frozen=True)
class Parents:
    """Ids of rows created by the `parents` fixture."""

    team_id: int
    rep_id: int
    customer_id: int
    opportunity_id: int
    project_id: int
