"""The unit of work commits only when told to; concurrent units of work queue instead of failing."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from storage_helpers import Factory

from domain.customer import Customer
from domain.messaging import OutboxItem


async def _count(uow_factory: Factory) -> int:
    async with uow_factory() as uow:
        count: int = await uow.customers.count()
    return count


async def test_leaving_without_commit_rolls_back(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        await uow.customers.add(Customer("未提交"))
    assert await _count(uow_factory) == 0


async def test_commit_makes_changes_visible_to_the_next_unit_of_work(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer("已提交"))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.customers.get(customer.id or 0) == customer


async def test_an_exception_rolls_back_and_propagates(uow_factory: Factory) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with uow_factory() as uow:
            await uow.customers.add(Customer("出错了"))
            raise RuntimeError("boom")
    assert await _count(uow_factory) == 0


async def test_changes_after_commit_are_rolled_back(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer("第一次"))
        await uow.commit()
        customer.name = "第二次"
        await uow.customers.save(customer)
        await uow.customers.add(Customer("没提交"))
    async with uow_factory() as uow:
        assert [c.name for c in await uow.customers.list()] == ["第一次"]


async def test_work_after_an_explicit_rollback_can_still_be_committed(
        uow_factory: Factory, now: datetime) -> None:
    """What the bot does when a handler fails: drop its changes, still queue the reply."""
    async with uow_factory() as uow:
        await uow.customers.add(Customer("处理失败"))
        await uow.rollback()
        reply = await uow.outbox.add(OutboxItem("console", "u1", "抱歉", now))
        await uow.commit()
    assert reply is not None
    async with uow_factory() as uow:
        assert await uow.customers.count() == 0
        assert [item.text for item in await uow.outbox.pending_for("console", "u1")] == ["抱歉"]


async def test_a_unit_of_work_can_be_entered_again(uow_factory: Factory) -> None:
    uow = uow_factory()
    async with uow:
        await uow.customers.add(Customer("一"))
        await uow.commit()
    async with uow:
        await uow.customers.add(Customer("二"))
        await uow.commit()
    assert await _count(uow_factory) == 2


async def test_concurrent_units_of_work_all_commit(uow_factory: Factory) -> None:
    """On SQLite they share one connection and queue for it; on PostgreSQL they run side by side."""

    async def write(index: int) -> None:
        async with uow_factory() as uow:
            await uow.customers.add(Customer(f"并发客户{index}"))
            await asyncio.sleep(0)  # hold the transaction across a suspension point
            await uow.commit()

    await asyncio.gather(*(write(i) for i in range(30)))
    assert await _count(uow_factory) == 30
