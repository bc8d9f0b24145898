"""Mail threads: find the thread of a Message-ID, token or sender in one query; write a batch's keys at once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import desc, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lead import LeadStatus
from domain.mail import HeldStatus, MailKey, MailLink, MailThread, QuarantineEntry
from domain.opportunity import OPEN_STAGES
from storage.mapping import RowMapper
from storage.models import LeadRow, MailThreadRow, OpportunityRow
from storage.models.mail import MailQuarantineRow
from storage.repositories.base import before_write, dialect_insert

THREADS = RowMapper(MailThread)
QUARANTINE = RowMapper(QuarantineEntry)
MAX_KEY = 255
KEYS_PER_QUERY = 1000  # keys of one IN (...): far below PostgreSQL's 32,767 and SQLite's parameter limits
_LINK_COLUMNS = ("customer_id", "contact_id", "lead_id", "opportunity_id", "at", "subject")
_OPEN_LEADS = (LeadStatus.NEW.value, LeadStatus.ASSIGNED.value)


def stored_key(key: str) -> str:
    """Keys longer than the column (absurd Message-IDs) are stored as their SHA-256."""
    return key if len(key) <= MAX_KEY else "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


class SqlAlchemyMailThreadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, keys: Iterable[str]) -> Sequence[MailThread]:
        """Rows of any kind whose key is one of `keys` (keys of different kinds never look alike)."""
        wanted = {stored_key(key): key for key in keys if key}
        stored = list(wanted)
        found: list[MailThread] = []
        for start in range(0, len(stored), KEYS_PER_QUERY):
            chunk = stored[start : start + KEYS_PER_QUERY]
            rows = await self.session.scalars(select(MailThreadRow).where(MailThreadRow.key.in_(chunk)))
            found += [THREADS.load(row) for row in rows]
        for thread in found:
            thread.key = wanted.get(thread.key, thread.key)
        return found

    async def add_many(self, threads: Iterable[MailThread]) -> None:
        """Insert; an existing (kind, key) is kept, except SENDER rows, which point at the newest thread."""
        kept: dict[tuple[str, str], dict[str, Any]] = {}
        replaced: dict[tuple[str, str], dict[str, Any]] = {}
        for thread in threads:
            values = THREADS.columns(thread, with_id=False)
            values.update(key=stored_key(thread.key), sender=thread.sender[:MAX_KEY],
                          subject=thread.subject[:MAX_KEY], sender_name=thread.sender_name[:MAX_KEY])
            if thread.kind is MailKey.SENDER:
                replaced[(thread.kind.value, values["key"])] = values
            else:
                kept.setdefault((thread.kind.value, values["key"]), values)
        if kept or replaced:
            await before_write(self.session)
        if kept:  # executemany: one cached statement, sent in batches (no per-size compilation)
            stmt = dialect_insert(self.session, MailThreadRow).on_conflict_do_nothing(index_elements=["key", "kind"])
            await self.session.execute(stmt, list(kept.values()))
        if replaced:
            upsert = dialect_insert(self.session, MailThreadRow)
            upsert = upsert.on_conflict_do_update(
                index_elements=["key", "kind"], set_={name: upsert.excluded[name] for name in _LINK_COLUMNS})
            await self.session.execute(upsert, list(replaced.values()))

    async def recent(self, senders: Iterable[str], since: datetime) -> Sequence[tuple[str, datetime]]:
        """(sender, at) of captured messages from these senders at or after `since`."""
        wanted = list({sender for sender in senders if sender})
        found: list[tuple[str, datetime]] = []
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            stmt = select(MailThreadRow.sender, MailThreadRow.at).where(
                MailThreadRow.sender.in_(wanted[start : start + KEYS_PER_QUERY]), MailThreadRow.at >= since,
                MailThreadRow.kind == MailKey.MESSAGE.value, MailThreadRow.outbound.is_(False))
            found += [(row.sender, row.at) for row in await self.session.execute(stmt)]
        return found

    async def token_for(self, *, lead_id: int | None = None, opportunity_id: int | None = None) -> str | None:
        """The reply token already given to this deal (else lead), if any."""
        for column, value in ((MailThreadRow.opportunity_id, opportunity_id), (MailThreadRow.lead_id, lead_id)):
            if value is None:
                continue
            stmt = (select(MailThreadRow.key).where(MailThreadRow.kind == MailKey.TOKEN.value, column == value)
                    .order_by(MailThreadRow.id).limit(1))
            if (token := await self.session.scalar(stmt)) is not None:
                return token
        return None

    async def messages_of(self, *, lead_id: int | None = None, opportunity_id: int | None = None,
                          limit: int = 10) -> Sequence[MailThread]:
        """Messages (captured and sent) of a deal or of the lead it came from, newest first."""
        matches = [column == value for column, value in ((MailThreadRow.opportunity_id, opportunity_id),
                                                         (MailThreadRow.lead_id, lead_id)) if value is not None]
        if not matches:
            return []
        stmt = (select(MailThreadRow).where(MailThreadRow.kind == MailKey.MESSAGE.value, or_(*matches))
                .order_by(desc(MailThreadRow.at), desc(MailThreadRow.id)).limit(limit))
        return [THREADS.load(row) for row in await self.session.scalars(stmt)]

    async def open_work(self, customer_ids: Iterable[int]) -> Sequence[MailLink]:
        """Open deals (most recently updated first), then open leads (newest first) of these customers."""
        wanted = list(set(customer_ids))
        if not wanted:
            return []
        deals = (select(OpportunityRow.id, OpportunityRow.customer_id, OpportunityRow.contact_id,
                        OpportunityRow.lead_id)
                 .where(OpportunityRow.customer_id.in_(wanted),
                        OpportunityRow.stage.in_([stage.value for stage in OPEN_STAGES]))
                 .order_by(desc(OpportunityRow.updated_at).nulls_last(), desc(OpportunityRow.id)))
        leads = (select(LeadRow.id, LeadRow.customer_id, LeadRow.contact_id)
                 .where(LeadRow.customer_id.in_(wanted), LeadRow.status.in_(_OPEN_LEADS))
                 .order_by(desc(LeadRow.id)))
        links = [MailLink(row.customer_id, row.contact_id, row.lead_id, row.id)
                 for row in await self.session.execute(deals)]
        links += [MailLink(row.customer_id, row.contact_id, row.id) for row in await self.session.execute(leads)]
        return links

    async def settle_held(self, code: str, status: str) -> bool:
        """One conditional UPDATE: of two processes (or a replayed tap) settling the same mail, one wins."""
        await before_write(self.session)
        stmt = (update(MailThreadRow)
                .where(MailThreadRow.kind == MailKey.HELD.value, MailThreadRow.key == code,
                       MailThreadRow.status == HeldStatus.HELD.value)
                .values(status=status).execution_options(synchronize_session=False))
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0) == 1)

class SqlAlchemyMailQuarantineRepository:
    """Mails that could not be stored (connectors.email.quarantine), newest first for admins."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, entry: QuarantineEntry) -> bool:
        await before_write(self.session)
        values = QUARANTINE.columns(entry, with_id=False)
        stmt = (dialect_insert(self.session, MailQuarantineRow).values(**values)
                .on_conflict_do_nothing(index_elements=["mailbox", "uidvalidity", "uid"])
                .returning(MailQuarantineRow.id))
        entry.id = await self.session.scalar(stmt)
        return entry.id is not None

    async def latest(self, limit: int = 20) -> Sequence[QuarantineEntry]:
        stmt = select(MailQuarantineRow).order_by(desc(MailQuarantineRow.at), desc(MailQuarantineRow.id)).limit(limit)
        return [QUARANTINE.load(row) for row in await self.session.scalars(stmt)]

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(MailQuarantineRow)) or 0)
