"""Amounts, currency, traditional Chinese and punctuation through the console: what was STORED (issue #10)."""

from __future__ import annotations

from decimal import Decimal

from domain.money import Money
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console, stored_counts


async def deal_amounts(console: Console) -> dict[int, Money | None]:
    async with console.app.uow_factory() as uow:
        return {d.id or 0: d.amount for d in await uow.opportunities.list()}


async def test_chinese_four_digit_grouping_in_a_command_and_in_a_sentence(console_with_deal: Console) -> None:
    console = console_with_deal
    out = await console.say("新商机 明途 二期 ￥5,0000")
    assert "5万" in out
    await console.say("今天拜访了苏州恒瑞智能装备有限公司的周总，预算12,3456元，下周三再聊")
    assert await deal_amounts(console) == {1: Money(Decimal(800000), "CNY"), 2: Money(Decimal(50000), "CNY"),
                                           3: Money(Decimal(123456), "CNY")}


async def test_k_and_m_are_yuan_unless_a_currency_is_written_in_commands_and_free_text(console: Console) -> None:
    await console.say("lead add 上海蓝湾科技有限公司 budget 600k")
    await console.say("Visited Initrode Ltd today, budget 800k, demo next Wednesday 3pm")
    await console.say("Visited Globex Ltd today, budget 1.2M, demo next Thursday 3pm")
    await console.say("Visited Hooli Ltd today, budget $90k, demo next Friday 3pm")
    await console.say("今天拜访了苏州恒瑞智能装备有限公司的周总，预算20万美元，下周三再聊")
    async with console.app.uow_factory() as uow:
        (lead,) = await uow.leads.list()
        deals = {(await uow.customers.get(d.customer_id)).name: d.amount for d in await uow.opportunities.list()}
    assert lead.budget == Money(Decimal(600000), "CNY")
    assert deals == {"Initrode Ltd": Money(Decimal(800000), "CNY"), "Globex Ltd": Money(Decimal(1200000), "CNY"),
                     "Hooli Ltd": Money(Decimal(90000), "USD"),
                     "苏州恒瑞智能装备有限公司": Money(Decimal(200000), "USD")}


async def test_an_unreadable_amount_stops_the_write_and_says_how_to_write_it(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await stored_counts(console)
    out = await console.say("今天拜访了杭州明途信息技术有限公司的周总，预算abc万，下周三上午10点带方案过去")
    assert "看不懂金额「abc万」" in out and "80万" in out and "没有记录任何内容" in out
    out = await console.say("今天拜访了杭州明途信息技术有限公司的周总，预算abc万，报价90万，下周三再聊")
    assert "看不懂金额「abc万」" in out and "没有记录任何内容" in out
    assert await stored_counts(console) == before
    assert await deal_amounts(console) == {1: Money(Decimal(800000), "CNY")}


async def test_an_unreadable_amount_is_explained_in_english(db_url: str) -> None:
    console = await start_console(db_url, "chen", NOW)
    try:
        out = await console.say("Visited Initrode Ltd today, budget 12abc, demo next Wednesday 3pm")
        assert "Could not read the amount '12abc'" in out and "write a number with a unit" in out
        assert "Nothing was recorded" in out
        assert await stored_counts(console) == (0, 0, 0)
    finally:
        await console.app.close()


async def test_my_deals_total_shows_every_currency(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("新商机 明途 海外 $20万")
    await console.say("新商机 明途 运维 12万")
    out = await console.say("我的商机")
    assert "合计 92万 + $200,000" in out
    assert await deal_amounts(console) == {1: Money(Decimal(800000), "CNY"), 2: Money(Decimal(200000), "USD"),
                                           3: Money(Decimal(120000), "CNY")}


async def test_a_traditional_sentence_is_understood_and_the_note_keeps_what_was_written(
        console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("新客户 華潤萬家有限公司 区域 华东")
    text = "今天拜訪了華潤萬家的周總，預算80萬，下週二上午10點再聊"
    out = await console.say(text)
    assert "已记录" in out and "80万" in out and "12月1日" in out
    async with console.app.uow_factory() as uow:
        customers = {c.name for c in await uow.customers.list()}
        (deal,) = [d for d in await uow.opportunities.list() if d.id != 1]
        notes = [f.note for f in await uow.followups.for_opportunity(deal.id or 0)]
        customer = await uow.customers.get(deal.customer_id)
    assert customers == {"杭州明途信息技术有限公司", "華潤萬家有限公司"}  # the known customer, not a new one
    assert customer.name == "華潤萬家有限公司" and deal.amount == Money(Decimal(800000), "CNY")
    assert deal.next_at is not None and deal.next_at.astimezone(NOW.tzinfo).date().isoformat() == "2026-12-01"
    assert notes == [text]  # stored as written: traditional characters and full-width punctuation


async def test_traditional_stage_changes_move_the_deal(console_with_deal: Console) -> None:
    assert "方案提案" in await console_with_deal.say("#1 進入方案階段")
    assert "谈判" in await console_with_deal.say("#1 進入談判階段")
    async with console_with_deal.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
    assert deal.stage.value == "negotiation"


async def test_a_command_note_keeps_full_width_punctuation(console_with_deal: Console) -> None:
    await console_with_deal.say("跟进 #1 客户说价格偏高，要再谈！（含税）")
    async with console_with_deal.app.uow_factory() as uow:
        notes = [f.note for f in await uow.followups.for_opportunity(1)]
    assert notes == ["客户说价格偏高，要再谈！（含税）"]


async def test_traditional_amounts_and_dates_in_commands(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("新商机 明途 二期 80萬")
    await console.say("跟进 #1 客戶要方案 下次 下週二 交方案")
    async with console.app.uow_factory() as uow:
        first, second = await uow.opportunities.get(1), await uow.opportunities.get(2)
        notes = [f.note for f in await uow.followups.for_opportunity(1)]
    assert second.amount == Money(Decimal(800000), "CNY")
    assert first.next_at is not None and first.next_at.astimezone(NOW.tzinfo).date().isoformat() == "2026-12-01"
    assert notes and notes[-1].startswith("客戶要方案")  # stored as written


async def test_a_traditional_correction_changes_the_amount(console: Console) -> None:
    await console.say("今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去")
    out = await console.say("金額是95萬")
    assert "已更正" in out and "95万" in out
    async with console.app.uow_factory() as uow:
        (deal,) = await uow.opportunities.list()
    assert deal.amount == Money(Decimal(950000), "CNY")


async def test_an_unreadable_amount_in_a_correction_says_what_was_not_read(console: Console) -> None:
    await console.say("今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去")
    out = await console.say("金额是abc")
    assert "看不懂金额「abc」" in out and "80万" in out and "已更正" not in out
    async with console.app.uow_factory() as uow:
        (deal,) = await uow.opportunities.list()
    assert deal.amount == Money(Decimal(800000), "CNY")
