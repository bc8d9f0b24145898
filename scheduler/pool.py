"""The lead pool's reclaim scan (issue #14): once a local day after `[pool] scan_at`, every held customer is judged
by its owner's team rules (domain.pool.judge); its owner is warned `warn_days` before the deadline once per
customer and deadline, and at the deadline the customer goes back to the pool: owner cleared, a pool_events line
and an audit entry written, the manager's digest counting it. Held leads likewise, by the team's
`lead_no_followup_days` (a reclaimed lead is new again). Owners hear of it once per scan: one message listing
their warned customers and leads (scheduler.pool_notices), one listing those reclaimed. An owner is always warned
`warn_days` ahead: a customer found past its deadline without a warning for that deadline (the pool just switched
on, the job was down) is warned first, reclaimed later.

One process scans a day: the day is claimed first (settings `pool_scan:<day>`), as scheduler.win_scores does. Held
customers are read by keyset pages of `page` ids with their facts as SQL aggregates; each page is its own unit of
work (its warnings in one INSERT), so no more than one page is ever in memory and a scan killed half-way and run
again neither warns twice (the warn events say who was told) nor loses a reclaim. The messages are composed
afterwards from the events written since the last scan's messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from domain.audit import AuditEntry
from domain.customer import Customer
from domain.lead import Lead, LeadStatus
from domain.people import Rep, Team
from domain.pool import Deadline, Holding, PoolSettings, Verdict, judge
from domain.pool_ports import EventKind, HeldPage, PoolEvent, PoolUnitOfWork
from domain.quiet import DEFAULT_QUIET
from domain.snapshot import snapshot
from scheduler.daily import DailyRun, claim_day, finish_day, local_day_due
from scheduler.pool_notices import Owners, notify_owners

log = logging.getLogger(__name__)
CLAIM = "pool_scan:"
KEPT = 1000  # refs a ScanResult lists (the counts are complete)
PAGE = 500
SAME_DEADLINE = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class PoolScanSettings(DailyRun):
    """`[pool]` `enabled`, `scan_at` (local HH:MM, default 06:00), `timezone`, `interval` (scheduler.daily)."""

    @classmethod
    def from_sections(cls, pool: Mapping[str, Any], bot: Mapping[str, Any]) -> PoolScanSettings:
        return cls.read(pool, bot, "scan_at", "06:00")


@dataclass(slots=True)
class ScanResult:
    scanned: int = 0
    warned: list[str] = field(default_factory=list)  # refs: C12 (customers), L5 (leads); the first KEPT
    reclaimed: list[str] = field(default_factory=list)
    warned_count: int = 0  # all of them (a first scan of a big company warns hundreds of thousands)
    reclaimed_count: int = 0

    def note(self, warned: Sequence[str], reclaimed: Sequence[str]) -> None:
        self.warned += warned[:max(0, KEPT - len(self.warned))]
        self.reclaimed += reclaimed[:max(0, KEPT - len(self.reclaimed))]
        self.warned_count += len(warned)
        self.reclaimed_count += len(reclaimed)
    messages: int = 0  # owners' messages queued (one warning and one reclaim notice per owner at most)


async def scan_pool(uow_factory: Callable[[], PoolUnitOfWork], now: datetime, settings: PoolScanSettings,
                    rules: PoolSettings, default_quiet: str = DEFAULT_QUIET) -> ScanResult | None:
    """The day's scan, if due and not done by another process (None: not run)."""
    day = local_day_due(now, settings.at, settings.timezone) if settings.enabled else None
    if day is None:
        return None
    if not await claim_day(uow_factory, CLAIM, day, now):
        return None
    result = await reclaim_scan(uow_factory, now, rules, default_quiet=default_quiet, timezone=settings.timezone)
    await finish_day(uow_factory, CLAIM, day, now)
    return result


@dataclass(frozen=True, slots=True)
class _People:
    reps: Mapping[int, Rep]
    team_names: Mapping[int, str]

    def team_of(self, rep_id: int) -> int | None:
        rep = self.reps.get(rep_id)
        return rep.team_id if rep else None


async def reclaim_scan(uow_factory: Callable[[], PoolUnitOfWork], now: datetime, rules: PoolSettings,
                       page: int = PAGE, default_quiet: str = DEFAULT_QUIET,
                       timezone: str = "Asia/Shanghai") -> ScanResult:
    """Judge every held customer, then every held lead, at `now`: warn, reclaim or keep; then tell each owner
    in one message per kind. The job's work, and the benchmark's."""
    async with uow_factory() as uow:
        reps, teams = await uow.reps.list(), await uow.teams.list()
    people = _People({r.id: r for r in reps if r.id is not None}, _names(teams))
    result = ScanResult()
    for leads in (False, True):
        after = 0
        while True:
            async with uow_factory() as uow:
                held = await (uow.pool.held_leads_page if leads else uow.pool.held_page)(after, page)
                if held.last_id == 0:
                    break
                result.scanned += len(held.holdings)
                await _judge_page(uow, held, people, rules, now, result)
                await uow.commit()
            after = held.last_id
    result.messages = await notify_owners(uow_factory, Owners(people.reps, people.team_names, rules), now, timezone,
                                          default_quiet)
    log.info("pool scan: %d held, %d warned, %d reclaimed", result.scanned, result.warned_count,
             result.reclaimed_count)
    return result


async def _judge_page(uow: PoolUnitOfWork, held: HeldPage, people: _People, rules: PoolSettings, now: datetime,
                      result: ScanResult) -> None:
    """The page's warnings in one INSERT, its reclaims; all in the page's unit of work."""
    due = _due(held, people, rules, now)
    if not due:
        return
    warned = await uow.pool.last_warnings([h.customer_id for h, *_ in due], leads=held.leads)
    warns: list[PoolEvent] = []
    reclaims: list[tuple[Holding, Deadline]] = []
    for holding, deadline, verdict, warn_days in due:
        last = warned.get(holding.customer_id)
        told = (last is not None and last.due_at is not None and last.rep_id == holding.owner_id
                and last.at >= holding.claimed_at and abs(last.due_at - deadline.at) < SAME_DEADLINE)
        if verdict is Verdict.RECLAIM and (warn_days == 0 or (told and last is not None
                                                               and now >= last.at + timedelta(days=warn_days))):
            reclaims.append((holding, deadline))
        elif not told:
            warns.append(_event(EventKind.WARN, held.leads, holding, deadline, people.team_of(holding.owner_id), now))
    await uow.pool.add_many(warns)
    prefix = "L" if held.leads else "C"
    result.note([f"{prefix}{e.lead_id or e.customer_id}" for e in warns], [])
    if reclaims:
        await _reclaim(uow, people, rules, held.leads, reclaims, now)
        result.note([], [f"{prefix}{h.customer_id}" for h, _ in reclaims])


def _event(kind: EventKind, lead: bool, holding: Holding, deadline: Deadline, team: int | None,
           now: datetime) -> PoolEvent:
    which = {"lead_id" if lead else "customer_id": holding.customer_id}
    return PoolEvent(kind, now, holding.owner_id, team_id=team, reason=deadline.reason.value, due_at=deadline.at,
                     **which)


def _due(held: HeldPage, people: _People, rules: PoolSettings,
         now: datetime) -> list[tuple[Holding, Deadline, Verdict, int]]:
    """The page's customers (or leads) to warn or reclaim, with deadline, verdict and warn_days (team rules)."""
    due: list[tuple[Holding, Deadline, Verdict, int]] = []
    for found in held.holdings:
        tags = held.tags.get(found.customer_id, [])
        holding = replace(found, protected=found.protected or rules.tag_protects(tags))
        team = people.team_of(holding.owner_id)
        team_rules = rules.rules_for(people.team_names.get(team) if team is not None else None)
        verdict, deadline = judge(holding, team_rules.for_leads() if held.leads else team_rules, now)
        if verdict is not Verdict.KEEP and deadline is not None:
            due.append((holding, deadline, verdict, team_rules.warn_days))
    return due


def _names(teams: Sequence[Team]) -> dict[int, str]:
    return {t.id: t.name for t in teams if t.id is not None}


async def _reclaim(uow: PoolUnitOfWork, people: _People, rules: PoolSettings, leads: bool,
                   due: list[tuple[Holding, Deadline]], now: datetime) -> None:
    """Back to the pool: owner cleared (a lead: new again), the events in one INSERT, each audited."""
    entity = "lead" if leads else "customer"
    items: Mapping[int, Customer | Lead] = await (uow.leads if leads else uow.customers).many(
        [h.customer_id for h, _ in due])
    events = [_event(EventKind.RECLAIM, leads, h, d, people.team_of(h.owner_id), now) for h, d in due]
    batch = f"pool-scan:{now.isoformat()}"
    for (holding, _), event_id in zip(due, await uow.pool.add_many(events), strict=True):
        item, pool = items[holding.customer_id], rules.pool_of(people.team_of(holding.owner_id))
        before = snapshot(item)
        if isinstance(item, Lead):
            item.owner_id, item.status, item.team_id = None, LeadStatus.NEW, pool
            await uow.leads.save(item)
        else:
            item.owner_id, item.claimed_at, item.pool_team_id = None, None, pool
            await uow.customers.save(item)
        await uow.audit.add(AuditEntry(None, entity, holding.customer_id, "update", now,
                                       {"owner_id": [holding.owner_id, None], "before": before}, batch))
        await uow.audit.add(AuditEntry(None, "pool_event", event_id, "create", now, {"kind": "reclaim"}, batch))
