"""Defects found in review: each test reproduces what a sales team or admin would hit."""

from __future__ import annotations

from tests.e2e.harness import Console


async def test_a_huge_amount_is_explained_not_answered_with_an_apology(console_with_deal: Console) -> None:
    reply = await console_with_deal.say("报价 #1 99999999999999999999999999999万")
    assert "看不懂" in reply
    assert "抱歉" not in reply


async def test_invoice_reply_names_the_status_in_the_readers_language(console_with_deal: Console) -> None:
    reply = await console_with_deal.say("发票 #1 已开 10万")
    assert "已开" in reply
    assert "issued" not in reply


async def test_deal_card_names_the_lost_reason_in_chinese(console_with_deal: Console) -> None:
    await console_with_deal.say("输单 #1 价格 原因:竞品低价")
    card = await console_with_deal.say("商机 #1")
    assert "价格" in card
    assert "price" not in card


async def test_follow_up_with_a_next_step_in_the_past_is_refused_and_not_recorded(
        console_with_deal: Console) -> None:
    reply = await console_with_deal.say("跟进 #1 打电话 下次 2020-01-01 回访")
    assert "已经过去" in reply
    async with console_with_deal.app.uow_factory() as uow:
        assert list(await uow.followups.for_opportunity(1)) == []
        assert list(await uow.reminders.due(console_with_deal.clock.now)) == []


async def test_new_lead_notice_reaches_its_owner_in_the_owners_language(console: Console) -> None:
    out = await console.say("新线索 广州海纳科技有限公司 区域 华南")  # the rule gives 华南 leads to 陈晨 (en)
    notice = next(line for line in out.splitlines() if line.startswith("[→ chen]"))
    assert "New lead" in notice


async def test_handover_notice_is_in_the_receivers_language(console_with_deal: Console) -> None:
    out = await console_with_deal.say("转给 #1 陈晨")
    notice = next(line for line in out.splitlines() if line.startswith("[→ chen]"))
    assert "handed" in notice


async def test_a_manager_does_not_list_the_leads_of_another_team(console: Console) -> None:
    await console.say("新线索 广州海纳科技有限公司 区域 华南", as_user="chen")
    reply = await console.say("线索", as_user="wang")
    assert "海纳" not in reply


async def test_undo_does_not_overwrite_a_colleagues_later_change(console_with_deal: Console) -> None:
    await console_with_deal.say("报价 #1 50万")
    await console_with_deal.say("阶段 #1 方案", as_user="wang")
    reply = await console_with_deal.say("撤销", as_user="zhangwei")
    assert "王经理" in reply
    async with console_with_deal.app.uow_factory() as uow:
        opp = await uow.opportunities.get(1)
        assert opp.stage.value == "proposal"
        assert len(list(await uow.quotes.for_opportunity(1))) == 1
