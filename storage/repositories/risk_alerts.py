"""The risk ledger (domain.risk_ports.RiskLedger): table risk_alerts, unique on (rule, subject, state).

`record` inserts with ON CONFLICT DO NOTHING and counts only the rows it created, so two processes
scanning at once each store (and later send) a disjoint part, and a warning already stored is never
stored again. `mark_sent` only marks rows still unsent: a process that lost a race sees fewer rows than
it counted and rolls its messages back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.risk_ports import RiskAlert, UnsentGroup
from domain.risks import Warning
from storage.models import RiskAlertRow
from storage.mysql import is_mysql
from storage.repositories.base import before_write, table_of
from storage.repositories.risks import SqlAlchemyRiskScanner

ALERTS = table_of(RiskAlertRow)
PAGE = 5000  # warnings per INSERT statement


def _equal(column: ColumnElement[Any], value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _unsent(team_id: int | None, rep_id: int | None) -> list[ColumnElement[bool]]:
    """One recipient's unsent warnings of one team (walked on ix_risk_alerts_rep_id_created_at)."""
    return [_equal(ALERTS.c.rep_id, rep_id), ALERTS.c.sent_at.is_(None), _equal(ALERTS.c.team_id, team_id)]


def _alert(row: Any) -> RiskAlert:
    return RiskAlert(row.id, row.rule, row.subject_kind, row.subject_id, row.state, row.rep_id, row.team_id,
                     row.created_at, row.sent_at)


_COLUMNS = "rule, subject_kind, subject_id, state, rep_id, team_id, created_at"
_CONFLICT = "ON CONFLICT (rule, subject_kind, subject_id, state) DO NOTHING"
# One statement per PAGE warnings, whatever their number: the rows travel as one JSON document (SQLite) or
# as one array per column (PostgreSQL; MySQL reads the JSON document with JSON_TABLE), so there is one
# statement shape to prepare and one rowcount to read.
_BULK = {
    "sqlite": text(f"INSERT INTO risk_alerts ({_COLUMNS}) SELECT value ->> 0, value ->> 1, value ->> 2, "
                   f"value ->> 3, value ->> 4, value ->> 5, :created_at FROM json_each(:rows) WHERE true {_CONFLICT}"),
    "postgresql": text(f"INSERT INTO risk_alerts ({_COLUMNS}) SELECT *, :created_at FROM unnest("
                       "CAST(:rule AS varchar[]), CAST(:kind AS varchar[]), CAST(:subject AS integer[]), "
                       f"CAST(:state AS varchar[]), CAST(:rep AS integer[]), CAST(:team AS integer[])) {_CONFLICT}"),
    # MySQL/MariaDB (10.6+): the same JSON document read by JSON_TABLE; IGNORE skips the ones recorded already
    "mysql": text(f"INSERT IGNORE INTO risk_alerts ({_COLUMNS}) SELECT r, k, s, st, rep, team, :created_at "
                  "FROM JSON_TABLE(:rows, '$[*]' COLUMNS (r VARCHAR(255) PATH '$[0]', k VARCHAR(255) PATH '$[1]', "
                  "s INT PATH '$[2]', st VARCHAR(255) PATH '$[3]', rep INT PATH '$[4]', team INT PATH '$[5]')) AS j"),
}


def _bulk_params(dialect: str, rows: Sequence[tuple[Any, ...]], now: datetime) -> dict[str, Any]:
    if dialect != "postgresql":
        return {"rows": json.dumps(rows, ensure_ascii=False), "created_at": now}
    rule, kind, subject, state, rep, team = (list(column) for column in zip(*rows, strict=True))
    return {"rule": rule, "kind": kind, "subject": subject, "state": state, "rep": rep, "team": team,
            "created_at": now}


class SqlAlchemyRiskLedger:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, warnings: Sequence[Warning], now: datetime) -> int:
        rows = list({w.key: (w.rule.value, w.subject_kind, w.subject_id, w.state[:255], w.rep_id, w.team_id)
                     for w in warnings}.values())
        if not rows:
            return 0
        await before_write(self.session)
        dialect = self.session.get_bind().dialect.name
        stmt = _BULK["mysql" if is_mysql(dialect) else dialect].bindparams(
            bindparam("created_at", type_=ALERTS.c.created_at.type))
        created = 0
        for start in range(0, len(rows), PAGE):
            result: Any = await self.session.execute(stmt, _bulk_params(dialect, rows[start:start + PAGE], now))
            created += int(result.rowcount)
        return created

    async def recorded(self, rule: str, kind: str, subject_ids: Iterable[int], at: datetime) -> Sequence[RiskAlert]:
        """Which warnings of `rule` about these subjects `record(…, at)` stored (created_at is exactly `at`);
        walked on the unique index (rule, subject_kind, subject_id, state)."""
        found: list[RiskAlert] = []
        wanted = sorted(set(subject_ids))
        for start in range(0, len(wanted), 500):
            stmt = select(ALERTS).where(ALERTS.c.rule == rule, ALERTS.c.subject_kind == kind,
                                        ALERTS.c.subject_id.in_(wanted[start:start + 500]), ALERTS.c.created_at == at)
            found += [_alert(row) for row in await self.session.execute(stmt.order_by(ALERTS.c.id))]
        return found

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
        """Newest first. Everyone's: one walk of ix_risk_alerts_created_at_id; a scope: the recipients' and
        the teams' newest apart (ix_risk_alerts_rep_id_created_at, ix_risk_alerts_team_id_created_at_id),
        merged here, so no query sorts the whole ledger."""
        newest = select(ALERTS).order_by(ALERTS.c.created_at.desc(), ALERTS.c.id.desc()).limit(limit)
        if rep_ids is None:
            return [_alert(row) for row in await self.session.execute(newest)]
        reps, teams = sorted(set(rep_ids)), sorted(set(team_ids))
        found: dict[int, RiskAlert] = {}
        for column, ids in ((ALERTS.c.rep_id, reps), (ALERTS.c.team_id, teams)):
            if ids:
                for row in await self.session.execute(newest.where(column.in_(ids))):
                    found.setdefault(row.id, _alert(row))
        return sorted(found.values(), key=lambda a: (a.created_at, a.id), reverse=True)[:limit]


class SqlAlchemyRiskRepository(SqlAlchemyRiskScanner, SqlAlchemyRiskLedger):
    """domain.risk_ports.RiskRepository: the candidate scans and the ledger on one session."""
