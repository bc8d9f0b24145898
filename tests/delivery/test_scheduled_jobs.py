"""The job table: a failing job logs its traceback and runs again at the next tick; daily jobs at a local
time fire once per day per person, whatever the clock does, and once between two processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from domain.messaging import OutboxStatus
from domain.people import Rep
from domain.ports import UnitOfWork
from scheduler.daily import local_day_due, parse_local_time
from scheduler.outbox import OutboxDispatcher
from scheduler.push import Push, not_pushed, push
from scheduler.runner import Job, build_scheduler, run_job
from storage.uow import SqlAlchemyUnitOfWork
from tests.fakes import FakeStore

SHANGHAI_8AM = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # 08:00 in Asia/Shanghai
LONDON_8AM = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


async def test_a_failing_job_logs_its_traceback_and_runs_again_at_the_next_tick(
        caplog: pytest.LogCaptureFixture) -> None:
    calls: list[datetime] = []
    again = asyncio.Event()

    async def flaky(now: datetime) -> int:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("database away")
        again.set()
        return 1

    scheduler = build_scheduler(lambda: None, OutboxDispatcher(lambda: None, {}),  # type: ignore[arg-type,return-value]
                                jobs=[Job("flaky", 0.05, flaky)], outbox_interval=3600, sweep_interval=3600)
    with caplog.at_level(logging.ERROR, logger="scheduler.runner"):
        scheduler.start()
        try:
            await asyncio.wait_for(again.wait(), 30)
        finally:
            scheduler.shutdown(wait=False)
    assert len(calls) >= 2
    (failure,) = [r for r in caplog.records if "flaky" in r.getMessage()]
    assert failure.exc_info is not None and "database away" in str(failure.exc_info[1])


async def test_run_job_reports_failure_without_raising() -> None:
    async def boom(now: datetime) -> int:
        raise ValueError("bad row")

    assert await run_job(Job("boom", 1, boom), SHANGHAI_8AM) is False


def test_two_jobs_with_one_id_are_refused() -> None:
    twice = [Job("digest", 60, lambda now: asyncio.sleep(0)), Job("digest", 60, lambda now: asyncio.sleep(0))]
    with pytest.raises(ValueError, match="share an id"):
        build_scheduler(lambda: None, OutboxDispatcher(lambda: None, {}), jobs=twice)  # type: ignore[arg-type,return-value]


def test_a_local_time_is_due_from_that_minute_of_the_local_day() -> None:
    at = parse_local_time("08:00")
    assert local_day_due(SHANGHAI_8AM - timedelta(minutes=1), at, "Asia/Shanghai") is None
    assert str(local_day_due(SHANGHAI_8AM, at, "Asia/Shanghai")) == "2026-12-07"
    assert local_day_due(SHANGHAI_8AM, at, "Europe/London") is None  # midnight there
    with pytest.raises(ValueError):
        parse_local_time("8h")


async def morning_hello(uow_factory: Callable[[], UnitOfWork], now: datetime, at: time = time(8, 0)) -> int:
    """A daily job as the digest and morning-list slices write theirs."""
    sent = 0
    async with uow_factory() as uow:
        for rep in await uow.reps.list():
            assert rep.id is not None
            day = local_day_due(now, at, rep.timezone)
            if day is None or not await not_pushed(uow, "hello", [(rep, day.isoformat())]):
                continue
            if await push(uow, rep, Push("hello", day.isoformat(), f"早上好 {day}"), now):
                sent += 1
        await uow.commit()
    return sent


async def add_people(uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        await uow.reps.add(Rep("张伟", identities={"console": "zhangwei"}))
        await uow.reps.add(Rep("Anna", timezone="Europe/London", identities={"console": "anna"}))
        await uow.commit()


async def test_a_daily_job_fires_once_a_day_per_person_whatever_the_clock_does() -> None:
    store = FakeStore()
    await add_people(store.uow)
    ticks = [  # (clock, how many pushes that tick queues)
        (SHANGHAI_8AM - timedelta(minutes=1), 1),  # Anna's 6 December (23:59 in London), not yet 张伟's
        (SHANGHAI_8AM, 1),  # 张伟
        (SHANGHAI_8AM + timedelta(minutes=1), 0),
        (SHANGHAI_8AM - timedelta(hours=3), 0),  # the clock jumps back
        (SHANGHAI_8AM + timedelta(minutes=2), 0),  # and forward again
        (LONDON_8AM + timedelta(hours=5), 1),  # a jump forward past Anna's 08:00
        (LONDON_8AM, 0),  # back again
        (SHANGHAI_8AM + timedelta(days=1), 1),  # 张伟's next day
    ]
    assert [await morning_hello(store.uow, now) for now, _ in ticks] == [n for _, n in ticks]
    async with store.uow() as uow:
        texts = sorted((o.recipient, o.text) for o in await uow.outbox.listing([OutboxStatus.PENDING]))
    assert texts == [("anna", "早上好 2026-12-06"), ("anna", "早上好 2026-12-07"), ("zhangwei", "早上好 2026-12-07"),
                     ("zhangwei", "早上好 2026-12-08")]


async def test_two_processes_running_a_daily_job_at_once_queue_it_once(
        uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> None:
    factory: Callable[[], UnitOfWork] = uow_factory
    await add_people(factory)
    now = LONDON_8AM
    counts = await asyncio.gather(morning_hello(factory, now), morning_hello(factory, now))
    assert sum(counts) == 2  # one for each person, between the two
    async with factory() as uow:
        keys = sorted(o.dedupe_key or "" for o in await uow.outbox.listing([OutboxStatus.PENDING]))
    assert [k.split(":")[0::2] for k in keys] == [["hello", "2026-12-07"], ["hello", "2026-12-07"]]


class WallClock:
    """The wall clock the scheduler's watcher reads; `back` sets it back, as NTP or a restored VM does."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) - self.offset

    def back(self, delta: timedelta) -> None:
        self.offset += delta


async def test_after_the_clock_is_set_back_the_jobs_run_at_once_instead_of_waiting_for_it() -> None:
    ran = asyncio.Event()

    async def delivery(now: datetime) -> int:
        ran.set()
        return 0

    wall = WallClock()
    scheduler = build_scheduler(lambda: None, OutboxDispatcher(lambda: None, {}),  # type: ignore[arg-type,return-value]
                                jobs=[Job("delivery", 60, delivery)], clock=wall, outbox_interval=3600,
                                sweep_interval=3600, watch_every=0.05)
    scheduler.start()
    try:
        job = scheduler.get_job("delivery")
        job.modify(next_run_time=datetime.now(UTC) + timedelta(hours=1))  # where a jump back an hour leaves it
        await asyncio.sleep(0.2)
        assert not ran.is_set()
        wall.back(timedelta(hours=1))
        await asyncio.wait_for(ran.wait(), 30)  # the watcher saw the jump and brought the job forward
        assert scheduler.get_job("outbox").next_run_time <= datetime.now(UTC) + timedelta(hours=1)
    finally:
        scheduler.shutdown(wait=False)
