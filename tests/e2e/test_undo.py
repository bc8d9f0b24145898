"""`撤销` / `undo` reverts the whole of one's last action, and only one's own."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Console


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def test_undo_removes_a_new_quote_and_restores_the_deal_amount(console: Console) -> None:
    await console.say("报价 #1 52.8万")
    assert "撤销" in await console.say("撤销")
    async with console.app.uow_factory() as uow:
        assert await uow.quotes.for_opportunity(1) == []
        assert (await uow.opportunities.get(1)).amount.amount == 800000  # type: ignore[union-attr]


async def test_undo_of_a_new_lead_removes_customer_contact_and_lead(console: Console) -> None:
    await console.say("新线索 青岛海纳电子有限公司 联系人 马经理 区域 华东")
    await console.say("undo")
    async with console.app.uow_factory() as uow:
        assert await uow.customers.search("海纳") == []
        assert await uow.leads.list() == []


async def test_undo_restores_a_stage_change_and_its_history(console: Console) -> None:
    await console.say("阶段 #1 方案")
    await console.say("撤销")
    async with console.app.uow_factory() as uow:
        opp = await uow.opportunities.get(1)
    assert opp.stage.value == "initial_contact" and opp.history == []
    assert "方案提案" in await console.say("阶段 #1 方案")  # and the deal moves again normally


async def test_undo_twice_walks_back_two_actions_then_says_nothing_is_left(console: Console) -> None:
    await console.say("报价 #1 50万")
    await console.say("报价 #1 45万")
    await console.say("撤销")
    await console.say("撤销")
    async with console.app.uow_factory() as uow:
        assert await uow.quotes.for_opportunity(1) == []
    await console.say("撤销")  # the deal
    await console.say("撤销")  # the customer
    assert "没有可以撤销的操作" in await console.say("撤销")


async def test_undo_only_touches_ones_own_actions(console: Console) -> None:
    await console.say("报价 #1 50万")
    assert "没有可以撤销的操作" in await console.say("撤销", as_user="lina")
    async with console.app.uow_factory() as uow:
        assert len(await uow.quotes.for_opportunity(1)) == 1


async def test_read_only_commands_do_not_become_the_action_to_undo(console: Console) -> None:
    await console.say("报价 #1 50万")
    await console.say("#1")
    await console.say("我的商机")
    await console.say("撤销")
    async with console.app.uow_factory() as uow:
        assert await uow.quotes.for_opportunity(1) == []
