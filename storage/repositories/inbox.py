"""The inbox as a work queue (DESIGN.md §1): deduplicated on (channel, external_id), claimed with leases.

A row is pending -> claimed (claimed_by, lease_until; attempts counts claims) -> done | dead. Every write
that finishes or gives back a claim checks that the row is still claimed by the one writing. PostgreSQL:
candidates are selected FOR UPDATE SKIP LOCKED, then updated, so concurrent claimers get disjoint rows
without waiting; SQLite: the same statements, transactions take turns (BEGIN IMMEDIATE, storage.engine).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.messaging import Claim, InboxRecord, InboxState, RetryPolicy
from storage.mapping import RowMapper
from storage.models import InboxRow
from storage.repositories.base import before_write, dialect_insert, statement, table_of
from storage.repositories.returning import update_returning
from storage.repositories.skip_locked import lock_skipping

INBOX = RowMapper(InboxRecord)
INBOX_TABLE = table_of(InboxRow)
_NO_SYNC = {"synchronize_session": False}
_CHUNK = 1000  # keys per statement (PostgreSQL takes at most 32,767 parameters)
_ERROR_CHARS = 2000
Key = tuple[str, str]  # (channel, external_id)

PENDING, CLAIMED, DONE, DEAD = (s.value for s in (InboxState.PENDING, InboxState.CLAIMED, InboxState.DONE,
                                                  InboxState.DEAD))


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(InboxRow.state == PENDING, or_(InboxRow.next_attempt_at.is_(None), InboxRow.next_attempt_at <= now))


def _expired(now: datetime) -> ColumnElement[bool]:
    return and_(InboxRow.state == CLAIMED, InboxRow.lease_until < now)


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or claimed by someone whose lease ran out (a dead or stuck worker)."""
    return or_(_due(now), _expired(now))


def _chunks(keys: Iterable[Key]) -> list[tuple[str, list[str]]]:
    """(channel, external ids) groups of at most _CHUNK keys: each one statement on the unique index."""
    by_channel: dict[str, list[str]] = {}
    for channel, external_id in keys:
        by_channel.setdefault(channel, []).append(external_id)
    return [(channel, ids[i:i + _CHUNK]) for channel, ids in by_channel.items() for i in range(0, len(ids), _CHUNK)]


def _keyed(channel: str, ids: list[str]) -> ColumnElement[bool]:
    return and_(InboxRow.channel == channel, InboxRow.external_id.in_(ids))


class SqlAlchemyInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: InboxRecord, claim: Claim | None = None) -> bool:
        """False when (channel, external_id) is already stored. Sets `record.id` when new.

        With `claim` the row is born claimed by that worker (the process that stores it works on it).
        """
        await before_write(self.session)
        if claim is not None:
            record.claim(claim)
        stmt = (dialect_insert(self.session, InboxRow).values(**INBOX.columns(record, with_id=False))
                .on_conflict_do_nothing(index_elements=["channel", "external_id"]).returning(InboxRow.id))
        new_id = (await self.session.execute(stmt)).scalar_one_or_none()
        if new_id is None:
            return False
        record.id = new_id
        return True

    async def take(self, claim: Claim, now: datetime, limit: int = 100,
                   max_attempts: int | None = None) -> list[InboxRecord]:
        """The sweep: claim rows whose lease expired, then pending rows that are due (each oldest first).

        An expired claim that already used `max_attempts` attempts (its worker died on it every time)
        becomes dead instead.
        """
        taken = await self._take(_expired(now), claim, now, limit, max_attempts)  # each on its own index
        return taken + await self._take(_due(now), claim, now, limit - len(taken), max_attempts)

    async def take_over(self, keys: Iterable[Key], claim: Claim, now: datetime,
                        max_attempts: int | None = None) -> list[InboxRecord]:
        """A redelivery of stored rows: claim those of `keys` that are pending (and due) or expired."""
        taken: list[InboxRecord] = []
        for channel, ids in _chunks(keys):
            taken += await self._take(and_(_keyed(channel, ids), _claimable(now)), claim, now, len(ids),
                                      max_attempts)
        return taken

    async def hold(self, keys: Iterable[Key], claim: Claim) -> set[Key]:
        """Renew the lease of the rows of `keys` still claimed by `claim.worker`; those keys.

        At the start of a batch transaction this also row-locks them on PostgreSQL until the commit,
        so no sweep can take them over in between.
        """
        await before_write(self.session)
        held: set[Key] = set()
        for channel, ids in _chunks(keys):
            rows = await update_returning(
                self.session, table_of(InboxRow),
                and_(_keyed(channel, ids), InboxRow.claimed_by == claim.worker, InboxRow.state == CLAIMED),
                {"lease_until": claim.until}, [InboxRow.external_id])
            held.update((channel, row[0]) for row in rows)
        return held

    async def lock(self, keys: Iterable[Key], worker: str) -> set[Key]:
        """The keys still claimed by `worker`, row-locked until the commit (PostgreSQL FOR UPDATE; SQLite's
        transaction holds the write lock already): no sweep can take them over meanwhile. Writes nothing."""
        held: set[Key] = set()
        for channel, ids in _chunks(keys):
            stmt = (select(InboxRow.external_id)
                    .where(_keyed(channel, ids), InboxRow.claimed_by == worker, InboxRow.state == CLAIMED)
                    .with_for_update())
            held.update((channel, external_id) for external_id in await self.session.scalars(stmt))
        return held

    async def mark_done(self, keys: Iterable[Key], worker: str, at: datetime) -> int:
        """Done, for the rows still claimed by `worker`; how many."""
        await before_write(self.session)
        count = 0
        for channel, ids in _chunks(keys):
            stmt = (update(InboxRow)
                    .where(_keyed(channel, ids), InboxRow.claimed_by == worker, InboxRow.state == CLAIMED)
                    .values(state=DONE, processed_at=at, lease_until=None))
            count += _rowcount(await self.session.execute(stmt, execution_options=_NO_SYNC))
        return count

    async def fail(self, key: Key, worker: str, error: str, now: datetime, policy: RetryPolicy) -> InboxState | None:
        """Processing failed: back to pending after a backoff, or dead once the attempts are used up.

        Only a row still claimed by `worker` changes; its new state, or None when it was not held.
        """
        await before_write(self.session)
        where = (_keyed(key[0], [key[1]]), InboxRow.claimed_by == worker, InboxRow.state == CLAIMED)
        attempts = await self.session.scalar(select(InboxRow.attempts).where(*where).with_for_update())
        if attempts is None:
            return None
        retry_at = policy.next_attempt(attempts, now)
        state = PENDING if retry_at is not None else DEAD
        stmt = (update(InboxRow).where(*where)
                .values(state=state, claimed_by=None, lease_until=None, next_attempt_at=retry_at,
                        last_error=error[:_ERROR_CHARS]))
        await self.session.execute(stmt, execution_options=_NO_SYNC)
        return InboxState(state)

    async def release(self, keys: Iterable[Key], worker: str) -> int:
        """Give back claims (graceful stop): pending again at once, the attempt not counted; how many."""
        await before_write(self.session)
        count = 0
        for channel, ids in _chunks(keys):
            stmt = (update(InboxRow)
                    .where(_keyed(channel, ids), InboxRow.claimed_by == worker, InboxRow.state == CLAIMED)
                    .values(state=PENDING, claimed_by=None, lease_until=None, next_attempt_at=None,
                            attempts=case((InboxRow.attempts > 0, InboxRow.attempts - 1), else_=0)))
            count += _rowcount(await self.session.execute(stmt, execution_options=_NO_SYNC))
        return count

    async def held_by(self, worker: str, limit: int = 500) -> list[InboxRecord]:
        """Rows claimed by `worker`, oldest first (to find what this process accepted but never queued)."""
        stmt = (select(InboxRow).where(InboxRow.claimed_by == worker, InboxRow.state == CLAIMED)
                .order_by(InboxRow.id).limit(limit))
        return [INBOX.load(row) for row in await self.session.scalars(stmt)]

    async def dead(self, limit: int = 100) -> list[InboxRecord]:
        """Dead letters, newest first."""
        stmt = select(InboxRow).where(InboxRow.state == DEAD).order_by(InboxRow.id.desc()).limit(limit)
        return [INBOX.load(row) for row in await self.session.scalars(stmt)]

    async def count_dead(self) -> int:
        """How many messages failed for good (for the admin's digest)."""
        return int(await self.session.scalar(select(func.count()).where(InboxRow.state == DEAD)) or 0)

    async def retry_dead(self, record_id: int) -> bool:
        """Put a dead row back to pending with fresh attempts; False when `record_id` is not dead."""
        await before_write(self.session)
        stmt = (update(InboxRow).where(InboxRow.id == record_id, InboxRow.state == DEAD)
                .values(state=PENDING, attempts=0, next_attempt_at=None, claimed_by=None, lease_until=None))
        return _rowcount(await self.session.execute(stmt, execution_options=_NO_SYNC)) > 0

    async def mark_processed(self, channel: str, external_id: str, at: datetime) -> None:
        """Done, whoever holds it (maintenance and tests; the bot uses `mark_done`)."""
        await self.mark_processed_many([(channel, external_id)], at)

    async def mark_processed_many(self, keys: Iterable[Key], at: datetime) -> None:
        await before_write(self.session)
        stmt = statement(__name__, "processed", lambda: update(INBOX_TABLE).where(
            INBOX_TABLE.c.channel == bindparam("b_channel"),
            INBOX_TABLE.c.external_id.in_(bindparam("b_ids", expanding=True)))
            .values(processed_at=bindparam("b_at"), state=DONE, lease_until=None))
        for channel, external_ids in _chunks(keys):
            await self.session.execute(stmt, {"b_channel": channel, "b_ids": external_ids, "b_at": at})

    async def unprocessed(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Pending or claimed (not done, not dead), oldest first."""
        stmt = (select(InboxRow).where(InboxRow.state.in_((PENDING, CLAIMED))).order_by(InboxRow.id)
                .limit(limit))
        return [INBOX.load(row) for row in await self.session.scalars(stmt)]

    async def _take(self, where: ColumnElement[bool], claim: Claim, now: datetime, limit: int,
                    max_attempts: int | None) -> list[InboxRecord]:
        """Lock the candidates (skipping rows others hold locked), then claim or dead-letter them.

        Ids first, update second: an UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)
        may re-run its subquery and take more than n rows.
        """
        await before_write(self.session)
        if limit <= 0:
            return []
        found = await lock_skipping(self.session, InboxRow, InboxRow.id, where,
                                    (InboxRow.id, InboxRow.state, InboxRow.attempts), limit)
        spent = [row.id for row in found if max_attempts is not None and row.state == CLAIMED
                 and row.attempts >= max_attempts]
        ids = [row.id for row in found if row.id not in set(spent)]
        if spent:
            await self.session.execute(
                update(InboxRow).where(InboxRow.id.in_(spent))
                .values(state=DEAD, claimed_by=None, lease_until=None,
                        last_error="the lease ran out on every attempt (the worker stopped while processing it)"),
                execution_options=_NO_SYNC)
        if not ids:
            return []
        rows = await update_returning(
            self.session, table_of(InboxRow), and_(InboxRow.id.in_(ids), _claimable(now)),
            {"state": CLAIMED, "claimed_by": claim.worker, "lease_until": claim.until,
             "attempts": InboxRow.attempts + 1, "next_attempt_at": None}, list(InboxRow.__table__.columns))
        return sorted((INBOX.load(row) for row in rows), key=lambda r: r.id or 0)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
