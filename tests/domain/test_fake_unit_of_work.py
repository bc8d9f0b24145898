"""FakeUnitOfWork behaves like the real one: nothing is kept unless committed."""

import pytest

from domain.customer import Contact, Customer
from domain.errors import NotFound
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Team
from tests.fakes import FakeStore, FakeUnitOfWork, as_port


async def test_changes_are_visible_to_later_units_only_after_commit(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.customers.add(Customer("明途科技"))
        await uow.commit()
        assert uow.committed
    async with store.uow() as uow:
        assert (await uow.customers.get(1)).name == "明途科技"


async def test_leaving_without_commit_rolls_back(store: FakeStore) -> None:
    uow = store.uow()
    async with uow:
        await uow.customers.add(Customer("明途科技"))
        assert await uow.customers.count() == 1
    assert not uow.committed
    async with store.uow() as later:
        assert await later.customers.count() == 0


async def test_an_exception_rolls_back(store: FakeStore) -> None:
    with pytest.raises(RuntimeError):
        async with store.uow() as uow:
            await uow.customers.add(Customer("明途科技"))
            raise RuntimeError("boom")
    async with store.uow() as uow:
        assert await uow.customers.find(1) is None


async def test_work_after_the_last_commit_is_rolled_back(store: FakeStore) -> None:
    async with store.uow() as uow:
        customer = await uow.customers.add(Customer("明途科技"))
        await uow.commit()
        customer.name = "改名"
        await uow.customers.save(customer)
        await uow.settings.put("k", 1)
    async with store.uow() as uow:
        assert (await uow.customers.get(1)).name == "明途科技"
        assert await uow.settings.get("k") is None


async def test_explicit_rollback_discards_changes(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.teams.add(Team("华东"))
        await uow.rollback()
        assert await uow.teams.list() == []


async def test_open_unit_does_not_see_commits_made_after_it_began(store: FakeStore) -> None:
    async with store.uow() as first, store.uow() as second:
        await first.reps.add(Rep("张三"))
        await first.commit()
        assert await second.reps.list() == []
    async with store.uow() as third:
        assert [r.name for r in await third.reps.list()] == ["张三"]


async def test_loaded_objects_are_copies_so_unsaved_changes_are_lost(store: FakeStore) -> None:
    async with store.uow() as uow:
        opp = await uow.opportunities.add(Opportunity(customer_id=1, name="ERP"))
        opp.name = "not saved"
        assert (await uow.opportunities.get(1)).name == "ERP"
        loaded = await uow.opportunities.get(1)
        loaded.stage = Stage.PROPOSAL
        await uow.opportunities.save(loaded)
        assert (await uow.opportunities.get(1)).stage is Stage.PROPOSAL


async def test_ids_count_per_table_and_missing_rows_raise_not_found(store: FakeStore) -> None:
    async with store.uow() as uow:
        assert (await uow.customers.add(Customer("a"))).id == 1
        assert (await uow.customers.add(Customer("b"))).id == 2
        assert (await uow.teams.add(Team("t"))).id == 1
        with pytest.raises(NotFound) as raised:
            await uow.customers.get(9)
        assert raised.value.message("zh") == "找不到客户 #9"
        assert raised.value.message("en") == "No customer #9 found"
        with pytest.raises(NotFound) as lead_missing:
            await uow.leads.get(4)
        assert lead_missing.value.message("zh") == "找不到线索 L4"
        with pytest.raises(NotFound):
            await uow.customers.save(Customer("never added"))


async def test_add_always_assigns_a_fresh_id(store: FakeStore) -> None:
    async with store.uow() as uow:
        first = await uow.teams.add(Team("a", id=5))
        second = await uow.teams.add(Team("b"))
        assert (first.id, second.id) == (1, 2)


async def test_delete_removes_a_row_on_commit(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.contacts.add(Contact(1, "李四"))
        await uow.commit()
    async with store.uow() as uow:
        await uow.contacts.delete(await uow.contacts.get(1))
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.contacts.find(1) is None


async def test_settings_store_copies_of_values(store: FakeStore) -> None:
    async with store.uow() as uow:
        cursors = {"1": 2}
        await uow.settings.put("assign:cursors", cursors)
        cursors["1"] = 3
        assert await uow.settings.get("assign:cursors") == {"1": 2}
        assert await uow.settings.get("missing") is None
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.settings.get("assign:cursors") == {"1": 2}


def test_fake_unit_of_work_satisfies_the_port() -> None:
    uow = FakeUnitOfWork()
    assert as_port(uow) is uow
