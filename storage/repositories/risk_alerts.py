"""The risk ledger (domain.risk_ports.RiskLedger): table risk_alerts, unique on (rule, subject, state).

`record` inserts with ON CONFLICT DO NOTHING and returns only the rows it created, so two processes
scanning at once each store (and later send) a disjoint part, and a warning already stored is never
stored again. `mark_sent` only marks rows still unsent: a process that lost a race sees fewer rows than
it counted and rolls its messages back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.risk_ports import RiskAlert, UnsentGroup
from domain.risks import Warning
from storage.models import RiskAlertRow
from storage.repositories.base import before_write, dialect_insert, statement, table_of
from storage.repositories.risks import SqlAlchemyRiskScanner

ALERTS = table_of(RiskAlertRow)
KEY = ["rule", "subject_kind", "subject_id", "state"]
PAGE = 512  # rows per INSERT statement (insertmanyvalues pages)


def _equal(column: ColumnElement[Any], value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _unsent(team_id: int | None, rep_id: int | None) -> list[ColumnElement[bool]]:
    """One recipient's unsent warnings of one team (walked on ix_risk_alerts_rep_id_created_at)."""
    return [_equal(ALERTS.c.rep_id, rep_id), ALERTS.c.sent_at.is_(None), _equal(ALERTS.c.team_id, team_id)]


def _alert(row: Any) -> RiskAlert:
    return RiskAlert(row.id, row.rule, row.subject_kind, row.subject_id, row.state, row.rep_id, row.team_id,
                     row.created_at, row.sent_at)


def _padded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, the last one repeated up to a power of two (then a multiple of PAGE): the multi-row INSERT
    then has one of a few shapes, so few statements are prepared and cached. A repeated row is a conflict
    with itself, which ON CONFLICT DO NOTHING skips (one id returned)."""
    size = 8
    while size < min(len(rows), PAGE):
        size *= 2
    if len(rows) > PAGE:
        size = -(-len(rows) // PAGE) * PAGE
    return rows + [rows[-1]] * (size - len(rows))


class SqlAlchemyRiskLedger:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, warnings: Sequence[Warning], now: datetime) -> list[int]:
        rows = {w.key: {"rule": w.rule.value, "subject_kind": w.subject_kind, "subject_id": w.subject_id,
                        "state": w.state[:255], "rep_id": w.rep_id, "team_id": w.team_id, "created_at": now}
                for w in warnings}
        if not rows:
            return []
        await before_write(self.session)
        dialect = self.session.get_bind().dialect.name
        stmt = statement(__name__, f"record:{dialect}", lambda: dialect_insert(self.session, ALERTS)
                         .on_conflict_do_nothing(index_elements=KEY).returning(ALERTS.c.id)
                         .execution_options(insertmanyvalues_page_size=PAGE))
        return list((await self.session.execute(stmt, _padded(list(rows.values())))).scalars())

    async def unsent(self) -> Sequence[UnsentGroup]:
        stmt = (select(ALERTS.c.team_id, ALERTS.c.rep_id, ALERTS.c.rule, func.count(), func.max(ALERTS.c.id))
                .where(ALERTS.c.sent_at.is_(None)).group_by(ALERTS.c.team_id, ALERTS.c.rep_id, ALERTS.c.rule))
        return [UnsentGroup(team_id, rep_id, rule, count, max_id)
                for team_id, rep_id, rule, count, max_id in await self.session.execute(stmt)]

    async def first_unsent(self, team_id: int | None, rep_id: int | None, rule: str, max_id: int,
                           limit: int) -> Sequence[RiskAlert]:
        stmt = (select(ALERTS).where(*_unsent(team_id, rep_id), ALERTS.c.rule == rule, ALERTS.c.id <= max_id)
                .order_by(ALERTS.c.id).limit(limit))
        return [_alert(row) for row in await self.session.execute(stmt)]

    async def mark_sent(self, team_id: int | None, rep_id: int | None, max_id: int, now: datetime) -> int:
        await before_write(self.session)
        stmt = update(ALERTS).where(*_unsent(team_id, rep_id), ALERTS.c.id <= max_id).values(sent_at=now)
        result: Any = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return int(result.rowcount)

    async def recent(self, rep_ids: Iterable[int] | None, team_ids: Iterable[int] = (),
                     limit: int = 200) -> Sequence[RiskAlert]:
        stmt = select(ALERTS).order_by(ALERTS.c.created_at.desc(), ALERTS.c.id.desc()).limit(limit)
        if rep_ids is not None:
            reps, teams = sorted(set(rep_ids)), sorted(set(team_ids))
            if not reps and not teams:
                return []
            stmt = stmt.where(or_(ALERTS.c.rep_id.in_(reps), ALERTS.c.team_id.in_(teams)))
        return [_alert(row) for row in await self.session.execute(stmt)]


class SqlAlchemyRiskRepository(SqlAlchemyRiskScanner, SqlAlchemyRiskLedger):
    """domain.risk_ports.RiskRepository: the candidate scans and the ledger on one session."""
