"""The risk scan: find today's risks, store each warning once (risk_alerts), push the new ones.

1. Record: the candidate scans (storage, bounded batches) -> domain.risk_rules -> the ledger; one commit per
   batch. A warning already stored (same rule, subject, state) is not stored again, so it is never repeated.
2. Deliver: one aggregate counts the unsent warnings per team, recipient and rule; then per team, in ONE
   transaction: each rep's message (at most `per_message` warnings, the rest counted), the managers'
   roll-up, and marking those warnings sent. Only rows still unsent are marked; if the count differs from
   what was counted (another process got there first) the transaction is rolled back.
   Dedupe keys carry the team and the newest warning id, so two processes never queue the same message.
Messages are not urgent: push holds them through the recipient's quiet hours.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.context import Directory
from domain.people import CHANNEL_ORDER, Role
from domain.permissions import managed_team_ids
from domain.quiet import DEFAULT_QUIET
from domain.risk_ports import RiskAlert, RiskRepository, RiskUnitOfWork, ScanCursor, UnsentGroup
from domain.risk_rules import evaluate
from domain.risks import RULE_ORDER, RiskDay, RiskRule, RiskSettings, Warning, importance
from scheduler.overdue_events import record_warnings
from scheduler.people import cached_directory, cached_reps
from scheduler.push import push
from scheduler.risk_changes import WATERMARK, needs_full_scan, record_changes, with_team
from scheduler.risk_messages import rep_push, team_push, top_items
from storage.errors import retrying

log = logging.getLogger(__name__)
TEAM_ATTEMPTS = 3  # a team's delivery is tried again after a deadlock with another scanning process
FLUSH = 5000  # new warnings written (and committed) at a time during a full scan


async def scan_risks(uow_factory: Callable[[], RiskUnitOfWork], now: datetime, settings: RiskSettings, *,
                     default_quiet: str = DEFAULT_QUIET, order: Sequence[str] = CHANNEL_ORDER,
                     batch: int = 2000) -> int:
    """Run the risk rules as of `now`; store and push the new warnings. Returns how many were new.
    The first scan of a local day checks every candidate; later ones only what changed since
    (scheduler.risk_changes), unless `settings.incremental` is off."""
    if not settings.enabled:
        return 0
    day = RiskDay.of(now, settings.timezone)
    async with uow_factory() as uow:
        mark, newest = await uow.settings.get(WATERMARK), await uow.audit.max_id()
    if needs_full_scan(mark, day, settings) or mark is None:
        created = await record_risks(uow_factory, now, settings, batch)
    else:
        created = await record_changes(uow_factory, now, settings, int(mark["audit"]), newest, batch)
    async with uow_factory() as uow:
        await uow.settings.put(WATERMARK, {"day": day.today.isoformat(), "audit": newest})
        await uow.commit()
    await deliver_risks(uow_factory, now, settings, default_quiet=default_quiet, order=order)
    return created


async def record_risks(uow_factory: Callable[[], RiskUnitOfWork], now: datetime, settings: RiskSettings,
                       batch: int = 2000) -> int:
    """One full scan: each candidate page read in a unit of work of its own and judged after it closed (on
    SQLite the connection goes back to chat in between); new warnings written FLUSH at a time, one commit
    each. How many were new."""
    day = RiskDay.of(now, settings.timezone)
    created, team_of = 0, None
    pending: dict[tuple[str, str, int, str], Warning] = {}
    cursor: ScanCursor | None = ScanCursor()
    while cursor is not None:
        async with uow_factory() as uow:
            if team_of is None:
                team_of = {rep.id: rep.team_id for rep in await cached_reps(uow)}
            facts, cursor = await uow.risks.candidates(day, settings, cursor, batch)
        for warning in (w for f in facts for w in evaluate(f, day, settings)):
            pending.setdefault(warning.key, with_team(warning, team_of))
        if pending and (len(pending) >= FLUSH or cursor is None):
            async with uow_factory() as uow:
                created += await record_warnings(uow, list(pending.values()), now)
                await uow.commit()
            pending.clear()
    return created


async def deliver_risks(uow_factory: Callable[[], RiskUnitOfWork], now: datetime, settings: RiskSettings, *,
                        default_quiet: str = DEFAULT_QUIET, order: Sequence[str] = CHANNEL_ORDER) -> int:
    """Push every unsent warning, team by team; how many warnings were marked sent."""
    async with uow_factory() as uow:
        groups = await uow.risks.unsent()
        if not groups:
            return 0
        people = await cached_directory(uow)
    by_team: dict[int | None, list[UnsentGroup]] = {}
    for group in groups:
        by_team.setdefault(group.team_id, []).append(group)
    sent = 0
    for team_id, team_groups in sorted(by_team.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        async def deliver(team_id: int | None = team_id, team_groups: list[UnsentGroup] = team_groups) -> int:
            async with uow_factory() as uow:
                return await _deliver_team(uow, team_id, team_groups, people, now, settings, default_quiet, order)

        # a deadlock with another process scanning: that team's transaction again
        sent += await retrying(deliver, attempts=TEAM_ATTEMPTS, what=f"risk delivery for team {team_id}")
    return sent


async def _deliver_team(uow: RiskUnitOfWork, team_id: int | None, groups: Sequence[UnsentGroup], people: Directory,
                        now: datetime, settings: RiskSettings, quiet: str, order: Sequence[str]) -> int:
    """One transaction: the team's reps' messages, the managers' roll-up, the warnings marked sent."""
    period = f"t{team_id or 0}-{max(g.max_id for g in groups)}"
    day = RiskDay.of(now, settings.timezone)
    shown_all: list[Warning] = []
    marked = 0
    for rep_id, mine in _by_rep(groups).items():
        shown = await _shown(uow.risks, team_id, rep_id, mine, day, settings)
        shown_all += shown
        rep = people.rep(rep_id)
        if rep is not None and rep.active:
            await push(uow, rep, rep_push(rep, shown, sum(g.count for g in mine), period), now,
                       default_quiet=quiet, order=order)
        marked += await uow.risks.mark_sent(team_id, rep_id, max(g.max_id for g in mine), now)
    await _roll_up(uow, team_id, groups, shown_all, people, settings, now, period, quiet, order)
    total = sum(g.count for g in groups)
    if marked != total:  # another process delivered (some of) them meanwhile: its messages stand, not ours
        log.info("risk delivery for team %s: %s marked of %s counted; left to the other process", team_id,
                 marked, total)
        await uow.rollback()
        return 0
    await uow.commit()
    return marked


def _by_rep(groups: Sequence[UnsentGroup]) -> dict[int | None, list[UnsentGroup]]:
    """Per recipient in a fixed order (so two processes lock rows in the same order, never a deadlock), each
    recipient's rules most important first."""
    found: dict[int | None, list[UnsentGroup]] = {}
    for group in sorted(groups, key=lambda g: (g.rep_id is None, g.rep_id or 0, RULE_ORDER[RiskRule(g.rule)])):
        found.setdefault(group.rep_id, []).append(group)
    return found


async def _shown(risks: RiskRepository, team_id: int | None, rep_id: int | None, groups: Sequence[UnsentGroup],
                 day: RiskDay, settings: RiskSettings) -> list[Warning]:
    """The most important of a recipient's unsent warnings, re-read now (one fixed since is left out)."""
    alerts: list[RiskAlert] = []
    for group in groups:  # most important rule first
        if len(alerts) >= 2 * settings.per_message:
            break
        alerts += await risks.first_unsent(team_id, rep_id, group.rule, group.max_id, 2 * settings.per_message)
    wanted = {a.key for a in alerts}
    facts = await risks.facts({(a.subject_kind, a.subject_id) for a in alerts})
    current = [w for f in facts for w in evaluate(f, day, settings) if w.key in wanted]
    return sorted(current, key=importance)[:settings.per_message]


async def _roll_up(uow: RiskUnitOfWork, team_id: int | None, groups: Sequence[UnsentGroup], shown: list[Warning],
                   people: Directory, settings: RiskSettings, now: datetime, period: str, quiet: str,
                   order: Sequence[str]) -> None:
    """Each manager of the team gets the team's new warnings: counts per rule and the top items."""
    team = next((t for t in people.teams if t.id == team_id), None)
    if team is None:
        return
    counts: Counter[RiskRule] = Counter()
    for group in groups:
        counts[RiskRule(group.rule)] += group.count
    top = top_items(shown, settings.top_items)
    owners = {rep.id: rep.name for rep in people.reps if rep.id is not None}
    for manager in people.reps:
        if manager.active and manager.role is Role.MANAGER and team_id in managed_team_ids(manager, people.teams):
            await push(uow, manager, team_push(manager, team.name, counts, top, owners, period), now,
                       default_quiet=quiet, order=order)
