"""Customer lookups show only what one may see; corrections and undo never drop or break a colleague's work;
deal numbers are never handed out twice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.conftest import NOW
from tests.e2e.harness import Console
from tests.e2e.permissions_scenario import ACTORS, deal_state, start_scenario

VISIT = "今天去苏州拜访了恒瑞智能装备有限公司的周总，电话13912345678，预算大概80万，下周三上午10点带方案过去"
CONTACT_PHONE = "13800001111"  # 何总, the contact of #1 only
# role -> (deals listed, count of the others, sees 何总's phone)
LOOKUP = {"owner": ({"#1"}, 1, True), "sharee": ({"#1"}, 1, True), "colleague": ({"#2"}, 1, False),
          "other_manager": (set(), 2, False), "team_manager": ({"#1", "#2"}, 0, True),
          "admin": ({"#1", "#2"}, 0, True)}


@pytest.fixture
async def scenario(db_url: str) -> AsyncIterator[Console]:
    console = await start_scenario(db_url, NOW)
    yield console
    await console.app.close()


@pytest.mark.parametrize("text", ["客户 明途", "明途的商机进展如何？"])
@pytest.mark.parametrize("role", list(LOOKUP))
async def test_customer_lookups_list_only_visible_deals_and_count_the_rest(scenario: Console, role: str,
                                                                           text: str) -> None:
    listed, others, phone = LOOKUP[role]
    out = await scenario.say(text, as_user=ACTORS[role])
    assert "杭州明途信息技术有限公司" in out
    assert {ref for ref in ("#1", "#2") if f"{ref} " in out} == listed
    amounts = {"#1": ("80万", "800,000"), "#2": ("30万", "300,000")}
    for ref, (zh, en) in amounts.items():  # no amounts of hidden deals
        assert (zh in out or en in out) is (ref in listed)
    assert (CONTACT_PHONE in out) is phone
    if others:
        assert f"另有 {others} 个商机由同事负责" in out or f"{others} more deals are handled by colleagues" in out
    else:
        assert "另有" not in out and "more deals" not in out


@pytest.mark.parametrize("role", list(LOOKUP))
async def test_deal_lists_hold_only_visible_deals(scenario: Console, role: str) -> None:
    listed = LOOKUP[role][0]
    out = await scenario.say("我的商机", as_user=ACTORS[role])
    assert {ref for ref in ("#1", "#2") if f"{ref} " in out} == listed


async def test_a_correction_after_a_colleague_handed_the_deal_on_is_refused(console: Console) -> None:
    await console.say(VISIT)
    assert "已转给 李娜" in await console.say("转给 #1 李娜", as_user="wang")
    async with console.app.uow_factory() as uow:
        before = await uow.opportunities.get(1)
    out = await console.say("改成周四", as_user="zhangwei")
    assert "无法更正" in out and "王经理" in out
    async with console.app.uow_factory() as uow:
        after = await uow.opportunities.get(1)
        assert len(await uow.opportunities.list()) == 1
    assert after.owner_id == before.owner_id and after.next_at == before.next_at  # still 李娜's, still Wednesday


async def test_a_correction_after_a_colleague_moved_the_stage_is_refused(scenario: Console) -> None:
    await scenario.say("#1 推进到方案阶段", as_user="zhangwei")
    await scenario.say("阶段 #1 谈判", as_user="chen")  # the sharee works on it
    assert "Cannot" not in (out := await scenario.say("改成初步接触", as_user="zhangwei")) and "无法更正" in out
    assert (await deal_state(scenario)).stage == "negotiation"


async def test_undo_keeps_a_contact_and_customer_a_colleagues_deal_uses(console: Console) -> None:
    await console.say(VISIT)  # 张伟: customer, contact 周总, deal #1, follow-up, reminder
    out = await console.say("今天拜访了恒瑞的周总，下周一再约", as_user="lina")  # 张伟's customer: offered #1
    assert "记到 #1" in out
    out = await console.say("新开商机", as_user="lina")  # her own deal anyway, same contact
    assert "#2" in out
    out = await console.say("撤销", as_user="zhangwei")
    assert "保留了客户 C1" in out and "保留了联系人 #1" in out and "商机" in out
    async with console.app.uow_factory() as uow:
        (deal,) = await uow.opportunities.list()
        assert deal.id == 2 and deal.contact_id == 1
        assert await uow.contacts.find(1) is not None and await uow.customers.find(1) is not None
        assert await uow.followups.for_opportunity(1) == []


async def test_undoing_a_customer_that_now_has_a_colleagues_deal_keeps_it_and_says_why(console: Console) -> None:
    await console.say("新客户 青岛海纳电子有限公司")
    await console.say("新商机 海纳 ERP升级 100万", as_user="lina")
    out = await console.say("撤销", as_user="zhangwei")
    assert "保留了客户 C1：仍有 1 条商机记录在使用它" in out
    out_en = await console.say("undo", as_user="chen")
    assert "nothing to undo" in out_en
    async with console.app.uow_factory() as uow:
        assert (await uow.customers.get(1)).name == "青岛海纳电子有限公司"
        assert (await uow.opportunities.get(1)).customer_id == 1


async def test_deal_numbers_are_not_reused_after_undo(console_with_deal: Console) -> None:
    console = console_with_deal
    assert "#2" in await console.say("新商机 明途 二期 50万")
    await console.say("撤销")
    out = await console.say("新商机 明途 三期 60万")
    assert "#3" in out and "#2" not in out
    async with console.app.uow_factory() as uow:
        assert [d.id for d in await uow.opportunities.list()] in ([1, 3], [3, 1])
