"""我的商机 at size: the header counts and adds up every visible deal, not the first 200; the most urgent
deals are listed; 客户 finds a customer by short name, alias or a two-character prefix."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text

from domain.customer import Customer
from domain.money import USD, Money
from domain.opportunity import Opportunity, Stage
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console

DIRECT = """SELECT count(*), sum(amount) FROM opportunities WHERE amount_currency = :currency
            AND stage IN ('initial_contact', 'proposal', 'negotiation')
            AND (owner_id = :rep OR id IN (SELECT opportunity_id FROM opportunity_shares WHERE rep_id = :rep))"""


async def _fill(console: Console) -> tuple[int, int]:
    """250 open deals of 张伟 (10万 each, every 50th in USD, ten of them won), 5 of 李娜's shared with him."""
    async with console.app.uow_factory() as uow:
        zhang = await uow.reps.by_name("张伟")
        li = await uow.reps.by_name("李娜")
        assert zhang is not None and li is not None and zhang.id is not None and li.id is not None
        customer = await uow.customers.add(Customer("杭州明途信息技术有限公司", short_name="明途"))
        for n in range(1, 256):
            mine = n <= 250
            amount = Money(Decimal(100000), USD) if n % 50 == 0 else Money(Decimal(100000))
            await uow.opportunities.add(Opportunity(
                customer.id or 0, f"项目{n}", owner_id=zhang.id if mine else li.id, team_id=zhang.team_id,
                amount=amount, stage=Stage.WON if mine and n % 25 == 1 else Stage.PROPOSAL,
                shared_with=[] if mine else [zhang.id], created_at=NOW - timedelta(days=n),
                next_at=NOW + timedelta(hours=n) if n != 137 else NOW - timedelta(days=3)))
        await uow.commit()
    return zhang.id, li.id


async def test_my_deals_counts_and_totals_every_visible_deal_and_lists_the_most_urgent(console: Console) -> None:
    zhang, _ = await _fill(console)
    out = await console.say("我的商机")
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        cny = (await uow.session.execute(text(DIRECT), {"currency": "CNY", "rep": zhang})).one()
        usd = (await uow.session.execute(text(DIRECT), {"currency": "USD", "rep": zhang})).one()
    assert cny[0] + usd[0] == 250 - 10 + 5 == 245
    assert f"进行中的商机 {cny[0] + usd[0]} 个" in out
    header = out.splitlines()[0]
    assert f"合计 {Decimal(str(cny[1])) / 10000:.0f}万 + ${Decimal(str(usd[1])):,.0f}" in header  # 2400万 + $500,000
    assert (cny[1], usd[1]) == (24_000_000, 500_000)
    refs = [int(ref) for ref in re.findall(r"^#(\d+) ", out, re.MULTILINE)]
    assert len(refs) == 30 and refs[0] == 137  # the overdue next step first, then the soonest
    assert refs[1:] == [n for n in range(1, 256) if n != 137 and not (n <= 250 and n % 25 == 1)][:29]
    assert "最紧急的 30 个" in out


async def test_customer_lookup_finds_by_short_name_alias_and_two_character_prefix(console: Console) -> None:
    async with console.app.uow_factory() as uow:
        await uow.customers.add(Customer("杭州明途信息技术有限公司", short_name="明途", aliases=["MingTu"]))
        await uow.customers.add(Customer("华为技术有限公司", short_name="华为"))
        await uow.commit()
    for written in ("明途", "mingtu", "华为", "华为技", "信息技术"):
        out = await console.say(f"客户 {written}")
        expected = "华为技术有限公司" if "华为" in written else "杭州明途信息技术有限公司"
        assert expected in out, (written, out)
    out = await console.say("客户 技术")
    assert "没有找到「技术」相关的客户" in out
