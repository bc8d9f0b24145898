"""Audit rows written in bulk: visible to reads in the same unit of work, undone with a failed savepoint."""

from __future__ import annotations

from datetime import datetime

import pytest
from storage_helpers import Factory

from domain.audit import AuditEntry


def entry(entity_id: int, batch: str, at: datetime) -> AuditEntry:
    return AuditEntry(1, "opportunity", entity_id, "update", at, {"stage": ["proposal", "won"]}, batch=batch)


async def test_entries_added_in_bulk_are_seen_by_reads_before_the_commit(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        await uow.audit.add_many([entry(1, "b1", now), entry(2, "b1", now)])
        assert [e.entity_id for e in await uow.audit.last_batch(1)] == [2, 1]
        await uow.commit()
    async with uow_factory() as uow:
        assert [e.entity_id for e in await uow.audit.for_entity("opportunity", 2)] == [2]


async def test_bulk_entries_are_committed_with_the_unit_of_work(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        await uow.audit.add_many([entry(3, "b2", now)])
        await uow.commit()
    async with uow_factory() as uow:
        assert [e.batch for e in await uow.audit.last_batch(1)] == ["b2"]


async def test_bulk_entries_of_a_failed_savepoint_are_dropped(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        await uow.audit.add_many([entry(1, "kept", now)])
        with pytest.raises(RuntimeError):
            async with uow.savepoint():
                await uow.audit.add_many([entry(2, "dropped", now)])
                raise RuntimeError("handler failed")
        await uow.commit()
    async with uow_factory() as uow:
        assert [e.batch for e in await uow.audit.last_batch(1)] == ["kept"]
        assert await uow.audit.for_entity("opportunity", 2) == []


async def test_bulk_entries_are_gone_after_a_rollback(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        await uow.audit.add_many([entry(1, "b3", now)])
        await uow.rollback()
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.audit.last_batch(1) == []
