"""`撤销` / `undo` reverts the whole of one's last action, and only one's own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.undo_summary import undone_summary
from domain.audit import AuditEntry
from tests.e2e.harness import Console


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def test_undo_removes_a_new_quote_and_restores_the_deal_amount(console: Console) -> None:
    await console.say("报价 #1 52.8万")
    assert (await console.say("撤销")).startswith("已撤销：新建 报价 1 个；恢复 商机 #1。\n")
    async with console.app.uow_factory() as uow:
        assert await uow.quotes.for_opportunity(1) == []
        assert (await uow.opportunities.get(1)).amount.amount == 800000  # type: ignore[union-attr]


async def test_undo_of_a_new_lead_removes_customer_contact_and_lead(console: Console) -> None:
    await console.say("新线索 青岛海纳电子有限公司 联系人 马经理 区域 华东")
    assert (await console.say("undo")).startswith("已撤销：新建 客户 1 个、联系人 1 个、线索 1 个。\n")
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


async def test_undo_says_in_english_what_it_undid(console: Console) -> None:
    assert "Lead L1 created" in await console.say("add lead 青岛海纳电子有限公司 contact 马经理", as_user="chen")
    assert (await console.say("undo", as_user="chen")).startswith(
        "Undone: created 1 customer, 1 contact, 1 lead.\n")
    async with console.app.uow_factory() as uow:
        assert await uow.customers.search("海纳") == [] and await uow.leads.list() == []


def test_the_summary_counts_kinds_in_both_languages() -> None:
    at = datetime(2026, 11, 24, tzinfo=UTC)
    entries = [AuditEntry(1, "followup", 9, "create", at), AuditEntry(1, "followup", 8, "create", at),
               AuditEntry(1, "visit", 3, "create", at), AuditEntry(1, "pool_event", 5, "create", at),
               AuditEntry(1, "opportunity", 1, "update", at, {"before": {}}),
               AuditEntry(1, "customer", 7, "update", at, {"before": {}}), AuditEntry(1, "contact", 4, "create", at)]
    text = undone_summary(entries, {("contact", 4)})
    assert text.zh == "已撤销：新建 拜访签到 1 次、跟进 2 条；恢复 客户 C7、商机 #1。"
    assert text.en == "Undone: created 1 visit, 2 follow-ups; restored customer C7, deal #1."
    assert undone_summary([AuditEntry(1, "approval", 2, "create", at)], set()).en == "Undone: your last action."
