"""Daily reports (domain.daily_report): one row per rep and local day (unique rep_id, day)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.daily_report import DailyReport
from storage.mapping import RowMapper
from storage.models import DailyReportRow
from storage.repositories.base import before_write, dialect_insert, statement, table_of

REPORTS = table_of(DailyReportRow)
MAPPER = RowMapper(DailyReport)
_WRITABLE = ("status", "lines", "plan", "note", "submitted_at", "team_id")


class SqlAlchemyDailyReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, rep_id: int, day: date) -> DailyReport | None:
        stmt = statement(__name__, "get", lambda: select(REPORTS).where(
            REPORTS.c.rep_id == bindparam("rep"), REPORTS.c.day == bindparam("day")))
        row = (await self.session.execute(stmt, {"rep": rep_id, "day": day})).first()
        return None if row is None else MAPPER.load(row)

    async def add(self, report: DailyReport) -> DailyReport | None:
        """INSERT … ON CONFLICT (rep_id, day) DO NOTHING: two processes drafting the same report store one."""
        await before_write(self.session)
        stmt = (dialect_insert(self.session, REPORTS)
                .on_conflict_do_nothing(index_elements=["rep_id", "day"]).returning(REPORTS.c.id))
        new_id = (await self.session.execute(stmt, MAPPER.columns(report, with_id=False))).scalar_one_or_none()
        if new_id is None:
            return None
        report.id = new_id
        return report

    async def save(self, report: DailyReport) -> None:
        await before_write(self.session)
        values = {k: v for k, v in MAPPER.columns(report, with_id=False).items() if k in _WRITABLE}
        stmt = update(REPORTS).where(REPORTS.c.rep_id == report.rep_id, REPORTS.c.day == report.day)
        await self.session.execute(stmt.values(**values), execution_options={"synchronize_session": False})

    async def for_reps(self, rep_ids: Iterable[int], day: date) -> Sequence[DailyReport]:
        wanted = sorted(set(rep_ids))
        stmt = statement(__name__, "for_reps", lambda: select(REPORTS).where(
            REPORTS.c.day == bindparam("day"), REPORTS.c.rep_id.in_(bindparam("reps", expanding=True)))
            .order_by(REPORTS.c.rep_id))
        found: list[DailyReport] = []
        for start in range(0, len(wanted), 500):
            result = await self.session.execute(stmt, {"day": day, "reps": wanted[start:start + 500]})
            found += [MAPPER.load(row) for row in result.all()]
        return found
