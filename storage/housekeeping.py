"""Pruning of expired inbox, outbox and audit rows, one bounded chunk per transaction (domain.retention).

Every chunk is one short transaction: renew the housekeeping lease (a row in `settings`, locked FOR UPDATE
on PostgreSQL; SQLite's BEGIN IMMEDIATE serializes anyway), pick at most `limit` expired ids after the
last one seen (keyset: a kept row is never looked at twice) FOR UPDATE SKIP LOCKED, optionally hand the
rows to an archive, delete them by id, commit. Neither engine holds a lock for longer than one chunk, and
two processes never prune at once: the second finds the lease held and stops. Even without the lease the
deletes tolerate each other (SKIP LOCKED ids, DELETE by id of rows that may already be gone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.messaging import InboxState, OutboxStatus
from domain.retention import Target
from storage.models import AuditRow, InboxRow, OutboxRow, SettingRow
from storage.repositories.base import dialect_insert, table_of
from storage.repositories.system import UNDO_ACTION

LEASE_KEY = "housekeeping:lease"
Archive = Callable[[Target, Sequence[dict[str, Any]]], None]
_NO_SYNC = {"synchronize_session": False}
_TABLES: dict[Target, Table] = {Target.INBOX: table_of(InboxRow), Target.OUTBOX_SENT: table_of(OutboxRow),
                                Target.OUTBOX_FAILED: table_of(OutboxRow), Target.AUDIT: table_of(AuditRow)}


def expired(target: Target, cutoff: datetime) -> ColumnElement[bool]:
    """The rows of `target` that may be pruned at `cutoff` (before the audit's last-batch rule)."""
    if target is Target.INBOX:
        return (InboxRow.state == InboxState.DONE.value) & (InboxRow.processed_at < cutoff)
    if target is Target.OUTBOX_SENT:
        return (OutboxRow.status == OutboxStatus.SENT.value) & (OutboxRow.sent_at < cutoff)
    if target is Target.OUTBOX_FAILED:
        return (OutboxRow.status == OutboxStatus.FAILED.value) & (OutboxRow.created_at < cutoff)
    return AuditRow.at < cutoff


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk's outcome: `deleted` rows; `last_id` the highest id looked at (None: nothing left);
    `held` False when another process holds the lease (nothing was done)."""

    deleted: int
    last_id: int | None
    held: bool = True


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

    async def prune_chunk(self, target: Target, cutoff: datetime, after: int, limit: int, *,
                          lease: Lease | None = None, dry_run: bool = False,
                          archive: Archive | None = None) -> Chunk:
        async with self.session_factory() as session:
            if lease is not None and not await _hold(session, lease):
                return Chunk(0, None, held=False)
            chunk = await self._chunk(session, target, cutoff, after, limit, dry_run, archive)
            await session.commit()  # also when nothing was deleted: the lease renewal
            return chunk

    async def _chunk(self, session: AsyncSession, target: Target, cutoff: datetime, after: int, limit: int,
                     dry_run: bool, archive: Archive | None) -> Chunk:
        """The ids stay in the database: only the chunk's last id, its actors (audit) and counts come back,
        so a chunk costs the event loop next to nothing whatever its size."""
        table = _TABLES[target]
        picked = (select(table.c.id).where(expired(target, cutoff), table.c.id > after)
                  .order_by(table.c.id).limit(limit).subquery())
        last = await session.scalar(select(func.max(picked.c.id)))
        if last is None:
            return Chunk(0, None)
        where = [expired(target, cutoff), table.c.id > after, table.c.id <= last]
        if target is Target.AUDIT and (kept := await self._protected(session, where)):
            where.append(AuditRow.batch.not_in(kept))
        if dry_run:
            return Chunk(int(await session.scalar(select(func.count()).where(*where)) or 0), last)
        ids = select(table.c.id).where(*where).with_for_update(skip_locked=True)  # PostgreSQL: never wait
        if archive is not None:
            rows = await session.execute(select(table).where(table.c.id.in_(ids)).order_by(table.c.id))
            archive(target, [dict(row._mapping) for row in rows])
        result = await session.execute(delete(table).where(table.c.id.in_(ids)), execution_options=_NO_SYNC)
        return Chunk(int(getattr(result, "rowcount", 0) or 0), last)

    async def release(self, worker: str) -> None:
        """Give the lease up (end of a run), if this worker holds it."""
        async with self.session_factory() as session:
            value = await session.scalar(select(SettingRow.value).where(SettingRow.key == LEASE_KEY))
            if isinstance(value, dict) and value.get("holder") == worker:
                await session.execute(update(SettingRow).where(SettingRow.key == LEASE_KEY)
                                      .values(value={"holder": "", "until": ""}), execution_options=_NO_SYNC)
                await session.commit()

    async def _protected(self, session: AsyncSession, where: list[ColumnElement[bool]]) -> list[str]:
        """The batches among the chunk's audit rows that undo would take back next (one per actor)."""
        found = await session.scalars(select(AuditRow.actor_id).where(*where).distinct())
        actors = {actor for actor in found if actor is not None}
        for actor in actors - set(self.protected):
            latest = (select(AuditRow.batch)
                      .where(AuditRow.actor_id == actor, AuditRow.undone.is_(False), AuditRow.batch != "",
                             AuditRow.action != UNDO_ACTION)
                      .order_by(AuditRow.id.desc()).limit(1))
            self.protected[actor] = await session.scalar(latest)
        return [batch for actor in actors if (batch := self.protected[actor])]


async def _hold(session: AsyncSession, lease: Lease) -> bool:
    """Take or renew the housekeeping lease; False when another worker holds it and it has not run out.

    The lease row is locked until this chunk's transaction ends, so holders never overlap.
    """
    await session.execute(dialect_insert(session, SettingRow).values(key=LEASE_KEY, value={"holder": "", "until": ""})
                          .on_conflict_do_nothing(index_elements=["key"]))
    value = await session.scalar(select(SettingRow.value).where(SettingRow.key == LEASE_KEY).with_for_update())
    holder = value.get("holder", "") if isinstance(value, dict) else ""
    until = value.get("until", "") if isinstance(value, dict) else ""
    if holder and holder != lease.worker and until and datetime.fromisoformat(until) > lease.now:
        return False
    renewed = {"holder": lease.worker, "until": (lease.now + lease.ttl).isoformat()}
    await session.execute(update(SettingRow).where(SettingRow.key == LEASE_KEY).values(value=renewed),
                          execution_options=_NO_SYNC)
    return True
