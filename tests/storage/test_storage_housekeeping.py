"""Housekeeping prunes exactly the expired inbox, outbox and audit rows, in chunks, and keeps what the queues,
undo and compliance need (both engines)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from storage_helpers import Factory

from domain.audit import AuditEntry
from domain.messaging import InboxRecord, InboxState, OutboxItem, OutboxStatus
from domain.retention import RetentionPolicy, Target
from scheduler.housekeeping import Housekeeper
from storage.engine import make_engine, make_session_factory
from storage.housekeeping import LEASE_KEY, Archive, Chunk, Lease, SqlAlchemyHousekeeping
from storage.models import AuditRow, InboxRow, OutboxRow

Sessions = async_sessionmaker[AsyncSession]
DAY = timedelta(days=1)
POLICY = RetentionPolicy(inbox_days=14, outbox_days=7, failed_days=90, audit_days=730, chunk=3)


def _inbox(key: str, state: InboxState, at: datetime) -> InboxRecord:
    done = at if state is InboxState.DONE else None
    return InboxRecord("wecom", key, "conv", "zhangsan", f"消息 {key}", at, state=state, processed_at=done)


def _outbox(status: OutboxStatus, at: datetime, key: str | None = None) -> OutboxItem:
    sent = at if status is OutboxStatus.SENT else None
    return OutboxItem("wecom", "zhangsan", f"{status.value} {at:%Y-%m-%d}", at, status=status, sent_at=sent,
                      dedupe_key=key)


def _audit(actor: int | None, batch: str, at: datetime) -> AuditEntry:
    return AuditEntry(actor, "opportunity", 1, "update", at, {"amount": [1, 2]}, batch=batch)


async def _store(uow_factory: Factory, inbox: Sequence[InboxRecord] = (), outbox: Sequence[OutboxItem] = (),
                 audit: Sequence[AuditEntry] = ()) -> None:
    async with uow_factory() as uow:
        for record in inbox:
            assert await uow.inbox.add(record)
        for item in outbox:
            assert await uow.outbox.add(item) is not None
        for entry in audit:
            await uow.audit.add(entry)
        await uow.commit()


async def _left(uow_factory: Factory) -> tuple[list[str], list[str], list[str]]:
    async with uow_factory() as uow:
        inbox = list(await uow.session.scalars(select(InboxRow.external_id).order_by(InboxRow.id)))
        outbox = list(await uow.session.scalars(select(OutboxRow.text).order_by(OutboxRow.id)))
        audit = list(await uow.session.scalars(select(AuditRow.batch).order_by(AuditRow.id)))
    return inbox, outbox, audit


def _housekeeper(session_factory: Sessions, now: datetime, policy: RetentionPolicy = POLICY,
                 worker: str = "w1") -> Housekeeper:
    return Housekeeper(SqlAlchemyHousekeeping(session_factory), policy, worker, clock=lambda: now)


async def test_pruning_deletes_exactly_the_expired_rows_and_keeps_unfinished_work(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    old, recent = now - 100 * DAY, now - 2 * DAY
    await _store(uow_factory, inbox=[
        _inbox("done-old", InboxState.DONE, now - 15 * DAY), _inbox("done-13d", InboxState.DONE, now - 13 * DAY),
        _inbox("pending-old", InboxState.PENDING, old), _inbox("claimed-old", InboxState.CLAIMED, old),
        _inbox("dead-old", InboxState.DEAD, old)],
        outbox=[_outbox(OutboxStatus.SENT, now - 8 * DAY), _outbox(OutboxStatus.SENT, now - 6 * DAY),
                _outbox(OutboxStatus.PENDING, old), _outbox(OutboxStatus.SENDING, old),
                _outbox(OutboxStatus.FAILED, now - 91 * DAY), _outbox(OutboxStatus.FAILED, now - 30 * DAY)],
        audit=[_audit(1, "b-800d", now - 800 * DAY), _audit(1, "b-731d", now - 731 * DAY),
               _audit(1, "b-recent", recent), _audit(None, "", now - 800 * DAY)])
    report = await _housekeeper(session_factory, now).run_once()
    inbox, outbox, audit = await _left(uow_factory)
    assert inbox == ["done-13d", "pending-old", "claimed-old", "dead-old"]
    assert [text.split()[0] for text in outbox] == ["sent", "pending", "sending", "failed"]
    assert outbox[0].endswith(f"{now - 6 * DAY:%Y-%m-%d}") and outbox[3].endswith(f"{now - 30 * DAY:%Y-%m-%d}")
    assert audit == ["b-recent"]
    assert report.counts == {Target.INBOX: 1, Target.OUTBOX_SENT: 1, Target.OUTBOX_FAILED: 1, Target.AUDIT: 3,
                             Target.USAGE: 0}


async def test_each_actors_last_undoable_batch_and_the_undo_window_are_kept(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    await _store(uow_factory, audit=[
        _audit(1, "rep1-old", now - 900 * DAY), _audit(1, "rep1-last", now - 800 * DAY),
        _audit(1, "rep1-last", now - 800 * DAY), _audit(2, "rep2-only", now - 800 * DAY),
        _audit(3, "rep3-hour", now - timedelta(hours=1))])
    await _housekeeper(session_factory, now).run_once()
    assert (await _left(uow_factory))[2] == ["rep1-last", "rep1-last", "rep2-only", "rep3-hour"]
    # audit_days shorter than the undo window: the window wins
    await _housekeeper(session_factory, now + 2 * DAY, RetentionPolicy(audit_days=0)).run_once()
    assert len((await _left(uow_factory))[2]) == 4  # audit_days = 0 keeps everything
    short = RetentionPolicy(audit_days=1, undo_window=timedelta(days=3))
    assert short.cutoffs(now)[Target.AUDIT] == now - 3 * DAY


async def test_a_redelivered_message_within_inbox_days_is_still_a_duplicate(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    await _store(uow_factory, inbox=[_inbox("msg-13d", InboxState.DONE, now - 13 * DAY),
                                     _inbox("msg-15d", InboxState.DONE, now - 15 * DAY)])
    await _housekeeper(session_factory, now).run_once()
    async with uow_factory() as uow:
        assert not await uow.inbox.add(_inbox("msg-13d", InboxState.PENDING, now))  # still a duplicate
        assert await uow.inbox.add(_inbox("msg-15d", InboxState.PENDING, now))  # forgotten after inbox_days
        await uow.commit()


class RecordingStore(SqlAlchemyHousekeeping):
    """The real store, noting how many rows each chunk deleted."""

    deleted: list[int]

    async def prune_chunk(self, target: Target, cutoff: datetime, limit: int, *, lease: Lease | None = None,
                          archive: Archive | None = None) -> Chunk:
        chunk = await super().prune_chunk(target, cutoff, limit, lease=lease, archive=archive)
        self.deleted.append(chunk.deleted)
        return chunk


async def test_ten_rows_go_in_chunks_of_three(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    await _store(uow_factory, outbox=[_outbox(OutboxStatus.SENT, now - (10 + n) * DAY) for n in range(10)])
    store = RecordingStore(session_factory)
    store.deleted = []
    housekeeper = Housekeeper(store, POLICY, "w1", clock=lambda: now)
    report = await housekeeper.run_once()
    assert report.counts[Target.OUTBOX_SENT] == 10
    assert store.deleted == [0, 3, 3, 3, 1, 0, 0, 0]  # inbox: none; outbox: 3+3+3+1; failed, audit, usage: none
    assert (await _left(uow_factory))[1] == []


async def test_a_dry_run_counts_and_changes_nothing(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    await _store(uow_factory, inbox=[_inbox("old", InboxState.DONE, now - 20 * DAY)],
                 outbox=[_outbox(OutboxStatus.SENT, now - 20 * DAY) for _ in range(4)],
                 audit=[_audit(1, "a", now - 800 * DAY), _audit(1, "b", now - 800 * DAY)])
    before = await _left(uow_factory)
    report = await _housekeeper(session_factory, now).run_once(dry_run=True)
    assert report.counts == {Target.INBOX: 1, Target.OUTBOX_SENT: 4, Target.OUTBOX_FAILED: 0, Target.AUDIT: 1,
                             Target.USAGE: 0}
    assert await _left(uow_factory) == before
    async with uow_factory() as uow:
        assert await uow.settings.get(LEASE_KEY) is None  # not even the lease was written


async def test_another_processes_lease_makes_a_pruner_skip_until_it_runs_out(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    await _store(uow_factory, outbox=[_outbox(OutboxStatus.SENT, now - 20 * DAY)])
    async with uow_factory() as uow:
        await uow.settings.put(LEASE_KEY, {"holder": "other", "until": (now + timedelta(minutes=5)).isoformat()})
        await uow.commit()
    report = await _housekeeper(session_factory, now).run_once()
    assert report.skipped and report.total == 0 and len((await _left(uow_factory))[1]) == 1
    report = await _housekeeper(session_factory, now + timedelta(minutes=6)).run_once()
    assert not report.skipped and report.counts[Target.OUTBOX_SENT] == 1
    async with uow_factory() as uow:
        assert await uow.settings.get(LEASE_KEY) == {"holder": "", "until": ""}  # given back at the end


async def test_archived_rows_are_handed_over_before_they_are_deleted(
        uow_factory: Factory, session_factory: Sessions, now: datetime) -> None:
    await _store(uow_factory, outbox=[_outbox(OutboxStatus.SENT, now - 20 * DAY, key=f"k{n}") for n in range(4)])
    archived: list[tuple[Target, str]] = []
    await _housekeeper(session_factory, now).run_once(
        archive=lambda target, rows: archived.extend((target, row["dedupe_key"]) for row in rows))
    assert sorted(archived, key=lambda pair: pair[1]) == [(Target.OUTBOX_SENT, f"k{n}") for n in range(4)]  # any order


async def test_two_processes_pruning_at_once_both_finish_and_delete_each_row_once(
        db_url: str, uow_factory: Factory, now: datetime) -> None:
    """Two engines stand for two `serve` processes on one database: with the lease (run_once), and without
    it (bare chunked deletes racing each other)."""
    await _store(uow_factory, outbox=[_outbox(OutboxStatus.SENT, now - 20 * DAY) for _ in range(60)],
                 audit=[_audit(n % 3, f"b{n}", now - 800 * DAY) for n in range(30)])
    engines = [make_engine(db_url), make_engine(db_url)]
    try:
        stores = [SqlAlchemyHousekeeping(make_session_factory(e)) for e in engines]
        keepers = [Housekeeper(s, POLICY, f"w{i}", clock=lambda: now) for i, s in enumerate(stores)]
        reports = await asyncio.gather(*(k.run_once() for k in keepers))
        assert sum(r.counts[Target.OUTBOX_SENT] for r in reports) == 60
        assert sum(r.counts[Target.AUDIT] for r in reports) == 27  # the last batch of actors 0, 1, 2 kept
        await _store(uow_factory, outbox=[_outbox(OutboxStatus.SENT, now - 20 * DAY) for _ in range(60)])
        cutoff = now - 7 * DAY

        async def drain(store: SqlAlchemyHousekeeping) -> int:
            total = 0
            while deleted := (await store.prune_chunk(Target.OUTBOX_SENT, cutoff, 4)).deleted:
                total += deleted
            return total

        assert sum(await asyncio.gather(*(drain(s) for s in stores))) == 60
    finally:
        for engine in engines:
            await engine.dispose()
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 0
        assert await uow.session.scalar(select(func.count()).select_from(AuditRow)) == 3


class PausedStore(SqlAlchemyHousekeeping):
    """Stops after its first chunk until `go` is set, with the lease held (another process mid-run)."""

    first: asyncio.Event
    go: asyncio.Event

    async def prune_chunk(self, target: Target, cutoff: datetime, limit: int, *, lease: Lease | None = None,
                          archive: Archive | None = None) -> Chunk:
        chunk = await super().prune_chunk(target, cutoff, limit, lease=lease, archive=archive)
        if not self.first.is_set():
            self.first.set()
            await self.go.wait()
        return chunk


async def test_a_second_process_skips_while_the_first_is_pruning_and_the_first_finishes_the_job(
        db_url: str, uow_factory: Factory, now: datetime) -> None:
    await _store(uow_factory, outbox=[_outbox(OutboxStatus.SENT, now - 20 * DAY) for _ in range(10)])
    engines = [make_engine(db_url), make_engine(db_url)]
    try:
        paused = PausedStore(make_session_factory(engines[0]))
        paused.first, paused.go = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(Housekeeper(paused, POLICY, "a", clock=lambda: now).run_once())
        await paused.first.wait()
        second = await Housekeeper(SqlAlchemyHousekeeping(make_session_factory(engines[1])), POLICY, "b",
                                   clock=lambda: now).run_once()
        paused.go.set()
        report = await first
    finally:
        for engine in engines:
            await engine.dispose()
    assert second.skipped and second.total == 0
    assert not report.skipped and report.counts[Target.OUTBOX_SENT] == 10
    assert (await _left(uow_factory))[1] == []
