"""What the pipeline and the mail path need from persistence: the audit trail, the inbox and outbox work
queues, mail threads, quarantine and settings. storage/ implements these; domain.ports re-exports them
(UnitOfWork holds one of each)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.audit import AuditEntry
from domain.mail import MailLink, MailThread, QuarantineEntry
from domain.messaging import Claim, InboxRecord, InboxState, OutboxItem, OutboxStatus, RetryPolicy


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> AuditEntry: ...
    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        """Several entries in one statement, in order; their ids are not set."""
        ...
    async def for_entity(self, entity: str, entity_id: int) -> Sequence[AuditEntry]: ...
    async def last_batch(self, actor_id: int) -> Sequence[AuditEntry]:
        """Entries of the actor's most recent batch that was not undone, newest first."""
        ...
    async def mark_undone(self, batch: str) -> None:
        """Flag every entry of `batch` as undone, so last_batch moves on to the batch before it."""
        ...
    async def max_id(self) -> int:
        """The highest entry id (0 when there are none)."""
        ...
    async def changes_after(self, entity: str, after_id: int, limit: int = 1000) -> Sequence[tuple[int, int]]:
        """(entry id, entity id) of the entries about `entity` with an id above `after_id`, by id."""
        ...
    async def by_actor(self, actor_id: int, since: datetime, until: datetime,
                       limit: int = 200) -> Sequence[AuditEntry]:
        """The actor's entries with `since` <= at < `until` that were not undone, oldest first, at most
        `limit` (daily reports: what a rep recorded that day)."""
        ...


class InboxRepository(Protocol):
    """The inbox as a work queue: pending -> claimed (worker, lease) -> done | dead (DESIGN.md §1)."""

    async def add(self, record: InboxRecord, claim: Claim | None = None) -> bool:
        """False when (channel, external_id) is already stored; with `claim` the new row is born claimed."""
        ...
    async def take(self, claim: Claim, now: datetime, limit: int = 100,
                   max_attempts: int | None = None) -> Sequence[InboxRecord]:
        """Claim due pending rows and rows whose lease expired (SKIP LOCKED); expired and spent ones die."""
        ...
    async def take_over(self, keys: Iterable[tuple[str, str]], claim: Claim, now: datetime,
                        max_attempts: int | None = None) -> Sequence[InboxRecord]:
        """`take`, limited to these (channel, external_id) keys (a redelivery)."""
        ...
    async def hold(self, keys: Iterable[tuple[str, str]], claim: Claim) -> set[tuple[str, str]]:
        """Renew the lease of the keys still claimed by claim.worker (row-locked until commit); those keys."""
        ...
    async def lock(self, keys: Iterable[tuple[str, str]], worker: str) -> set[tuple[str, str]]:
        """The keys still claimed by `worker`, row-locked until commit (start of a batch); writes nothing."""
        ...
    async def mark_done(self, keys: Iterable[tuple[str, str]], worker: str, at: datetime) -> int:
        """Done, only for rows still claimed by `worker`; how many."""
        ...
    async def fail(self, key: tuple[str, str], worker: str, error: str, now: datetime,
                   policy: RetryPolicy) -> InboxState | None:
        """Back to pending after a backoff, or dead; None when `worker` does not hold the row."""
        ...
    async def release(self, keys: Iterable[tuple[str, str]], worker: str) -> int:
        """Give claims back (pending, attempt not counted); how many."""
        ...
    async def held_by(self, worker: str, limit: int = 500) -> Sequence[InboxRecord]: ...
    async def dead(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Dead letters, newest first."""
        ...
    async def count_dead(self) -> int: ...
    async def retry_dead(self, record_id: int) -> bool:
        """A dead row back to pending with fresh attempts; False when it is not dead."""
        ...
    async def mark_processed(self, channel: str, external_id: str, at: datetime) -> None: ...
    async def mark_processed_many(self, keys: Iterable[tuple[str, str]], at: datetime) -> None:
        """mark_processed for many (channel, external_id) keys in one go."""
        ...
    async def unprocessed(self, limit: int = 100) -> Sequence[InboxRecord]:
        """Pending or claimed rows, oldest first."""
        ...


class OutboxRepository(Protocol):
    async def add(self, item: OutboxItem) -> OutboxItem | None:
        """None when an item with the same dedupe_key exists."""
        ...
    async def add_many(self, items: Sequence[OutboxItem]) -> None:
        """Several items in one statement; items whose dedupe_key exists are skipped; ids are not set."""
        ...
    async def claim(self, now: datetime, limit: int = 50,
                    channels: Iterable[str] | None = None) -> Sequence[OutboxItem]:
        """Atomically take due pending items (FOR UPDATE SKIP LOCKED on PostgreSQL) and mark them sending."""
        ...
    async def mark_sent(self, item_id: int, at: datetime) -> None: ...
    async def mark_retry(self, item_id: int, not_before: datetime, error: str, attempted: bool = True) -> None:
        """Back to pending, not before `not_before`. attempted=False: the claim's attempt is given back
        (the channel deferred the message without trying it)."""
        ...
    async def mark_failed(self, item_id: int, error: str) -> None: ...
    async def release(self, item_ids: Iterable[int]) -> int:
        """Give back this worker's unsent claims (pending again, attempt not counted); how many."""
        ...
    async def renew(self, item_ids: Iterable[int], at: datetime) -> set[int]:
        """Extend this worker's claims on items still sending (a long round); the ids it still holds."""
        ...
    async def release_stale(self, claimed_before: datetime) -> int:
        """Items left sending by a claimer that died (claimed before `claimed_before`) back to pending."""
        ...
    async def pending_for(self, channel: str, recipient: str, due_by: datetime | None = None) -> Sequence[OutboxItem]:
        """Items still waiting to be sent to this recipient, oldest first; with `due_by`, only those whose
        not_before (quiet hours, a retry's wait) has come by then."""
        ...
    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these dedupe keys are already queued (or sent): what a proactive job has done."""
        ...
    async def listing(self, statuses: Iterable[OutboxStatus], limit: int = 100,
                      with_error: bool = False) -> Sequence[OutboxItem]:
        """Items in any of `statuses` (`with_error`: that failed at least once), oldest first (`dealbot outbox`)."""
        ...
    async def count_failed(self) -> int:
        """Items the dispatcher gave up on (status failed) and still kept: the digest's line for admins."""
        ...


class MailThreadRepository(Protocol):
    """Threading keys of the email channel (domain.mail): Message-IDs, reply tokens, senders."""

    async def find(self, keys: Iterable[str]) -> Sequence[MailThread]:
        """Rows of any kind whose key is one of `keys`."""
        ...
    async def add_many(self, threads: Iterable[MailThread]) -> None:
        """Insert; an existing (kind, key) is kept, except SENDER rows, which are replaced."""
        ...
    async def recent(self, senders: Iterable[str], since: datetime) -> Sequence[tuple[str, datetime]]:
        """(sender, at) of captured (not sent) messages from these senders at or after `since`."""
        ...
    async def token_for(self, *, lead_id: int | None = None, opportunity_id: int | None = None) -> str | None:
        """The reply token already given to this deal (checked first) or lead."""
        ...
    async def messages_of(self, *, lead_id: int | None = None, opportunity_id: int | None = None,
                          limit: int = 10) -> Sequence[MailThread]:
        """MESSAGE rows linked to the deal or the lead, newest first."""
        ...
    async def open_work(self, customer_ids: Iterable[int]) -> Sequence[MailLink]:
        """Links to the open deals (latest updated first), then open leads (newest first), of these customers."""
        ...
    async def settle_held(self, code: str, status: str) -> bool:
        """Move the HELD row `code` from held to `status`; False if it is not (or no longer) held."""
        ...


class MailQuarantineRepository(Protocol):
    """Captured mails that could not be stored (domain.mail.QuarantineEntry), for admins to look at."""

    async def add(self, entry: QuarantineEntry) -> bool:
        """False when that mailbox/UIDVALIDITY/UID is already recorded."""
        ...
    async def latest(self, limit: int = 20) -> Sequence[QuarantineEntry]:
        """Newest first."""
        ...
    async def count(self) -> int: ...


class SettingsRepository(Protocol):
    """Small key/value state shared by processes: round-robin cursors, token caches."""

    async def get(self, key: str) -> Any | None: ...
    async def put(self, key: str, value: Any) -> None: ...
    async def take(self, key: str) -> Any | None: ...

    async def claim(self, key: str, value: Any) -> bool:
        """Store `value` under `key` only if the key is absent: True for the one transaction that did."""
