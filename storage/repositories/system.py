"""Audit trail and key/value settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import UNDO_ACTION, AuditEntry
from storage.mapping import RowMapper
from storage.models import AuditRow, SettingRow
from storage.repositories.base import before_write, dialect_insert, statement, table_of

AUDIT = table_of(AuditRow)


class SqlAlchemyAuditRepository:
    """`add_many` is write-behind: rows wait in memory until an audit read, `add`, or the commit
    (SqlAlchemyUnitOfWork.commit calls `flush`), so a batch's audit rows go out in one statement."""

    mapper = RowMapper(AuditEntry)

    def __init__(self, session: AsyncSession,
                 observer: Callable[[Sequence[AuditEntry]], None] | None = None) -> None:
        """`observer` sees every entry written (the unit of work's webhook events, storage.events)."""
        self.session = session
        self.pending: list[dict[str, Any]] = []
        self.observer = observer

    async def flush(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            await self.session.execute(statement(__name__, "add_many", lambda: insert(AUDIT)), rows)

    async def add(self, entry: AuditEntry) -> AuditEntry:
        await self.flush()
        if self.observer is not None:
            self.observer([entry])
        await before_write(self.session)
        stmt = statement(__name__, "add", lambda: insert(AUDIT).returning(AUDIT.c.id))
        values = {**self.mapper.columns(entry, with_id=False), "undone": False}
        entry.id = (await self.session.execute(stmt, values)).scalar_one()
        return entry

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        if self.observer is not None:
            self.observer(entries)
        self.pending += [{**self.mapper.columns(entry, with_id=False), "undone": False} for entry in entries]

    async def for_entity(self, entity: str, entity_id: int) -> Sequence[AuditEntry]:
        """Oldest first."""
        await self.flush()
        stmt = select(AuditRow).where(AuditRow.entity == entity, AuditRow.entity_id == entity_id)
        return [self.mapper.load(row) for row in await self.session.scalars(stmt.order_by(AuditRow.id))]

    async def last_batch(self, actor_id: int) -> Sequence[AuditEntry]:
        """Entries of the actor's most recent batch that was not undone, newest first.

        Entries recorded by an undo (action "undo") and entries without a batch never form a batch.
        """
        await self.flush()
        latest = (select(AuditRow.batch)
                  .where(AuditRow.actor_id == actor_id, AuditRow.undone.is_(False), AuditRow.batch != "",
                         AuditRow.action != UNDO_ACTION)
                  .order_by(AuditRow.id.desc()).limit(1))
        batch = await self.session.scalar(latest)
        if batch is None:
            return []
        stmt = (select(AuditRow)
                .where(AuditRow.actor_id == actor_id, AuditRow.batch == batch, AuditRow.undone.is_(False))
                .order_by(AuditRow.id.desc()))
        return [self.mapper.load(row) for row in await self.session.scalars(stmt)]

    async def mark_undone(self, batch: str) -> None:
        """Flag a batch as undone, so `last_batch` moves on to the one before it."""
        await self.flush()
        await before_write(self.session)
        stmt = update(AuditRow).where(AuditRow.batch == batch).values(undone=True)
        await self.session.execute(stmt, execution_options={"synchronize_session": False})

    async def max_id(self) -> int:
        return int(await self.session.scalar(select(func.max(AuditRow.id))) or 0)

    async def by_actor(self, actor_id: int, since: datetime, until: datetime,
                       limit: int = 200) -> Sequence[AuditEntry]:
        """The actor's entries of [since, until) not undone, oldest first (index wanted: actor_id, at)."""
        await self.flush()
        stmt = statement(__name__, "by_actor", lambda: select(AUDIT).where(
            AUDIT.c.actor_id == bindparam("actor"), AUDIT.c.at >= bindparam("since"),
            AUDIT.c.at < bindparam("until"), AUDIT.c.undone.is_(False))
            .order_by(AUDIT.c.id).limit(bindparam("limit")))
        result = await self.session.execute(stmt, {"actor": actor_id, "since": since, "until": until,
                                                   "limit": limit})
        return [self.mapper.load(row) for row in result.all()]

    async def changes_after(self, entity: str, after_id: int, limit: int = 1000) -> Sequence[tuple[int, int]]:
        """A range scan of the primary key from `after_id`: cheap when asked often."""
        await self.flush()
        stmt = (select(AuditRow.id, AuditRow.entity_id).where(AuditRow.id > after_id, AuditRow.entity == entity)
                .order_by(AuditRow.id).limit(limit))
        return [(entry_id, entity_id) for entry_id, entity_id in await self.session.execute(stmt)]


class SqlAlchemySettingsRepository:
    """Small JSON values under a string key; `put` is an upsert, safe across processes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> Any | None:
        return await self.session.scalar(select(SettingRow.value).where(SettingRow.key == key))

    async def put(self, key: str, value: Any) -> None:
        await before_write(self.session)
        stmt = dialect_insert(self.session, SettingRow).values(key=key, value=value)
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
        await self.session.execute(stmt)

    async def claim(self, key: str, value: Any) -> bool:
        """Insert unless the key exists (of two processes claiming one key, the second gets False)."""
        await before_write(self.session)
        stmt = dialect_insert(self.session, SettingRow).values(key=key, value=value).on_conflict_do_nothing()
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def take(self, key: str) -> Any | None:
        """Remove the key and return its value, atomically: of two transactions taking the same key, the
        second waits for the first and gets None (a pending question answered twice is answered once)."""
        await before_write(self.session)
        stmt = delete(SettingRow).where(SettingRow.key == key).returning(SettingRow.value)
        return await self.session.scalar(stmt)
