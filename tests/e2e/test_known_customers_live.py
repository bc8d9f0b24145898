"""The bot knows a customer added a moment ago (by command or by another process) in the next sentence."""

from __future__ import annotations

from bot.understanding.known import KnownCustomers
from domain.customer import Customer
from tests.e2e.harness import Console


def known_of(console: Console) -> KnownCustomers:
    known = console.app.bot.settings.known
    assert isinstance(known, KnownCustomers)
    return known


async def test_a_customer_added_by_command_is_recognised_by_the_next_sentence(console: Console) -> None:
    assert "明途" in await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    out = await console.say("今天拜访了明途的何总，预算50万，下周三上午10点再谈")
    assert "杭州明途信息技术有限公司" in out and "杭州明途信息技术有限公司（新）" not in out
    async with console.app.uow_factory() as uow:
        (customer,) = await uow.customers.list()
        (deal,) = await uow.opportunities.list()
    assert deal.customer_id == customer.id  # the sentence went to the known customer, none was added
    hits = known_of(console).gazetteer.find("明途")
    assert [k.ref for hit in hits for k in hit.matches] == [customer.id]
    assert known_of(console).builds == 1  # layered on the build, not rebuilt


async def test_a_customer_written_by_another_process_is_recognised_without_a_restart(console: Console) -> None:
    await console.say("帮助")  # the first message: the names are built
    async with console.app.uow_factory() as uow:  # another bot process, an import, the web
        stored = await uow.customers.add(Customer("苏州恒瑞智能装备有限公司", short_name="恒瑞", region="华东"))
        await uow.commit()
    await console.say("下午和恒瑞的周总通了电话，明天上午9点发方案")
    async with console.app.uow_factory() as uow:
        (deal,) = await uow.opportunities.list()
        assert await uow.customers.count() == 1
    assert deal.customer_id == stored.id
