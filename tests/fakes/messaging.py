"""Fake audit, inbox and outbox repositories (mail threads, quarantine, settings: tests.fakes.mail)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.audit import UNDO_ACTION, AuditEntry
from domain.messaging import Claim, InboxRecord, InboxState, OutboxItem, OutboxStatus, RetryPolicy
from tests.fakes.store import _Table

if TYPE_CHECKING:
    pass


class FakeAuditRepository(_Table[AuditEntry]):
    """Undone entries are kept as ids in the "audit_undone" table, like the real `undone` column."""

    async def add(self, entry: AuditEntry) -> AuditEntry:
        return self._insert(entry)

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            self._insert(copy.copy(entry))

    async def for_entity(self, entity: str, entity_id: int) -> Sequence[AuditEntry]:
        """Oldest first."""
        return self._select(lambda e: e.entity == entity and e.entity_id == entity_id)

    async def last_batch(self, actor_id: int) -> Sequence[AuditEntry]:
        """Newest first. Entries of an undo (action "undo") or without a batch never form a batch."""
        undone = self._uow.data["audit_undone"]
        live = [e for e in self._select(lambda e: e.actor_id == actor_id and e.id not in undone)
                if e.batch]
        batches = [e.batch for e in live if e.action != UNDO_ACTION]
        return [e for e in reversed(live) if e.batch == batches[-1]] if batches else []

    async def mark_undone(self, batch: str) -> None:
        for row in self._rows.values():
            if row.batch == batch:
                self._uow.data["audit_undone"][row.id] = True
                self._uow.dirty.add(("audit_undone", row.id))

    async def max_id(self) -> int:
        return max((row.id or 0 for row in self._rows.values()), default=0)

    async def changes_after(self, entity: str, after_id: int, limit: int = 1000) -> Sequence[tuple[int, int]]:
        found = self._select(lambda e: (e.id or 0) > after_id and e.entity == entity)
        return [(e.id or 0, e.entity_id) for e in found[:limit]]

    async def by_actor(self, actor_id: int, since: datetime, until: datetime,
                       limit: int = 200) -> Sequence[AuditEntry]:
        undone = self._uow.data["audit_undone"]
        return self._select(lambda e: e.actor_id == actor_id and since <= e.at < until
                            and e.id not in undone)[:limit]


class FakeInboxRepository(_Table[InboxRecord]):
    """The inbox work queue in memory (no row locks: one fake unit of work runs at a time)."""

    def _stored(self, channel: str, external_id: str) -> InboxRecord | None:
        rows = (*self._rows.values(), *self._uow.store.tables[self._table].values())
        return next((r for r in rows if (r.channel, r.external_id) == (channel, external_id)), None)

    def _change(self, row: InboxRecord, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(row, name, value)
        self._uow.dirty.add((self._table, row.id))

    def _mine(self, keys: Iterable[tuple[str, str]], worker: str) -> list[InboxRecord]:
        wanted = set(keys)
        return list(self._select(lambda r: (r.channel, r.external_id) in wanted and r.claimed_by == worker
                                 and r.state is InboxState.CLAIMED))

    async def add(self, record: InboxRecord, claim: Claim | None = None) -> bool:
        if self._stored(record.channel, record.external_id) is not None:
            return False
        if claim is not None:
            record.claim(claim)
        self._insert(record)
        return True

    async def take(self, claim: Claim, now: datetime, limit: int = 100,
                   max_attempts: int | None = None) -> Sequence[InboxRecord]:
        return self._take(lambda r: True, claim, now, limit, max_attempts)

    async def take_over(self, keys: Iterable[tuple[str, str]], claim: Claim, now: datetime,
                        max_attempts: int | None = None) -> Sequence[InboxRecord]:
        wanted = set(keys)
        return self._take(lambda r: (r.channel, r.external_id) in wanted, claim, now, len(wanted), max_attempts)

    def _take(self, keep: Callable[[InboxRecord], bool], claim: Claim, now: datetime, limit: int,
              max_attempts: int | None) -> list[InboxRecord]:
        def claimable(r: InboxRecord) -> bool:
            due = r.state is InboxState.PENDING and (r.next_attempt_at is None or r.next_attempt_at <= now)
            expired = r.state is InboxState.CLAIMED and r.lease_until is not None and r.lease_until < now
            return keep(r) and (due or expired)

        taken = []
        for row in self._select(claimable)[:limit]:
            if max_attempts is not None and row.state is InboxState.CLAIMED and row.attempts >= max_attempts:
                self._change(row, state=InboxState.DEAD, claimed_by=None, lease_until=None,
                             last_error="the lease ran out on every attempt")
                continue
            self._change(row, state=InboxState.CLAIMED, claimed_by=claim.worker, lease_until=claim.until,
                         attempts=row.attempts + 1, next_attempt_at=None)
            taken.append(copy.copy(row))
        return taken

    async def hold(self, keys: Iterable[tuple[str, str]], claim: Claim) -> set[tuple[str, str]]:
        rows = self._mine(keys, claim.worker)
        for row in rows:
            self._change(row, lease_until=claim.until)
        return {(r.channel, r.external_id) for r in rows}

    async def lock(self, keys: Iterable[tuple[str, str]], worker: str) -> set[tuple[str, str]]:
        return {(r.channel, r.external_id) for r in self._mine(keys, worker)}

    async def mark_done(self, keys: Iterable[tuple[str, str]], worker: str, at: datetime) -> int:
        rows = self._mine(keys, worker)
        for row in rows:
            self._change(row, state=InboxState.DONE, processed_at=at, lease_until=None)
        return len(rows)

    async def fail(self, key: tuple[str, str], worker: str, error: str, now: datetime,
                   policy: RetryPolicy) -> InboxState | None:
        rows = self._mine([key], worker)
        if not rows:
            return None
        retry_at = policy.next_attempt(rows[0].attempts, now)
        state = InboxState.PENDING if retry_at is not None else InboxState.DEAD
        self._change(rows[0], state=state, claimed_by=None, lease_until=None, next_attempt_at=retry_at,
                     last_error=error)
        return state

    async def release(self, keys: Iterable[tuple[str, str]], worker: str) -> int:
        rows = self._mine(keys, worker)
        for row in rows:
            self._change(row, state=InboxState.PENDING, claimed_by=None, lease_until=None,
                         next_attempt_at=None, attempts=max(0, row.attempts - 1))
        return len(rows)

    async def held_by(self, worker: str, limit: int = 500) -> Sequence[InboxRecord]:
        return self._select(lambda r: r.claimed_by == worker and r.state is InboxState.CLAIMED)[:limit]

    async def dead(self, limit: int = 100) -> Sequence[InboxRecord]:
        return list(reversed(self._select(lambda r: r.state is InboxState.DEAD)))[:limit]

    async def count_dead(self) -> int:
        return len(self._select(lambda r: r.state is InboxState.DEAD))

    async def retry_dead(self, record_id: int) -> bool:
        row = self._rows.get(record_id)
        if row is None or row.state is not InboxState.DEAD:
            return False
        self._change(row, state=InboxState.PENDING, attempts=0, next_attempt_at=None)
        return True

    async def mark_processed(self, channel: str, external_id: str, at: datetime) -> None:
        row = next((r for r in self._rows.values() if (r.channel, r.external_id) == (channel, external_id)),
                   None)
        if row is not None:  # an unknown message is ignored, like an UPDATE matching no row
            self._change(row, processed_at=at, state=InboxState.DONE, lease_until=None)

    async def mark_processed_many(self, keys: Iterable[tuple[str, str]], at: datetime) -> None:
        for channel, external_id in keys:
            await self.mark_processed(channel, external_id, at)

    async def unprocessed(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Pending or claimed, oldest (first stored) first."""
        return self._select(lambda r: r.state in (InboxState.PENDING, InboxState.CLAIMED))[:limit]


class FakeOutboxRepository(_Table[OutboxItem]):
    async def add(self, item: OutboxItem) -> OutboxItem | None:
        if item.dedupe_key is not None and any(
                r.dedupe_key == item.dedupe_key
                for r in (*self._rows.values(), *self._uow.store.tables[self._table].values())):
            return None
        return self._insert(item)

    async def add_many(self, items: Sequence[OutboxItem]) -> None:
        for item in items:
            await self.add(copy.copy(item))

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        rows = (*self._rows.values(), *self._uow.store.tables[self._table].values())
        return {r.dedupe_key for r in rows if r.dedupe_key in wanted}

    async def claim(self, now: datetime, limit: int = 50,
                    channels: Iterable[str] | None = None) -> Sequence[OutboxItem]:
        """Due pending items, oldest first; each gets status sending and one more attempt."""
        wanted = None if channels is None else set(channels)
        store = self._uow.store

        def claimable(r: OutboxItem) -> bool:
            committed = store.tables[self._table].get(r.id)
            return (r.status is OutboxStatus.PENDING and (r.not_before is None or r.not_before <= now)
                    and (wanted is None or r.channel in wanted)
                    and store.locks.get((self._table, r.id), self._uow.token) == self._uow.token
                    and (committed is None or committed.status is OutboxStatus.PENDING))

        taken: list[OutboxItem] = []
        blocked: set[tuple[str, str]] = set()  # in order per recipient, as the SQL claim
        for r in self._select(lambda r: True):
            if (r.channel, r.recipient) in blocked:
                continue
            if claimable(r) and len(taken) < limit:
                taken.append(r)
            elif _in_line(r, now):
                blocked.add((r.channel, r.recipient))
        for item in taken:
            item.status, item.attempts = OutboxStatus.SENDING, item.attempts + 1
            store.locks[(self._table, item.id)] = self._uow.token
            self._put(item)
        return taken

    def _update(self, item_id: int, **changes: Any) -> None:
        """Like an UPDATE by id: an unknown id changes nothing."""
        row = self._rows.get(item_id)
        if row is not None:
            for name, value in changes.items():
                setattr(row, name, value)
            self._uow.dirty.add((self._table, item_id))

    async def mark_sent(self, item_id: int, at: datetime) -> None:
        self._update(item_id, status=OutboxStatus.SENT, sent_at=at, last_error="")

    async def mark_retry(self, item_id: int, not_before: datetime, error: str, attempted: bool = True) -> None:
        row = self._rows.get(item_id)
        attempts = {} if attempted or row is None else {"attempts": max(0, row.attempts - 1)}
        self._update(item_id, status=OutboxStatus.PENDING, not_before=not_before, last_error=error, **attempts)

    async def mark_failed(self, item_id: int, error: str) -> None:
        self._update(item_id, status=OutboxStatus.FAILED, last_error=error)

    async def release(self, item_ids: Iterable[int]) -> int:
        rows = [r for i in item_ids if (r := self._rows.get(i)) is not None and r.status is OutboxStatus.SENDING]
        for row in rows:
            self._update(row.id or 0, status=OutboxStatus.PENDING, attempts=max(0, row.attempts - 1))
        return len(rows)

    async def renew(self, item_ids: Iterable[int], at: datetime) -> set[int]:
        return {i for i in item_ids if (r := self._rows.get(i)) is not None and r.status is OutboxStatus.SENDING}

    async def release_stale(self, claimed_before: datetime) -> int:
        """The fake keeps no claim times: every sending item counts as stale."""
        rows = self._select(lambda r: r.status is OutboxStatus.SENDING)
        for row in rows:
            self._update(row.id or 0, status=OutboxStatus.PENDING)
        return len(rows)

    async def pending_for(self, channel: str, recipient: str, due_by: datetime | None = None) -> Sequence[OutboxItem]:
        return self._select(
            lambda r: r.status is OutboxStatus.PENDING and (r.channel, r.recipient) == (channel, recipient)
            and (due_by is None or r.not_before is None or r.not_before <= due_by))

    async def listing(self, statuses: Iterable[OutboxStatus], limit: int = 100,
                      with_error: bool = False) -> Sequence[OutboxItem]:
        wanted = set(statuses)
        return self._select(lambda r: r.status in wanted and (bool(r.last_error) or not with_error))[:limit]

    async def count_failed(self) -> int:
        return len(self._select(lambda r: r.status is OutboxStatus.FAILED))


def _in_line(item: OutboxItem, now: datetime) -> bool:
    """Later items to the same recipient wait for this one: sending, due, or waiting for a retry."""
    if item.status is OutboxStatus.SENDING:
        return True
    return item.status is OutboxStatus.PENDING and (
        item.attempts > 0 or bool(item.last_error) or item.not_before is None or item.not_before <= now)

    async def count_failed(self) -> int:
        return len(self._select(lambda r: r.status is OutboxStatus.FAILED))
