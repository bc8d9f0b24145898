"""Audit trail (last batch for undo) and the key/value settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage_helpers import Factory

from domain.audit import AuditEntry


def _entry(actor: int | None, entity_id: int, batch: str, at: datetime, action: str = "update") -> AuditEntry:
    return AuditEntry(actor, "opportunity", entity_id, action, at, changes={"stage": ["proposal", "won"]},
                      batch=batch)


async def test_entries_are_listed_per_entity_oldest_first(uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        first = await uow.audit.add(_entry(1, 7, "b1", now))
        await uow.audit.add(AuditEntry(1, "customer", 7, "create", now, batch="b1"))
        second = await uow.audit.add(_entry(2, 7, "b2", now + timedelta(minutes=1)))
        await uow.commit()
    assert first.id is not None
    async with uow_factory() as uow:
        assert list(await uow.audit.for_entity("opportunity", 7)) == [first, second]
        assert await uow.audit.for_entity("opportunity", 8) == []


async def test_last_batch_is_the_actors_latest_batch_newest_entry_first(
        uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        await uow.audit.add(_entry(1, 1, "old", now))
        a = await uow.audit.add(_entry(1, 2, "new", now))
        b = await uow.audit.add(_entry(1, 3, "new", now))
        await uow.audit.add(_entry(2, 4, "someone-else", now))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.audit.last_batch(1)) == [b, a]
        assert [e.entity_id for e in await uow.audit.last_batch(2)] == [4]
        assert await uow.audit.last_batch(3) == []


async def test_an_undone_batch_is_skipped_and_undo_entries_never_form_a_batch(
        uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        old = await uow.audit.add(_entry(1, 1, "old", now))
        await uow.audit.add(_entry(1, 2, "new", now))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.audit.mark_undone("new")
        await uow.audit.add(_entry(1, 2, "undo-of-new", now, action="undo"))
        await uow.audit.add(_entry(1, 9, "", now))  # no batch: not undoable as a batch
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.audit.last_batch(1)) == [old]
        await uow.audit.mark_undone("old")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.audit.last_batch(1) == []
        assert len(await uow.audit.for_entity("opportunity", 2)) == 2  # undone entries are kept


async def test_settings_are_upserted_json_values(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        assert await uow.settings.get("round_robin:华东") is None
        await uow.settings.put("round_robin:华东", {"next": 3, "reps": [1, 2, 3]})
        await uow.settings.put("token:wecom", "abc")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.settings.get("round_robin:华东") == {"next": 3, "reps": [1, 2, 3]}
        await uow.settings.put("round_robin:华东", {"next": 1, "note": "轮到张三"})
        await uow.settings.put("token:wecom", None)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.settings.get("round_robin:华东") == {"next": 1, "note": "轮到张三"}
        assert await uow.settings.get("token:wecom") is None


async def test_take_returns_the_value_once_and_removes_the_key(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        await uow.settings.put("pending:capture:1:console:a", {"text": "#1 项目暂停了"})
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.settings.take("pending:capture:1:console:a") == {"text": "#1 项目暂停了"}
        assert await uow.settings.take("pending:capture:1:console:a") is None
        assert await uow.settings.take("never:there") is None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.settings.get("pending:capture:1:console:a") is None
