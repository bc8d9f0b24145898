"""A deal's history and shares stay right when `save` relies on what was read earlier in the batch."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from storage_helpers import Factory, Parents

from domain.errors import NotFound
from domain.opportunity import Opportunity, Stage
from domain.people import Rep


async def test_deal_read_before_a_rolled_back_savepoint_is_saved_with_the_rows_that_remain(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        other = (await uow.reps.add(Rep("乙"))).id or 0
        async with uow.savepoint():  # the first message: shares and advances, then fails
            deal = await uow.opportunities.get(parents.opportunity_id)
            deal.shared_with.append(other)
            deal.advance_to(Stage.PROPOSAL, by=parents.rep_id, at=now)
            await uow.opportunities.save(deal)
            with pytest.raises(RuntimeError):
                async with uow.savepoint():
                    again = await uow.opportunities.get(parents.opportunity_id)
                    again.advance_to(Stage.NEGOTIATION, by=parents.rep_id, at=now + timedelta(days=1))
                    again.shared_with.clear()
                    await uow.opportunities.save(again)
                    raise RuntimeError("the handler failed")
            deal.name = "改名"  # the object read before the rolled-back block, saved again
            await uow.opportunities.save(deal)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.opportunities.get(parents.opportunity_id)
    assert stored.name == "改名"
    assert stored.shared_with == [other]
    assert [(c.source, c.target) for c in stored.history] == [(Stage.INITIAL_CONTACT, Stage.PROPOSAL)]


async def test_saving_a_deal_twice_appends_each_change_once(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        async with uow.savepoint():
            deal = await uow.opportunities.get(parents.opportunity_id)
            deal.advance_to(Stage.PROPOSAL, by=parents.rep_id, at=now)
            await uow.opportunities.save(deal)
            deal.advance_to(Stage.NEGOTIATION, by=parents.rep_id, at=now + timedelta(hours=1))
            await uow.opportunities.save(deal)
            assert (await uow.opportunities.get(parents.opportunity_id)).history == deal.history
        await uow.commit()
    async with uow_factory() as uow:
        assert len((await uow.opportunities.get(parents.opportunity_id)).history) == 2


async def test_saving_a_deleted_deal_is_not_found(uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        deal = await uow.opportunities.add(Opportunity(parents.customer_id, "短命"))
        await uow.opportunities.delete(deal)
        with pytest.raises(NotFound):
            await uow.opportunities.save(deal)
