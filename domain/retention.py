"""Retention: how long processed queue rows and the audit trail are kept before housekeeping prunes them.

What is never pruned, whatever the configuration:
- inbox rows that are not done (pending, claimed, dead): work still to do, or a dead letter for the admin;
- outbox rows pending or sending;
- audit rows newer than the undo window, and each actor's last undoable batch (storage keeps that one).

Done inbox rows are the deduplication memory of the queue: their unique (channel, external_id) is what
turns a platform's redelivery into a duplicate. WeCom redelivers within seconds, DingTalk re-sends an
un-ACKed frame at reconnect, IMAP bookmarks stop refetching after a restart — so a floor of one day is
plenty, and the default of 14 days leaves a wide margin (a mailbox restored from a backup, a long outage).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DAY = timedelta(days=1)


class Target(StrEnum):
    """What one pruning pass deletes from."""

    INBOX = "inbox"  # done inbox rows, by processed_at
    OUTBOX_SENT = "outbox_sent"  # sent outbox rows, by sent_at
    OUTBOX_FAILED = "outbox_failed"  # outbox rows given up on, by created_at
    AUDIT = "audit"  # audit rows, by at
    USAGE = "usage"  # usage events (issue #16), by at


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Days to keep each kind of row; 0 keeps it forever. `chunk` rows are deleted per transaction."""

    inbox_days: int = 14
    outbox_days: int = 7
    failed_days: int = 90
    audit_days: int = 730
    usage_days: int = 400  # [usage] retention_days
    interval_hours: float = 24.0
    chunk: int = 1000  # SQLite runs a chunk on the event loop: 1000 rows ~15 ms, 5000 rows up to ~140 ms
    undo_window: timedelta = DAY  # audit rows this recent are always kept

    def __post_init__(self) -> None:
        if self.chunk < 1:
            raise ValueError("chunk must be at least 1")
        if min(self.inbox_days, self.outbox_days, self.failed_days, self.audit_days, self.usage_days) < 0:
            raise ValueError("retention days must be 0 (keep forever) or more")

    def cutoffs(self, now: datetime) -> dict[Target, datetime]:
        """Rows of each target older than its cutoff may go; a target kept forever has no entry."""
        days = {Target.INBOX: self.inbox_days, Target.OUTBOX_SENT: self.outbox_days,
                Target.OUTBOX_FAILED: self.failed_days, Target.AUDIT: self.audit_days, Target.USAGE: self.usage_days}
        found = {target: now - n * DAY for target, n in days.items() if n > 0}
        if Target.AUDIT in found:  # never inside the undo window, whatever audit_days says
            found[Target.AUDIT] = min(found[Target.AUDIT], now - self.undo_window)
        return found


@dataclass(slots=True)
class PruneReport:
    """Rows deleted (or, in a dry run, that would be) per target; `skipped` when another process held
    the housekeeping lease and this one did nothing."""

    counts: dict[Target, int]
    dry_run: bool = False
    skipped: bool = False
    chunks: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())
