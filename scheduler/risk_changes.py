"""Between full scans: re-check only what changed (the audit trail), so an hourly scan costs what changed.

Every rule counts whole local days, so nothing crosses a threshold in the middle of a day: the first scan
of a local day runs every candidate scan (scheduler.risks.record_risks); later scans that day re-check only
the subjects the audit trail shows written since the last scan (deals, quotes, payment plans, invoices,
leads). Follow-ups, payments and contracts are left out: they can only fix a warning, never raise one.
A write committed after the scan read the audit's newest id with a lower id is seen by the next full scan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.risk_ports import RiskUnitOfWork
from domain.risk_rules import evaluate_all
from domain.risks import RiskDay, RiskSettings, Warning
from scheduler.overdue_events import record_warnings
from scheduler.people import cached_reps

WATERMARK = "risks:scanned"  # settings key: {"day": local day of the last full scan, "audit": newest id seen}
WATCHED = {"opportunity": "deal", "quote": "deal", "milestone": "milestone", "invoice": "invoice", "task": "task",
           "lead": "lead"}


def needs_full_scan(mark: Any, day: RiskDay, settings: RiskSettings) -> bool:
    """Yes unless incremental scans are on and a full scan already ran on this local day."""
    if not settings.incremental or not isinstance(mark, dict) or not isinstance(mark.get("audit"), int):
        return True
    return bool(mark.get("day") != day.today.isoformat())


def with_team(warning: Warning, team_of: Mapping[int | None, int | None]) -> Warning:
    """The team a warning rolls up to: the subject's team, else its owner's."""
    return warning if warning.team_id is not None else replace(warning, team_id=team_of.get(warning.rep_id))


async def record_changes(uow_factory: Callable[[], RiskUnitOfWork], now: datetime, settings: RiskSettings,
                         after: int, upto: int, batch: int = 500) -> int:
    """Re-check the subjects written after audit entry `after` (up to `upto`); how many warnings were new."""
    day = RiskDay.of(now, settings.timezone)
    created = 0
    async with uow_factory() as uow:
        team_of = {rep.id: rep.team_id for rep in await cached_reps(uow)}
        for entity, kind in WATCHED.items():
            mark = after
            while True:
                found = await uow.audit.changes_after(entity, mark, batch)
                entries = [(entry, subject) for entry, subject in found if entry <= upto]
                ids = {subject for _, subject in entries}
                if entity == "quote":
                    ids = set(await uow.risks.deals_of_quotes(ids))
                facts = await uow.risks.facts([(kind, subject) for subject in sorted(ids)])
                warnings = [with_team(w, team_of) for w in evaluate_all(facts, day, settings)]
                if warnings:
                    created += await record_warnings(uow, warnings, now)
                    await uow.commit()
                if len(found) < batch or len(entries) < len(found):
                    break
                mark = found[-1][0]
    return created
