"""The housekeeping job: prune expired inbox, outbox and audit rows in bounded chunks (domain.retention).

Between chunks the job yields to the event loop, so messages keep flowing while it runs; with several
`serve` processes on one database the lease (storage.housekeeping) lets exactly one of them prune.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.base import BaseScheduler

from domain.retention import PruneReport, RetentionPolicy, Target
from storage.housekeeping import Archive, Chunk, Lease

log = logging.getLogger(__name__)
LEASE_TTL = timedelta(minutes=10)  # renewed with every chunk; a stopped pruner frees it after this
FIRST_RUN = timedelta(minutes=5)  # after the start: not while the process is busy starting up


class PruneStore(Protocol):
    def reset(self) -> None: ...

    async def prune_chunk(self, target: Target, cutoff: datetime, limit: int, *, lease: Lease | None = None,
                          archive: Archive | None = None) -> Chunk: ...

    async def count(self, target: Target, cutoff: datetime) -> int: ...

    async def release(self, worker: str) -> None: ...

    async def compact(self) -> None: ...


class Housekeeper:
    def __init__(self, store: PruneStore, policy: RetentionPolicy, worker: str,
                 clock: Callable[[], datetime] | None = None, pause: float = 0.0) -> None:
        """`pause`: seconds to sleep between chunks (0 still yields to the event loop)."""
        self.store = store
        self.policy = policy
        self.worker = worker
        self.clock = clock or (lambda: datetime.now(UTC))
        self.pause = pause

    async def run_once(self, dry_run: bool = False, archive: Archive | None = None) -> PruneReport:
        """Prune every target once, oldest rows first; a dry run counts what would go and changes nothing."""
        now = self.clock()
        report = PruneReport({target: 0 for target in Target}, dry_run=dry_run)
        self.store.reset()
        try:
            for target, cutoff in self.policy.cutoffs(now).items():
                if not await self._prune(target, cutoff, report, archive):
                    report.skipped = True
                    log.info("housekeeping skipped: another process holds the lease")
                    break
            if not dry_run and not report.skipped:
                await self.store.compact()
        finally:
            if not dry_run:
                await self.store.release(self.worker)
        if report.total and not dry_run:
            log.info("housekeeping pruned %s", ", ".join(f"{t.value} {n}" for t, n in report.counts.items()))
        return report

    async def _prune(self, target: Target, cutoff: datetime, report: PruneReport, archive: Archive | None) -> bool:
        """All chunks of one target; False when the lease is held by another process."""
        if report.dry_run:
            report.counts[target] = await self.store.count(target, cutoff)
            return True
        while True:
            lease = Lease(self.worker, self.clock(), LEASE_TTL)
            chunk = await self.store.prune_chunk(target, cutoff, self.policy.chunk, lease=lease, archive=archive)
            if not chunk.held:
                return False
            report.counts[target] += chunk.deleted
            report.chunks += 1
            if chunk.deleted < self.policy.chunk:  # the last one (rows another pruner holds: next run)
                return True
            await asyncio.sleep(self.pause)  # let messages through between chunks

    async def job(self) -> None:
        """The scheduled run: a failure is logged and the next interval tries again."""
        try:
            await self.run_once()
        except Exception:
            log.exception("housekeeping failed; it runs again at the next interval")


def add_housekeeping_job(scheduler: BaseScheduler, housekeeper: Housekeeper) -> None:
    """Every `interval_hours`, the first run FIRST_RUN after the start: a process restarted more often than
    the interval still prunes, and with nothing expired a run costs a few small queries."""
    scheduler.add_job(housekeeper.job, "interval", hours=housekeeper.policy.interval_hours, id="housekeeping",
                      next_run_time=housekeeper.clock() + FIRST_RUN, max_instances=1, coalesce=True,
                      misfire_grace_time=3600)
