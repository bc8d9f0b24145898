"""After the signature, end to end on SQLite and PostgreSQL: the deal card's money summary, `回款 #N` /
`payments #N` with each milestone's state as the clock moves, and a closed deal's card without its stale
next step (cleared in storage, its reminder cancelled, both back on undo)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.activity import ReminderStatus
from domain.billing import MilestoneStatus
from domain.money import USD
from tests.e2e.harness import Console


async def negotiate(console: Console) -> None:
    for text in ("阶段 #1 方案", "阶段 #1 谈判"):
        assert "→" in await console.say(text)


@pytest.fixture
async def signed(console_with_deal: Console) -> Console:
    """Deal #1 won at 100万, contract HT-001, plan 30% 11-20 / 40% 12-15 / 30% 2027-06-30, 10万 received,
    an invoice of 30万 issued; today is 2026-11-24."""
    console = console_with_deal
    await negotiate(console)
    for text in ("赢单 #1 100万", "合同 #1 100万 编号 HT-001",
                 "回款计划 #1 30% 2026-11-20 40% 2026-12-15 30% 2027-06-30", "回款 #1 10万",
                 "发票 #1 已开 30万 号码 12345678"):
        await console.say(text)
    return console


async def test_the_card_sums_up_contract_payments_next_due_and_invoices(signed: Console) -> None:
    out = await signed.say("#1")
    assert "合同    HT-001 100万 · 11月24日签订" in out
    assert "回款    已收 10万 / 待收 90万（逾期 20万）" in out
    assert "下一笔   12月15日 40万" in out and "已开票   30万" in out
    assert out.rstrip().endswith("回款明细：回款 #1")
    async with signed.app.uow_factory() as uow:
        plan = list(await uow.milestones.for_opportunity(1))
    assert [(m.seq, m.paid and m.paid.amount, m.status) for m in plan] == [
        (1, Decimal(100000), MilestoneStatus.PARTIAL), (2, None, MilestoneStatus.PLANNED),
        (3, None, MilestoneStatus.PLANNED)]


async def test_payments_lists_each_milestones_state_and_follows_the_clock(signed: Console) -> None:
    out = await signed.say("回款 #1")
    assert "1. 11月20日 30万 · 已逾期 4 天：已收 10万，待收 20万" in out
    assert "2. 12月15日 40万 · 待回款" in out and "3. 2027年6月30日 30万 · 待回款" in out
    assert "· 11月24日 10万" in out and "· F1 30万 已开 12345678 11月24日" in out
    assert "合计：已收 10万 / 待收 90万（逾期 20万） / 已开票 30万" in out
    assert "已登记回款" in await signed.say("回款 #1 60万")
    signed.clock.now += timedelta(days=30)  # 2026-12-24
    out = await signed.say("回款明细 #1")
    assert "1. 11月20日 30万 · 已回款" in out and "2. 12月15日 40万 · 已回款" in out
    assert "3. 2027年6月30日 30万 · 待回款" in out
    assert "合计：已收 70万 / 待收 30万 / 已开票 30万" in out
    await signed.say("回款 #1 10万")
    out = await signed.say("回款 #1")
    assert "3. 2027年6月30日 30万 · 部分回款：已收 10万，待收 20万" in out
    signed.clock.now += timedelta(days=200)  # 2027-07-12: dates of this year lose their year
    out = await signed.say("回款 #1")
    assert "3. 6月30日 30万 · 已逾期 12 天：已收 10万，待收 20万" in out and "1. 2026年11月20日 30万 · 已回款" in out
    async with signed.app.uow_factory() as uow:
        received = [p.amount.amount for p in await uow.payments.for_opportunity(1)]
        plan = list(await uow.milestones.for_opportunity(1))
    assert received == [Decimal(100000), Decimal(600000), Decimal(100000)]
    assert [m.status for m in plan] == [MilestoneStatus.PAID, MilestoneStatus.PAID, MilestoneStatus.PARTIAL]


async def test_an_english_reader_sees_the_same_in_english_and_an_outsider_is_refused(signed: Console) -> None:
    out = await signed.say("payments #1", as_user="chen")
    assert "No deal #1 found" in out and "HT-001" not in out
    await signed.say("共享 #1 陈晨", as_user="zhangwei")
    out = await signed.say("payments #1", as_user="chen")
    assert "#1 MES payments" in out and "Contract  HT-001 ¥1,000,000 · signed 24 Nov" in out
    assert "1. 20 Nov ¥300,000 · overdue by 4 days: received ¥100,000, ¥200,000 to receive" in out
    assert "2. 15 Dec ¥400,000 · due" in out and "F1 ¥300,000 issued 12345678 24 Nov" in out
    assert "Total: received ¥100,000 / outstanding ¥900,000 (overdue ¥200,000) / invoiced ¥300,000" in out
    out = await signed.say("deal #1")
    assert "Payments      received ¥100,000 / outstanding ¥900,000 (overdue ¥200,000)" in out
    assert "Next due      15 Dec ¥400,000" in out and "Payment details: payments #1" in out


async def test_currencies_are_listed_side_by_side_never_added(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("新商机 明途 海外项目")  # no amount: nothing caps the payments
    for text in ("回款 #1 10万", "回款 #1 $20,000"):
        assert "已登记回款" in await console.say(text)
    out = await console.say("#1")
    assert "回款    已收 10万；已收 $20,000" in out
    out = await console.say("回款 #1")
    assert "合计：已收 10万" in out and "合计：已收 $20,000" in out and "30万" not in out
    async with console.app.uow_factory() as uow:
        currencies = [p.amount.currency for p in await uow.payments.for_opportunity(1)]
    assert currencies == ["CNY", USD]


async def test_an_invoice_in_another_currency_than_the_contract_is_refused(console_with_deal: Console) -> None:
    await console_with_deal.say("合同 #1 $100,000")
    out = await console_with_deal.say("发票 #1 3万")
    assert "CNY 与 USD 不一致" in out
    async with console_with_deal.app.uow_factory() as uow:
        assert await uow.invoices.for_opportunity(1) == []


@pytest.mark.parametrize("text", ["回款 #1 foo", "回款明细 #1 foo", "payments #1 foo"])
async def test_stray_words_are_refused_with_the_usage(console_with_deal: Console, text: str) -> None:
    out = await console_with_deal.say(text)
    assert "foo" in out and ("用法" in out or "Usage" in out)
    async with console_with_deal.app.uow_factory() as uow:
        assert await uow.payments.for_opportunity(1) == []


async def test_a_deal_without_money_says_how_to_record_it(console_with_deal: Console) -> None:
    out = await console_with_deal.say("回款 #1")
    assert "#1 还没有合同、回款计划、回款或发票" in out and "合同 #1 96万" in out
    assert "回款明细" not in await console_with_deal.say("#1")


@pytest.mark.parametrize("close", ["赢单 #1", "#1 客户签了，赢单", "输单 #1 价格", "lost #1 price"])
async def test_closing_a_deal_drops_its_next_step_from_storage_card_and_reminders(
        console_with_deal: Console, close: str) -> None:
    console = console_with_deal
    await negotiate(console)
    await console.say("跟进 #1 电话沟通 下次 2026-12-01 发合同终稿")
    assert "发合同终稿" in await console.say("#1")
    assert "#1" in await console.say(close)
    out = await console.say("#1")
    assert "发合同终稿" not in out and "下一步" not in out and "Next step" not in out
    async with console.app.uow_factory() as uow:
        opp = await uow.opportunities.find(1)
        assert opp is not None and opp.stage.is_closed
        assert (opp.next_step, opp.next_at) == ("", None)
        assert await uow.reminders.pending_for_deal(1) == []
    assert "撤销" in await console.say("撤销")
    assert "发合同终稿" in await console.say("#1")
    async with console.app.uow_factory() as uow:
        opp = await uow.opportunities.find(1)
        assert opp is not None and opp.next_step == "发合同终稿" and opp.next_at is not None
        assert [r.status for r in await uow.reminders.pending_for_deal(1)] == [ReminderStatus.PENDING]


async def test_a_next_step_set_after_winning_shows_on_the_card(console_with_deal: Console) -> None:
    await negotiate(console_with_deal)
    await console_with_deal.say("赢单 #1 100万")
    await console_with_deal.say("跟进 #1 回访 下次 2026-12-03 催首付款")
    out = await console_with_deal.say("#1")
    assert "下一步   催首付款 2026年12月3日(下周四) 09:00" in out
    async with console_with_deal.app.uow_factory() as uow:
        opp = await uow.opportunities.find(1)
        assert opp is not None and opp.next_step == "催首付款"
