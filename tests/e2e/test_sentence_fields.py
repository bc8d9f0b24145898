"""Dates, amounts and company names inside visit sentences, through the console: what was STORED (issue #10).
A vague amount or an impossible weekday stops the write and is asked back; 刀 is dollars; an ordinal is
no date; a brand's function words stay in the customer's name."""

from __future__ import annotations

from decimal import Decimal

from domain.money import Money
from tests.e2e.harness import Console, stored_counts


async def test_a_vague_amount_stops_the_write_and_asks_for_the_figure(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await stored_counts(console)
    out = await console.say("今天拜访了杭州明途信息技术有限公司的周总，预算 一百多万，下周三再聊")
    assert "一百多万" in out and "没有记录任何内容" in out
    assert await stored_counts(console) == before


async def test_an_impossible_weekday_stops_the_write(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await stored_counts(console)
    out = await console.say("#1 客户说下周八见面")
    assert "下周八" in out and "没有记录任何内容" in out
    assert await stored_counts(console) == before


async def test_dao_is_stored_as_dollars(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("#1 报价 3万刀")
    async with console.app.uow_factory() as uow:
        quotes = await uow.quotes.for_opportunity(1)
    assert [q.amount for q in quotes] == [Money(Decimal(30000), "USD")]


async def test_an_ordinal_before_a_noun_leaves_no_next_step_date(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("#1 sent the 2nd draft of the MSA")
    async with console.app.uow_factory() as uow:
        followups = await uow.followups.for_opportunity(1)
        deal = await uow.opportunities.get(1)
    assert len(followups) == 1 and followups[0].next_at is None
    assert deal is not None and deal.next_at is None


async def test_a_brand_with_a_function_word_is_stored_whole(console: Console) -> None:
    await console.say("今天拜访了苏州同元软控信息技术有限公司的钱工，预算50万，下周三再聊")
    async with console.app.uow_factory() as uow:
        names = [c.name for c in await uow.customers.list()]
    assert names == ["苏州同元软控信息技术有限公司"]


async def test_a_vague_amount_in_a_command_is_refused_and_stores_nothing(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await stored_counts(console)
    out = await console.say("新商机 明途 二期 一百多万")
    assert "一百多万" in out
    assert await stored_counts(console) == before
