"""Pruning of expired inbox, outbox and audit rows, one bounded chunk per transaction (domain.retention).

Every chunk is one short transaction: renew the housekeeping lease (a row in `settings`, locked FOR UPDATE
on PostgreSQL; SQLite's BEGIN IMMEDIATE serializes anyway), pick at most `limit` expired ids in index
order FOR UPDATE SKIP LOCKED, optionally hand the rows to an archive, delete them by id, commit. Deleted
rows leave the index, so the next chunk starts where this one ended; the audit rows undo still needs are
excluded in the query itself. Neither engine holds a lock for longer than one chunk, and
two processes never prune at once: the second finds the lease held and stops. Even without the lease the
deletes tolerate each other (SKIP LOCKED ids, DELETE by id of rows that may already be gone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Integer, Table, and_, any_, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.audit import UNDO_ACTION
from domain.messaging import InboxState, OutboxStatus
from domain.retention import Target
from storage import deal_totals
from storage.errors import retrying
from storage.models import AuditRow, InboxRow, OutboxRow, SettingRow, UsageEventRow
from storage.mysql import is_mysql
from storage.repositories.base import dialect_insert, table_of
from storage.repositories.skip_locked import lock_skipping

LEASE_KEY = "housekeeping:lease"
Archive = Callable[[Target, Sequence[dict[str, Any]]], None]
_NO_SYNC = {"synchronize_session": False}
_TABLES: dict[Target, Table] = {Target.INBOX: table_of(InboxRow), Target.OUTBOX_SENT: table_of(OutboxRow),
                                Target.OUTBOX_FAILED: table_of(OutboxRow), Target.AUDIT: table_of(AuditRow),
                                Target.USAGE: table_of(UsageEventRow)}


def expired(target: Target, cutoff: datetime) -> ColumnElement[bool]:
    """The rows of `target` that may be pruned at `cutoff` (before the audit's last-batch rule)."""
    if target is Target.INBOX:
        return (InboxRow.state == InboxState.DONE.value) & (InboxRow.processed_at < cutoff)
    if target is Target.OUTBOX_SENT:
        return (OutboxRow.status == OutboxStatus.SENT.value) & (OutboxRow.sent_at < cutoff)
    if target is Target.OUTBOX_FAILED:
        return (OutboxRow.status == OutboxStatus.FAILED.value) & (OutboxRow.created_at < cutoff)
    if target is Target.USAGE:
        return UsageEventRow.at < cutoff
    return AuditRow.at < cutoff


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk's outcome: `deleted` rows; `held` False when another process holds the lease (nothing
    was done)."""

    deleted: int
    held: bool = True


CHUNK_ATTEMPTS = 3  # a chunk rolled back by a deadlock is tried again (storage.errors.is_transient)

@dataclass(slots=True)
class Lease:
    worker: str
    now: datetime
    ttl: timedelta


class SqlAlchemyHousekeeping:
    """`protected` caches, per actor, the batch undo would take back (audit rows of it are kept)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory
        self.protected: dict[int, str | None] = {}

    def reset(self) -> None:
        """A new run: the actors' last batches are read afresh."""
        self.protected.clear()

    async def prune_chunk(self, target: Target, cutoff: datetime, limit: int, *, lease: Lease | None = None,
                          archive: Archive | None = None) -> Chunk:
        """Delete at most about `limit` expired rows of `target` in one transaction.

        The candidates are walked in the index's order (no sort), so a chunk costs the same at the first row
        and the millionth. SQLite: DELETE ... WHERE id IN (SELECT id ... LIMIT n), the ids never leave the
        database. PostgreSQL: the ids are locked FOR UPDATE SKIP LOCKED (a concurrent pruner never waits
        on them) and fetched, then deleted by primary key as one array parameter. MySQL (no LIMIT inside
        an IN subquery): the same, with the ids as an IN list. A deadlock with a pruner racing without the
        lease (MySQL's DELETE may read rows the other holds) rolls the chunk back and tries it again, unless
        its rows were already handed to `archive`.
        """
        return await retrying(lambda: self._prune_chunk(target, cutoff, limit, lease, archive),
                              attempts=CHUNK_ATTEMPTS, what=f"a {target.value} chunk",
                              may_retry=lambda: archive is None)

    async def _prune_chunk(self, target: Target, cutoff: datetime, limit: int, lease: Lease | None,
                           archive: Archive | None) -> Chunk:
        async with self.session_factory() as session:
            if lease is not None and not await _hold(session, lease):
                return Chunk(0, held=False)
            where = await self._where(session, target, cutoff, limit)
            table = _TABLES[target]
            ids = await _chosen(session, table, where, limit, archive is not None)
            if archive is not None:
                rows = await session.execute(select(table).where(ids).order_by(table.c.id))
                archive(target, [dict(row._mapping) for row in rows])
            result = await session.execute(delete(table).where(ids), execution_options=_NO_SYNC)
            await session.commit()  # also when nothing was deleted: the lease renewal
            return Chunk(int(getattr(result, "rowcount", 0) or 0))

    async def count(self, target: Target, cutoff: datetime) -> int:
        """How many rows of `target` a run would delete now (the dry run)."""
        async with self.session_factory() as session:
            where = await self._where(session, target, cutoff, None)
            return int(await session.scalar(select(func.count()).select_from(_TABLES[target]).where(*where)) or 0)

    async def _where(self, session: AsyncSession, target: Target, cutoff: datetime,
                     limit: int | None) -> list[ColumnElement[bool]]:
        """The expired rows; for the audit, without the batches undo would take back next (one per actor)
        among the actors of the next `limit` candidates (all of them when None)."""
        where = [expired(target, cutoff)]
        if target is not Target.AUDIT:
            return where
        while True:
            kept = [batch for batch in self.protected.values() if batch]
            where = [expired(target, cutoff), *([AuditRow.batch.not_in(kept)] if kept else [])]
            candidates = select(AuditRow.actor_id).where(*where).limit(limit).subquery()
            found = await session.scalars(select(candidates.c.actor_id).distinct())
            new = {actor for actor in found if actor is not None} - set(self.protected)
            if not new:
                return where
            for actor in new:  # their rows come back as candidates until their last batch is known
                self.protected[actor] = await session.scalar(
                    select(AuditRow.batch)
                    .where(AuditRow.actor_id == actor, AuditRow.undone.is_(False), AuditRow.batch != "",
                           AuditRow.action != UNDO_ACTION)
                    .order_by(AuditRow.id.desc()).limit(1))

    async def compact(self) -> None:
        """Reclaim what counting writes left behind in the deal totals summary (storage.deal_totals)."""
        await deal_totals.vacuum(self.session_factory.kw["bind"])  # no session: VACUUM runs outside one

    async def release(self, worker: str) -> None:
        """Give the lease up (end of a run), if this worker holds it."""
        async with self.session_factory() as session:
            value = await session.scalar(select(SettingRow.value).where(SettingRow.key == LEASE_KEY)
                                         .with_for_update())
            if isinstance(value, dict) and value.get("holder") == worker:
                await session.execute(update(SettingRow).where(SettingRow.key == LEASE_KEY)
                                      .values(value={"holder": "", "until": ""}), execution_options=_NO_SYNC)
                await session.commit()


async def _chosen(session: AsyncSession, table: Table, where: list[ColumnElement[bool]], limit: int,
                  fetch: bool) -> ColumnElement[bool]:
    """The next `limit` rows `where` matches, locked FOR UPDATE SKIP LOCKED: `id IN (picked)` (SQLite), or with
    the ids fetched first: on PostgreSQL `id = ANY(:ids)`, one array parameter whatever the chunk (an IN
    subquery there can turn into a scan of the whole table); on MySQL (and to archive) `id IN (:ids)`, the ids
    locked through storage.repositories.skip_locked (MySQL would lock every candidate it reads)."""
    dialect = session.get_bind().dialect.name
    if is_mysql(dialect):
        found = await lock_skipping(session, table, table.c.id, and_(*where), (table.c.id,), limit)
        return table.c.id.in_([row.id for row in found])
    picked = select(table.c.id).where(*where).limit(limit).with_for_update(skip_locked=True)
    if not (fetch or dialect != "sqlite"):
        return table.c.id.in_(picked)
    ids = list(await session.scalars(picked))
    if dialect == "postgresql":
        return table.c.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return table.c.id.in_(ids)


async def _hold(session: AsyncSession, lease: Lease) -> bool:
    """Take or renew the housekeeping lease; False when another worker holds it and it has not run out.

    The lease row is locked until this chunk's transaction ends, so holders never overlap.
    """
    lock = select(SettingRow.value).where(SettingRow.key == LEASE_KEY).with_for_update()
    value = await session.scalar(lock)
    if value is None:  # inserted only when missing: MySQL's duplicate check takes a shared lock, and two holders
        # of it both asking for the row's write lock would deadlock
        empty = {"holder": "", "until": ""}
        await session.execute(dialect_insert(session, SettingRow).values(key=LEASE_KEY, value=empty)
                              .on_conflict_do_nothing(index_elements=["key"]))
        value = await session.scalar(lock)
    holder = value.get("holder", "") if isinstance(value, dict) else ""
    until = value.get("until", "") if isinstance(value, dict) else ""
    if holder and holder != lease.worker and until and datetime.fromisoformat(until) > lease.now:
        return False
    renewed = {"holder": lease.worker, "until": (lease.now + lease.ttl).isoformat()}
    await session.execute(update(SettingRow).where(SettingRow.key == LEASE_KEY).values(value=renewed),
                          execution_options=_NO_SYNC)
    return True
