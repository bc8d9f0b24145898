"""The housekeeping job: scheduled every interval_hours; a failing run is logged and retried next time."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from domain.retention import RetentionPolicy, Target
from scheduler.housekeeping import Housekeeper
from scheduler.outbox import OutboxDispatcher
from scheduler.runner import build_scheduler
from storage.housekeeping import Archive, Chunk, Lease

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


class FakePruneStore:
    """Holds expired row ids per target; `broken` makes every chunk fail."""

    def __init__(self, rows: dict[Target, list[int]], broken: bool = False) -> None:
        self.rows = rows
        self.broken = broken
        self.released: list[str] = []
        self.compacted = 0

    def reset(self) -> None:
        pass

    async def prune_chunk(self, target: Target, cutoff: datetime, limit: int, *, lease: Lease | None = None,
                          archive: Archive | None = None) -> Chunk:
        if self.broken:
            raise ConnectionError("database went away")
        ids = self.rows.get(target, [])[:limit]
        if ids:
            self.rows[target] = self.rows[target][limit:]
        return Chunk(len(ids))

    async def count(self, target: Target, cutoff: datetime) -> int:
        return len(self.rows.get(target, []))

    async def compact(self) -> None:
        self.compacted += 1

    async def release(self, worker: str) -> None:
        self.released.append(worker)


async def test_the_scheduler_runs_housekeeping_every_interval_hours_first_soon_after_the_start() -> None:
    housekeeper = Housekeeper(FakePruneStore({}), RetentionPolicy(interval_hours=6), "w", clock=lambda: NOW)
    scheduler = build_scheduler(lambda: None, OutboxDispatcher(lambda: None, {}),  # type: ignore[arg-type,return-value]
                                housekeeper=housekeeper)
    job = scheduler.get_job("housekeeping")
    assert job is not None and job.trigger.interval == timedelta(hours=6)
    scheduler.start(paused=True)
    started = scheduler.get_job("housekeeping")
    assert started is not None and started.next_run_time == NOW + timedelta(minutes=5)
    scheduler.shutdown(wait=False)
    assert build_scheduler(lambda: None, OutboxDispatcher(lambda: None, {})).get_job(  # type: ignore[arg-type,return-value]
        "housekeeping") is None


async def test_the_job_prunes_every_target_and_gives_the_lease_back() -> None:
    store = FakePruneStore({Target.INBOX: [1, 2, 3, 4, 5], Target.AUDIT: [7]})
    report = await Housekeeper(store, RetentionPolicy(chunk=2), "w", clock=lambda: NOW).run_once()
    assert report.counts[Target.INBOX] == 5 and report.counts[Target.AUDIT] == 1
    assert store.rows == {Target.INBOX: [], Target.AUDIT: []} and store.released == ["w"]
    assert store.compacted == 1  # the deal totals summary is vacuumed once per run
    await Housekeeper(store, RetentionPolicy(chunk=2), "w", clock=lambda: NOW).run_once(dry_run=True)
    assert store.compacted == 1  # a dry run changes nothing


async def test_a_kept_forever_target_is_not_touched() -> None:
    store = FakePruneStore({Target.AUDIT: [1, 2]})
    await Housekeeper(store, RetentionPolicy(audit_days=0), "w", clock=lambda: NOW).run_once()
    assert store.rows[Target.AUDIT] == [1, 2]


async def test_a_failing_run_is_logged_and_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    store = FakePruneStore({Target.INBOX: [1]}, broken=True)
    with caplog.at_level(logging.ERROR):
        await Housekeeper(store, RetentionPolicy(), "w", clock=lambda: NOW).job()
    assert "housekeeping failed" in caplog.text and store.released == ["w"]
