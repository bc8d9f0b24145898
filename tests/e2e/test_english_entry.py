"""English entry with real names, command arguments that keep whole names, and sentences that used to be
misfiled (a quote with a deadline, a customer who chose a competitor): what was stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.customer import Contact, Customer
from domain.money import CNY, Money
from domain.opportunity import LostReason, Opportunity, Stage
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import Console


async def customers(console: Console) -> dict[str, tuple[Customer, list[Contact]]]:
    async with console.app.uow_factory() as uow:
        return {c.name: (c, list(await uow.contacts.for_customer(c.id or 0))) for c in await uow.customers.list()}


async def deals(console: Console) -> list[Opportunity]:
    async with console.app.uow_factory() as uow:
        return list(await uow.opportunities.list())


async def deal(console: Console, ref: int) -> Opportunity:
    async with console.app.uow_factory() as uow:
        return await uow.opportunities.get(ref)


async def quote_count(console: Console, ref: int) -> int:
    async with console.app.uow_factory() as uow:
        return len(await uow.quotes.for_opportunity(ref))


async def test_a_title_belongs_to_the_person_and_the_legal_form_ends_the_company(console: Console) -> None:
    out = await console.say("lead add Shanghai Zenith Robotics Co., Ltd. contact Mr He phone 13800138000 budget 600k")
    assert "Mr He" in out
    stored = await customers(console)
    assert list(stored) == ["Shanghai Zenith Robotics Co., Ltd."]
    customer, contacts = stored["Shanghai Zenith Robotics Co., Ltd."]
    assert customer.short_name == "Zenith"
    assert [(c.name, c.phone) for c in contacts] == [("Mr He", "13800138000")]
    async with console.app.uow_factory() as uow:
        (lead,) = await uow.leads.list()
    assert lead.budget == Money(Decimal(600000), CNY) and lead.contact_id == contacts[0].id


@pytest.mark.parametrize(("line", "company", "person"), [
    ("lead add Globex Corporation Ms Li", "Globex Corporation", "Ms Li"),
    ("lead add Initech Software Ltd contact Dr. Sarah O'Neil note met at the expo phone 13900001111",
     "Initech Software Ltd", "Dr. Sarah O'Neil"),
    ("lead add 「Hooli Inc.」 contact Mark Chen", "Hooli Inc.", "Mark Chen"),
    ("新线索 苏州恒瑞智能装备有限公司 周总 电话 13900001111", "苏州恒瑞智能装备有限公司", "周总"),
])
async def test_lead_add_keeps_the_whole_company_and_person(console: Console, line: str, company: str,
                                                           person: str) -> None:
    await console.say(line)
    stored = await customers(console)
    assert list(stored) == [company]
    assert [c.name + c.title for c in stored[company][1]] == [person]  # 周 + 总 (the visit path's split)


async def test_a_lead_note_runs_to_the_next_keyword(console: Console) -> None:
    await console.say("lead add Initech Software Ltd note met at the expo phone 13900001111")
    async with console.app.uow_factory() as uow:
        (lead,) = await uow.leads.list()
        (customer,) = await uow.customers.list()
    assert lead.title == "met at the expo" and customer.name == "Initech Software Ltd"


async def test_deal_add_reads_multi_word_and_quoted_customer_names(console: Console) -> None:
    await console.say("customer add Acme Data Systems Inc. region 华东")
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("customer add Acme Robotics Ltd region 华东")
    assert "Acme Data Systems Inc." in await console.say("deal add Acme Data Systems ERP rollout amount 1.2M")
    await console.say('deal add "Acme Robotics" "CRM upgrade"')
    await console.say("新商机 “明途” 运维服务")
    await console.say("新商机 「杭州明途信息技术有限公司」 数据中台")
    await console.say("deal add Acme Data Systems Inc. MES phase 2 800k")
    stored = {(d.customer_id, d.name, d.amount) for d in await deals(console)}
    assert stored == {
        (1, "ERP rollout", Money(Decimal(1200000), CNY)), (3, "CRM upgrade", None), (2, "运维服务", None),
        (2, "数据中台", None), (1, "MES phase 2", Money(Decimal(800000), CNY)),
    }


async def test_an_unknown_customer_is_named_and_nothing_is_stored(console: Console) -> None:
    await console.say("customer add Acme Data Systems Inc. region 华东")
    out = await console.say('deal add "Nobody Holdings" ERP')
    assert "Nobody Holdings" in out
    assert await deals(console) == []


@pytest.mark.parametrize(("line", "name", "amount"), [
    ("新商机 明途 明途二期运维 金额 80万", "明途二期运维", 800000),
    ("新商机 明途 明途二期运维 金额:80万", "明途二期运维", 800000),
    ("新商机 明途 二期 预算 50万", "二期", 500000),
    ("新商机 明途 2期 ERP 30万", "2期 ERP", 300000),
    ("deal add mingtu MES phase 2 amount 800k", "MES phase 2", 800000),
    ("deal add mingtu CRM v 3 2026", "CRM v 3 2026", None),
])
async def test_deal_names_keep_digits_and_lose_amount_labels(console: Console, line: str, name: str,
                                                             amount: int | None) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东 别名 mingtu")
    await console.say(line)
    (opp,) = await deals(console)
    assert opp.name == name
    assert opp.amount == (Money(Decimal(amount), CNY) if amount else None)


async def test_an_unreadable_amount_is_still_refused(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    out = await console.say("新商机 明途 MES abc万")
    assert "abc万" in out and "看不懂" in out
    assert await deals(console) == []


@pytest.mark.parametrize("line", ["#1 下周一之前出报价", "#1 下周一之前出报价 50万", "#1 周一前把报价发给客户"])
async def test_a_quote_with_a_deadline_is_a_next_step(console_with_deal: Console, line: str) -> None:
    await console_with_deal.say(line)
    opp = await deal(console_with_deal, 1)
    assert await quote_count(console_with_deal, 1) == 0
    assert opp.next_at is not None and opp.next_at.astimezone(SHANGHAI).date() == date(2026, 11, 30)
    assert "报价" in opp.next_step


async def test_a_quote_given_is_still_a_quote(console_with_deal: Console) -> None:
    await console_with_deal.say("#1 今天给客户报价 50万")
    assert await quote_count(console_with_deal, 1) == 1


@pytest.mark.parametrize(("line", "rival"), [
    ("#1 客户选了华为", "华为"), ("#1 客户最后选择了海康的方案", "海康"), ("#1 客户签了别家", "别家"),
    ("#1 客户用了竞品", "竞品"), ("#1 the customer went with Siemens", "Siemens"), ("#1 they chose SAP", "SAP"),
    ("#1 华为中标了", "华为"), ("#1 听说最终海康威视中标，我们没戏了", "海康威视"),
])
async def test_a_customer_who_chose_a_rival_is_lost_to_a_competitor(console_with_deal: Console, line: str,
                                                                     rival: str) -> None:
    out = await console_with_deal.say(line)
    assert "竞品" in out
    opp = await deal(console_with_deal, 1)
    assert opp.stage is Stage.LOST and opp.lost_reason is LostReason.COMPETITOR
    assert rival in opp.lost_note


@pytest.mark.parametrize("line", ["#1 客户选了我们的方案", "#1 客户选了方案B", "#1 the customer chose our proposal"])
async def test_choosing_our_offer_is_not_a_loss(console_with_deal: Console, line: str) -> None:
    await console_with_deal.say(line)
    assert (await deal(console_with_deal, 1)).stage is Stage.INITIAL_CONTACT


@pytest.mark.parametrize("line", ["#1 我们中标了", "#1 客户通知我们中标了", "#1 明途项目中标了"])
async def test_our_own_winning_bid_is_a_win(console_with_deal: Console, line: str) -> None:
    for stage in ("方案提案", "谈判"):
        await console_with_deal.say(f"阶段 #1 {stage}")
    assert (await deal(console_with_deal, 1)).stage is Stage.NEGOTIATION
    await console_with_deal.say(line)
    opp = await deal(console_with_deal, 1)
    assert opp.stage is Stage.WON and opp.lost_reason is None


@pytest.mark.parametrize(("line", "rival"), [("输单 #1 客户选了华为", "华为"), ("lost #1 they went with SAP", "SAP")])
async def test_the_lost_command_reads_a_rival_as_the_category(console_with_deal: Console, line: str,
                                                              rival: str) -> None:
    assert f"竞品：{rival}" in await console_with_deal.say(line)
    opp = await deal(console_with_deal, 1)
    assert opp.lost_reason is LostReason.COMPETITOR and rival in opp.lost_note


async def test_the_lost_command_still_asks_for_a_category(console_with_deal: Console) -> None:
    out = await console_with_deal.say("lost #1 just because")
    assert "缺少输单原因类别" in out
    assert (await deal(console_with_deal, 1)).stage is Stage.INITIAL_CONTACT


async def test_quotes_around_a_new_customer_are_not_part_of_its_name(console: Console) -> None:
    await console.say('customer add "Acme Data Systems Inc." region 华东')
    await console.say("新客户 「苏州恒瑞智能装备有限公司」 区域 华东")
    assert set(await customers(console)) == {"Acme Data Systems Inc.", "苏州恒瑞智能装备有限公司"}


async def test_a_job_title_stays_apart_from_the_person(console: Console) -> None:
    out = await console.say("lead add Zenith Robotics Ltd contact Mr He title CTO")
    assert "Mr He (CTO)" in out
    (_, contacts), = (await customers(console)).values()
    assert [(c.name, c.title) for c in contacts] == [("Mr He", "CTO")]


async def test_a_labelled_bare_number_is_asked_about_and_nothing_is_stored(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    out = await console.say("新商机 明途 MES 预算60")
    assert "预算60" in out and "看不懂" in out
    assert await deals(console) == []


@pytest.mark.parametrize(("line", "company", "person"), [
    ("Met Mr He of Shanghai Zenith Robotics Co., Ltd. today, demo on Friday 3pm",
     "Shanghai Zenith Robotics Co., Ltd.", "Mr He"),
    ("Visited Procter & Gamble Co. and met Dr. Sarah O'Neil, call back on Dec 10", "Procter & Gamble Co.",
     "Dr. Sarah O'Neil"),
    ("拜访了“明途信息”的何总，下周三出方案", "明途信息", "何总"),
])
async def test_a_sentence_stores_the_names_as_written(console: Console, line: str, company: str,
                                                      person: str) -> None:
    await console.say(line)
    stored = await customers(console)
    assert list(stored) == [company]
    assert [c.name + c.title for c in stored[company][1]] == [person]  # 周 + 总 (the visit path's split)
    (opp,) = await deals(console)
    assert opp.next_at is not None
