"""The lead pool's reclaim scan (issue #14): once a local day after `[pool] scan_at`, every held customer is
judged by its owner's team rules (domain.pool.judge); its owner is warned `warn_days` before the deadline
(跟进 / 放弃 buttons, once per customer and deadline), and at the deadline the customer goes back to the
pool: owner cleared, a pool_events line and an audit entry written, the owner told, the manager's digest
counting it. An owner is always warned `warn_days` ahead: a customer found past its deadline without a
warning for that deadline (the pool just switched on, the job was down) is warned first, reclaimed later.

One process scans a day: the day is claimed first (settings `pool_scan:<day>`), as scheduler.win_scores does.
Held customers are read by keyset pages of `page` ids with their facts as SQL aggregates; each page is its
own unit of work, so no more than one page is ever in memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.audit import AuditEntry
from domain.customer import Customer
from domain.people import Rep, Team
from domain.pool import Deadline, Holding, PoolSettings, Verdict, judge
from domain.pool_ports import EventKind, HeldPage, PoolEvent, PoolUnitOfWork
from domain.quiet import DEFAULT_QUIET
from domain.snapshot import snapshot
from scheduler.daily import local_day_due, parse_local_time
from scheduler.push import Push, push

log = logging.getLogger(__name__)
CLAIM = "pool_scan:"
PAGE = 500
SAME_DEADLINE = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class PoolScanSettings:
    """`[pool]` `enabled`, `scan_at` (local HH:MM, default 06:00), `timezone` (default [bot] timezone),
    `interval` (seconds between looks, default 300)."""

    enabled: bool = True
    scan_at: time = time(6, 0)
    timezone: str = "Asia/Shanghai"
    interval: float = 300.0

    @classmethod
    def from_sections(cls, pool: Mapping[str, Any], bot: Mapping[str, Any]) -> PoolScanSettings:
        return cls(bool(pool.get("enabled", True)), parse_local_time(str(pool.get("scan_at", "06:00"))),
                   str(pool.get("timezone", bot.get("timezone", "Asia/Shanghai"))), float(pool.get("interval", 300.0)))


@dataclass(slots=True)
class ScanResult:
    scanned: int = 0
    warned: list[int] = field(default_factory=list)  # customer ids
    reclaimed: list[int] = field(default_factory=list)


async def scan_pool(uow_factory: Callable[[], PoolUnitOfWork], now: datetime, settings: PoolScanSettings,
                    rules: PoolSettings, default_quiet: str = DEFAULT_QUIET) -> ScanResult | None:
    """The day's scan, if due and not done by another process (None: not run)."""
    day = local_day_due(now, settings.scan_at, settings.timezone) if settings.enabled else None
    if day is None:
        return None
    async with uow_factory() as uow:
        if not await uow.settings.claim(f"{CLAIM}{day.isoformat()}", {"at": now.isoformat()}):
            return None
        await uow.settings.take(f"{CLAIM}{(day - timedelta(days=1)).isoformat()}")
        await uow.commit()
    return await reclaim_scan(uow_factory, now, rules, default_quiet=default_quiet)


@dataclass(frozen=True, slots=True)
class _People:
    reps: Mapping[int, Rep]
    team_names: Mapping[int, str]

    def team_of(self, rep_id: int) -> int | None:
        rep = self.reps.get(rep_id)
        return rep.team_id if rep else None


async def reclaim_scan(uow_factory: Callable[[], PoolUnitOfWork], now: datetime, rules: PoolSettings,
                       page: int = PAGE, default_quiet: str = DEFAULT_QUIET) -> ScanResult:
    """Judge every held customer at `now`: warn, reclaim or keep. The job's work, and the benchmark's."""
    async with uow_factory() as uow:
        reps, teams = await uow.reps.list(), await uow.teams.list()
    people = _People({r.id: r for r in reps if r.id is not None}, _names(teams))
    result, after = ScanResult(), 0
    while True:
        async with uow_factory() as uow:
            held = await uow.pool.held_page(after, page)
            if held.last_id == 0:
                break
            result.scanned += len(held.holdings)
            due = _due(held, people, rules, now)
            if due:
                ids = [h.customer_id for h, *_ in due]
                warned, customers = await uow.pool.last_warnings(ids), await uow.customers.many(ids)
                for holding, deadline, verdict, warn_days in due:
                    await _act(uow, people, rules, (holding, customers[holding.customer_id]), deadline, verdict,
                               warn_days, warned, now, result, default_quiet)
            await uow.commit()
        after = held.last_id
    log.info("pool scan: %d held customers, %d warned, %d reclaimed", result.scanned, len(result.warned),
             len(result.reclaimed))
    return result


def _due(held: HeldPage, people: _People, rules: PoolSettings,
         now: datetime) -> list[tuple[Holding, Deadline, Verdict, int]]:
    """The page's customers to warn or reclaim, with their deadline, verdict and warn_days (by team rules)."""
    due: list[tuple[Holding, Deadline, Verdict, int]] = []
    for found in held.holdings:
        holding = replace(found, protected=found.protected or rules.tag_protects(held.tags[found.customer_id]))
        team = people.team_of(holding.owner_id)
        team_rules = rules.rules_for(people.team_names.get(team) if team is not None else None)
        verdict, deadline = judge(holding, team_rules, now)
        if verdict is not Verdict.KEEP and deadline is not None:
            due.append((holding, deadline, verdict, team_rules.warn_days))
    return due


def _names(teams: Sequence[Team]) -> dict[int, str]:
    return {t.id: t.name for t in teams if t.id is not None}


async def _act(uow: PoolUnitOfWork, people: _People, rules: PoolSettings, held: tuple[Holding, Customer],
               deadline: Deadline, verdict: Verdict, warn_days: int, warned: Mapping[int, PoolEvent], now: datetime,
               result: ScanResult, default_quiet: str) -> None:
    holding = held[0]
    last = warned.get(holding.customer_id)
    told = (last is not None and last.due_at is not None and last.rep_id == holding.owner_id
            and last.at >= holding.claimed_at and abs(last.due_at - deadline.at) < SAME_DEADLINE)
    if verdict is Verdict.RECLAIM and (warn_days == 0 or (told and last is not None
                                                           and now >= last.at + timedelta(days=warn_days))):
        await _reclaim(uow, people, rules, held, deadline, now, default_quiet)
        result.reclaimed.append(holding.customer_id)
    elif not told:
        await _warn(uow, people, held, deadline, max(deadline.at, now + timedelta(days=warn_days)), now,
                    default_quiet)
        result.warned.append(holding.customer_id)


async def _warn(uow: PoolUnitOfWork, people: _People, held: tuple[Holding, Customer], deadline: Deadline,
                back_at: datetime, now: datetime, default_quiet: str) -> None:
    holding, customer = held
    ref, owner = f"C{holding.customer_id}", people.reps.get(holding.owner_id)
    await uow.pool.add(PoolEvent(EventKind.WARN, now, holding.owner_id, customer_id=holding.customer_id,
                                 team_id=people.team_of(holding.owner_id), reason=deadline.reason.value,
                                 due_at=deadline.at))
    if owner is None:
        return
    en = owner.locale == "en"
    day = f"{back_at.astimezone(_zone(owner)):%Y-%m-%d}"
    text = (f"{ref} {customer.name}: {deadline.reason.words(deadline.days, 'en')}; it goes back to the pool on "
            f"{day}. Keep it: log a follow-up (tap 跟进 / send 'keep {ref}' to see how); give it up: 'release {ref}'."
            if en else
            f"{ref} {customer.name}：{deadline.reason.words(deadline.days)}，{day} 将收回公海。"
            f"保留请跟进（点「跟进」或发「保留 {ref}」查看怎么做）；不要了请点「放弃」或发「放弃 {ref}」。")
    buttons = [{"text": "Follow up" if en else "跟进", "key": f"保留 {ref}"},
               {"text": "Release" if en else "放弃", "key": f"放弃 {ref}"}]
    await push(uow, owner, Push("pool_warn", f"{ref}:{deadline.at:%Y-%m-%dT%H:%M}", text, buttons=buttons), now,
               default_quiet=default_quiet)


async def _reclaim(uow: PoolUnitOfWork, people: _People, rules: PoolSettings, held: tuple[Holding, Customer],
                   deadline: Deadline, now: datetime, default_quiet: str) -> None:
    holding, customer = held
    before, team = snapshot(customer), people.team_of(holding.owner_id)
    customer.owner_id, customer.claimed_at, customer.pool_team_id = None, None, rules.pool_of(team)
    await uow.customers.save(customer)
    event = await uow.pool.add(PoolEvent(EventKind.RECLAIM, now, holding.owner_id, customer_id=customer.id,
                                         team_id=team, reason=deadline.reason.value, due_at=deadline.at))
    batch = f"pool-scan:{now.isoformat()}"
    await uow.audit.add(AuditEntry(None, "customer", holding.customer_id, "update", now,
                                   {"owner_id": [holding.owner_id, None], "before": before}, batch))
    await uow.audit.add(AuditEntry(None, "pool_event", event.id or 0, "create", now, {"kind": "reclaim"}, batch))
    owner = people.reps.get(holding.owner_id)
    if owner is not None:
        ref = f"C{holding.customer_id}"
        text = (f"{ref} {customer.name} went back to the pool: {deadline.reason.words(deadline.days, 'en')}."
                if owner.locale == "en" else
                f"{ref} {customer.name} 已收回公海：{deadline.reason.words(deadline.days)}。")
        await push(uow, owner, Push("pool_reclaim", f"{ref}:{now:%Y-%m-%d}", text), now, default_quiet=default_quiet)


def _zone(rep: Rep) -> ZoneInfo:
    return ZoneInfo(rep.timezone or "Asia/Shanghai")
