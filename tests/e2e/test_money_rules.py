"""Money rules end to end, on SQLite and PostgreSQL: the contract cap, the date horizon, replaceable plans
that ask for what is missing, and invoice red reversal / void. Stored rows are checked, not only replies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.billing import InvoiceStatus, MilestoneStatus
from tests.e2e.harness import Console


@pytest.fixture
async def console(console_with_deal: Console) -> Console:
    """Deal #1 of 张伟 with a contract of 100万."""
    assert "HT-" in await console_with_deal.say("合同 #1 100万")
    return console_with_deal


async def paid_amounts(console: Console) -> list[Decimal]:
    async with console.app.uow_factory() as uow:
        return [p.amount.amount for p in await uow.payments.for_opportunity(1)]


async def test_a_payment_above_the_contract_is_refused_without_a_plan(console: Console) -> None:
    out = await console.say("回款 #1 500万")
    assert "超出合同金额" in out and "合同金额 100万" in out and "已回款 0" not in out and "还可回款 100万" in out
    assert await paid_amounts(console) == []
    assert "已登记回款" in await console.say("回款 #1 60万")
    out = await console.say("回款 #1 50万")
    assert "已回款 60万" in out and "还可回款 40万" in out
    assert await paid_amounts(console) == [Decimal(600000)]


async def test_free_text_payments_and_their_corrections_are_capped_too(console: Console) -> None:
    assert "还可回款 100万" in await console.say("#1 回款500万")
    assert "已登记回款" in await console.say("#1 收到回款30万")
    assert "超出合同金额" in await console.say("金额是500万")  # the correction is refused as a whole
    assert await paid_amounts(console) == [Decimal(300000)]


async def test_the_cap_is_explained_in_english_to_an_english_user(console: Console) -> None:
    await console.say("共享 #1 陈晨")
    out = await console.say("payment #1 5000000", as_user="chen")
    assert "more than the contract amount allows" in out and "¥1,000,000" in out and "¥1,000,000 left" in out
    assert await paid_amounts(console) == []


async def test_without_a_contract_the_deal_amount_caps_payments(console: Console) -> None:
    await console.say("撤销")  # the contract
    out = await console.say("回款 #1 500万")
    assert "超出商机金额" in out and "80万" in out
    assert await paid_amounts(console) == []


@pytest.mark.parametrize("text", ["回款 #1 10万 9999-01-01", "回款计划 #1 100% 9999-12-31",
                                  "跟进 #1 电话沟通 下次 9999-01-01 回访", "回款 #1 10万 1990-01-01"])
async def test_dates_beyond_the_horizon_are_refused_and_nothing_is_written(console: Console, text: str) -> None:
    out = await console.say(text)
    assert "不合理" in out and ("过去十年到未来五年" in out or "两年之内" in out)
    async with console.app.uow_factory() as uow:
        assert await uow.payments.for_opportunity(1) == []
        assert await uow.milestones.history(1) == []
        assert await uow.followups.for_opportunity(1) == []
        assert await uow.reminders.pending_for_deal(1) == []


async def test_a_short_plan_asks_for_the_rest_and_completes_with_the_answer(console: Console) -> None:
    out = await console.say("回款计划 #1 30% 2026-12-15 40% 2027-03-01")
    assert "还差 30%（30万）" in out and "尚未保存" in out
    async with console.app.uow_factory() as uow:
        assert await uow.milestones.history(1) == []
    out = await console.say("30% 2027-06-30")
    assert "回款计划 1" in out
    async with console.app.uow_factory() as uow:
        plan = list(await uow.milestones.for_opportunity(1))
        assert await uow.settings.get("pending:plan:2:console:zhangwei") is None
    assert [(m.seq, m.amount.amount, m.percent, m.plan) for m in plan] == [
        (1, Decimal(300000), Decimal(30), 1), (2, Decimal(400000), Decimal(40), 1),
        (3, Decimal(300000), Decimal(30), 1)]


async def test_an_unrelated_message_sets_the_question_aside_and_cancel_drops_it(console: Console) -> None:
    await console.say("回款计划 #1 70% 2026-12-15")
    assert "v1" in await console.say("报价 #1 90万")  # handled as usual; the question stays open
    assert "已放弃" in await console.say("取消")
    assert "没有记录任何内容" in await console.say("30% 2027-06-30")  # no longer an answer
    async with console.app.uow_factory() as uow:
        assert await uow.milestones.history(1) == []


async def test_confirm_saves_a_short_plan_and_says_what_is_missing(console: Console) -> None:
    await console.say("回款计划 #1 70% 2026-12-15")
    out = await console.say("确认")
    assert "按你的确认保存" in out and "30%（30万）" in out
    async with console.app.uow_factory() as uow:
        assert [m.amount.amount for m in await uow.milestones.for_opportunity(1)] == [Decimal(700000)]


async def test_a_plan_is_replaced_keeping_the_old_one_and_the_money_received(console: Console) -> None:
    await console.say("回款计划 #1 30% 2026-12-15 70% 2027-03-01")
    await console.say("回款 #1 40万")
    out = await console.say("回款计划 #1 50% 2026-12-20 50% 2027-06-30")
    assert "回款计划 2" in out and "已替换计划 1" in out and "已收 40万" in out
    async with console.app.uow_factory() as uow:
        history = list(await uow.milestones.history(1))
        current = list(await uow.milestones.for_opportunity(1))
    assert [(m.plan, m.replaced_at is not None) for m in history] == [(1, True), (1, True), (2, False), (2, False)]
    assert [(m.amount.amount, m.paid and m.paid.amount, m.status) for m in current] == [
        (Decimal(500000), Decimal(400000), MilestoneStatus.PARTIAL), (Decimal(500000), None, MilestoneStatus.PLANNED)]
    listing = await console.say("回款计划历史 #1")
    assert "计划 2（当前）" in listing and "计划 1（" in listing and "被替换" in listing
    assert "已登记回款" in await console.say("回款 #1 60万")  # the rest of the contract fits the new plan


async def test_a_replacement_that_cannot_hold_the_money_received_is_refused(console: Console) -> None:
    await console.say("回款计划 #1 100% 2026-12-15")
    await console.say("回款 #1 60万")
    await console.say("回款计划 #1 30% 2026-12-20")
    out = await console.say("确认")
    assert "无法替换回款计划" in out and "60万" in out
    async with console.app.uow_factory() as uow:
        assert [(m.plan, m.replaced_at) for m in await uow.milestones.history(1)] == [(1, None)]


async def test_undo_of_a_replacement_brings_the_old_plan_back(console: Console) -> None:
    await console.say("回款计划 #1 100% 2026-12-15")
    await console.say("回款计划 #1 50% 2026-12-20 50% 2027-06-30")
    await console.say("撤销")
    async with console.app.uow_factory() as uow:
        assert [(m.plan, m.replaced_at) for m in await uow.milestones.history(1)] == [(1, None)]


async def invoices(console: Console) -> list[tuple[int | None, Decimal, InvoiceStatus, int | None]]:
    async with console.app.uow_factory() as uow:
        return [(i.id, i.amount.amount, i.status, i.reverses_id) for i in await uow.invoices.for_opportunity(1)]


async def test_a_red_reversal_adds_the_negative_record_and_frees_the_amount(console: Console) -> None:
    assert "F1" in await console.say("发票 #1 已开 100万 号码 12345678")
    assert "超过合同金额" in await console.say("发票 #1 已开 10万")
    out = await console.say("红冲 #1 12345678 开错抬头")
    assert "F1 已红冲" in out and "红字发票 F2" in out and "可开票余额" in out
    assert await invoices(console) == [(1, Decimal(1000000), InvoiceStatus.REVERSED, None),
                                       (2, Decimal(-1000000), InvoiceStatus.RED, 1)]
    assert "F3" in await console.say("发票 #1 已开 100万")  # the amount is free again
    assert "不能作废" in await console.say("作废发票 #1 F1")
    assert "不能红冲" in await console.say("红冲 #1 F2")
    assert len(await invoices(console)) == 3


async def test_void_takes_an_invoice_out_of_the_total_once(console: Console) -> None:
    await console.say("发票 #1 已开 30万")
    out = await console.say("void invoice #1 F1")
    assert "F1 已作废" in out and "开票合计" in out
    assert await invoices(console) == [(1, Decimal(300000), InvoiceStatus.VOID, None)]
    assert "它已经作废了" in await console.say("作废发票 #1 F1")
    assert "没有发票" in await console.say("作废发票 #1 F9")
    assert "作废发票 #12 F3" in await console.say("发票 #1 作废 10万")  # points to the command
    assert len(await invoices(console)) == 1


async def test_invoice_states_need_the_right_to_work_on_the_deal(console: Console) -> None:
    await console.say("发票 #1 已开 30万")
    assert "找不到商机 #1" in await console.say("红冲 #1 F1", as_user="lina")
    assert "No deal #1 found" in await console.say("void invoice #1 F1", as_user="chen")
    assert await invoices(console) == [(1, Decimal(300000), InvoiceStatus.ISSUED, None)]
    assert "F1 已作废" in await console.say("作废发票 #1 F1", as_user="wang")  # the team's manager may


async def test_help_lists_the_invoice_state_commands_from_their_registration(console: Console) -> None:
    out = await console.say("帮助")
    assert "红冲" in out and "作废发票" in out and "回款计划历史" in out
