"""Fake daily-report repository: one report per (rep, day), like the unique index."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import date

from domain.daily_report import DailyReport
from tests.fakes.store import _Table


class FakeDailyReportRepository(_Table[DailyReport]):
    def _stored(self, rep_id: int, day: date) -> DailyReport | None:
        return next((r for r in self._rows.values() if (r.rep_id, r.day) == (rep_id, day)), None)

    async def get(self, rep_id: int, day: date) -> DailyReport | None:
        return copy.deepcopy(self._stored(rep_id, day))

    async def add(self, report: DailyReport) -> DailyReport | None:
        committed = self._uow.store.tables[self._table].values()
        if self._stored(report.rep_id, report.day) is not None or any(
                (r.rep_id, r.day) == (report.rep_id, report.day) for r in committed):
            return None
        return self._insert(report)

    async def save(self, report: DailyReport) -> None:
        stored = self._stored(report.rep_id, report.day)
        if stored is not None:
            report.id = stored.id
            self._put(report)

    async def for_reps(self, rep_ids: Iterable[int], day: date) -> Sequence[DailyReport]:
        wanted = set(rep_ids)
        return self._select(lambda r: r.rep_id in wanted and r.day == day, key=lambda r: (r.rep_id, r.id))
