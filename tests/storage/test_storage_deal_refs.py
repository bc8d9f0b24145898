"""Bulk reads for imports and exports: deals by ref, deals by id page, follow-ups of many deals (more than one
IN-list chunk), on both engines and in the fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from domain.activity import FollowUp
from domain.customer import Customer
from domain.opportunity import Opportunity, Stage, StageChange
from domain.ports import UnitOfWork
from storage.repositories.base import CHUNK
from tests.fakes import FakeStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_refs_pages_and_followups_are_read_in_bulk(uow_factory: Callable[[], UnitOfWork]) -> None:
    await check_bulk_reads(uow_factory)


async def test_the_fakes_read_the_same() -> None:
    await check_bulk_reads(FakeStore().uow)


async def check_bulk_reads(factory: Callable[[], UnitOfWork]) -> None:
    total = CHUNK + 20
    async with factory() as uow:
        customer = await uow.customers.add(Customer(name="杭州明途信息技术有限公司"))
        assert customer.id is not None
        for number in range(total):
            history = [StageChange(Stage.INITIAL_CONTACT, Stage.PROPOSAL, T0 + timedelta(days=1), None)]
            deal = await uow.opportunities.add(Opportunity(customer_id=customer.id, name=f"d{number}",
                                                           ref=f"R{number}" if number else "", history=history))
            await uow.followups.add_many([FollowUp(rep_id=None, note="", at=T0 + timedelta(days=day),
                                                   opportunity_id=deal.id) for day in (3, 2)])
        await uow.commit()
    async with factory() as uow:
        found = await uow.opportunities.by_refs([f"R{n}" for n in range(total + 5)] + [""])
        first_page = await uow.opportunities.after(0, 10)
        rest = await uow.opportunities.after(first_page[-1].id or 0, 10_000)
        followups = await uow.followups.for_opportunities(d.id or 0 for d in [*first_page, *rest])
    assert sorted(found) == sorted(f"R{n}" for n in range(1, total))  # the deal without a ref is never found
    assert found["R7"].name == "d7" and found["R7"].history[0].target is Stage.PROPOSAL
    assert [d.name for d in [*first_page, *rest]] == [f"d{n}" for n in range(total)]
    assert len(followups) == total
    assert all([f.at for f in items] == [T0 + timedelta(days=2), T0 + timedelta(days=3)]
               for items in followups.values())
