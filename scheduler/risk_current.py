"""The warnings that hold now: stored by the scan and still true when read again from their subjects.
Used by `风险` / `risks` (bot.handlers.risks) and by each rep's morning list (scheduler.morning)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from domain.listing import ViewScope
from domain.people import Rep
from domain.ports import UnitOfWork
from domain.risk_ports import RiskRepository
from domain.risk_rules import evaluate
from domain.risks import RiskDay, RiskSettings, Warning, importance
from scheduler.risk_messages import more_line, numbered

RECENT = 300  # ledger rows read (newest first); a subject's newest state is the one that counts
MORNING = 3  # warnings in a morning list


def _admits(scope: ViewScope, warning: Warning) -> bool:
    return (scope.everything or warning.rep_id in scope.owner_ids
            or (warning.team_id is not None and warning.team_id in scope.team_ids))


async def current_warnings(risks: RiskRepository, scope: ViewScope, day: RiskDay,
                           settings: RiskSettings) -> list[Warning]:
    """The stored warnings in `scope` that still hold on `day`, most important first (of the newest
    RECENT ledger rows: `newest_warnings` says whether there were more)."""
    return (await newest_warnings(risks, scope, day, settings))[0]


async def newest_warnings(risks: RiskRepository, scope: ViewScope, day: RiskDay,
                          settings: RiskSettings) -> tuple[list[Warning], bool]:
    """`current_warnings`, and whether the ledger held more rows in scope than the RECENT it read."""
    if scope.empty:
        return [], False
    owners = None if scope.everything else scope.owner_ids
    alerts = await risks.recent(owners, scope.team_ids, limit=RECENT)
    newest: dict[tuple[str, str, int], tuple[str, str, int, str]] = {}
    for alert in alerts:  # newest first: a subject's newest state per rule
        newest.setdefault(alert.key[:3], alert.key)
    facts = await risks.facts({(kind, subject) for _, kind, subject in newest})
    wanted = set(newest.values())
    found = [w for f in facts for w in evaluate(f, day, settings) if w.key in wanted and _admits(scope, w)]
    return sorted(found, key=importance), len(alerts) >= RECENT


def morning_risk_lines(settings: RiskSettings) -> Callable[[UnitOfWork, Rep, datetime], Awaitable[Sequence[str]]]:
    """The morning list's risk hook: the rep's own current warnings, the most important few."""

    async def lines(uow: UnitOfWork, rep: Rep, now: datetime) -> Sequence[str]:
        risks: RiskRepository | None = getattr(uow, "risks", None)
        if risks is None or rep.id is None or not settings.enabled:
            return []
        mine = ViewScope(owner_ids=frozenset({rep.id}))
        warnings = await current_warnings(risks, mine, RiskDay.of(now, settings.timezone), settings)
        hidden = len(warnings) - MORNING
        return [*numbered(warnings[:MORNING], rep.locale), *([more_line(hidden, rep.locale)] if hidden > 0 else [])]

    return lines
