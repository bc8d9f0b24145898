"""The feed the known-customer matcher reads: customers' names by keyset pages, and changes since a mark."""

from __future__ import annotations

from datetime import UTC, datetime

from storage_helpers import Factory

from domain.audit import AuditEntry
from domain.customer import Customer, CustomerNames


async def test_names_after_pages_by_id_and_max_id_follows_new_customers(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        assert await uow.customers.max_id() == 0
        first = await uow.customers.add(Customer("明途科技有限公司", short_name="明途", aliases=["MingTu"]))
        second = await uow.customers.add(Customer("Blue Sea Logistics Ltd."))
        third = await uow.customers.add(Customer("华为技术有限公司", aliases=["HUAWEI", "华为"]))
        await uow.commit()
    assert first.id is not None and second.id is not None and third.id is not None
    async with uow_factory() as uow:
        assert await uow.customers.max_id() == third.id
        page = await uow.customers.names_after(0, limit=2)
        rest = await uow.customers.names_after(page[-1].id, limit=2)
        assert await uow.customers.names_after(third.id) == []
    assert page == [CustomerNames(first.id, "明途科技有限公司", "明途", ("MingTu",)),
                    CustomerNames(second.id, "Blue Sea Logistics Ltd.", "", ())]
    assert rest == [CustomerNames(third.id, "华为技术有限公司", "", ("HUAWEI", "华为"))]


async def test_changes_after_lists_the_entries_about_one_entity_after_a_mark(uow_factory: Factory) -> None:
    at = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    async with uow_factory() as uow:
        assert await uow.audit.max_id() == 0
        for entity, entity_id in (("customer", 5), ("opportunity", 1), ("customer", 6), ("customer", 5)):
            await uow.audit.add(AuditEntry(actor_id=1, entity=entity, entity_id=entity_id, action="update",
                                           at=at, changes={}, batch="b"))
        await uow.commit()
    async with uow_factory() as uow:
        top = await uow.audit.max_id()
        changes = await uow.audit.changes_after("customer", 0)
        assert [c[1] for c in changes] == [5, 6, 5]
        assert await uow.audit.changes_after("customer", changes[1][0]) == [changes[2]]
        assert await uow.audit.changes_after("customer", top) == []
    assert top == changes[2][0]
