"""Dedupe at capture: a colleague's open deal is offered instead of a silent duplicate (issue #10)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.e2e.harness import Console
from tests.e2e.permissions_scenario import last_outbox_id, messages_since

VISIT = "今天拜访了明途的何总，聊了方案，预算大概90万，下周三上午10点再约"


@dataclass(frozen=True, slots=True)
class Stored:
    deals: list[tuple[int, str, int]]  # (id, owner's name, contact id or 0)
    followups: dict[int, list[str]]  # deal id → writers' names
    contacts: list[str]  # name + title of every contact
    reminders: dict[str, int]  # pending reminders per person


async def stored(console: Console) -> Stored:
    async with console.app.uow_factory() as uow:
        names = {r.id or 0: r.name for r in await uow.reps.list()}
        deals = sorted(await uow.opportunities.list(), key=lambda d: d.id or 0)
        followups = {d.id or 0: [names[f.rep_id] for f in await uow.followups.for_opportunity(d.id or 0)
                                 if f.rep_id is not None] for d in deals}
        contacts = [f"{c.name}{c.title}" for cu in await uow.customers.list()
                    for c in await uow.contacts.for_customer(cu.id or 0)]
        reminders = {names[i]: len(await uow.reminders.pending_for(i)) for i in names}
        return Stored([(d.id or 0, names[d.owner_id or 0], d.contact_id or 0) for d in deals], followups,
                      sorted(contacts), {k: v for k, v in reminders.items() if v})


async def notices(console: Console, mark: int) -> list[tuple[str, str]]:
    """Messages queued after `mark` for someone else than the person talking (replies are outbox rows too)."""
    return [(r, t) for r, t in await messages_since(console, mark) if r != console.connector.user]


@pytest.fixture
async def linas_deal(console: Console) -> Console:
    """李娜 (华东一组) has deal #1 MES (80万) with 明途; 张伟, her teammate, cannot see it."""
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东", as_user="lina")
    await console.say("新商机 明途 MES 80万", as_user="lina")
    return console


async def test_a_visit_on_a_colleagues_customer_is_offered_her_deal_and_writes_nothing(linas_deal: Console) -> None:
    console = linas_deal
    before, mark = await stored(console), await last_outbox_id(console)
    out = await console.say(VISIT, as_user="zhangwei")
    assert "#1 MES（负责人 李娜）" in out and "记到 #1" in out and "新开商机" in out
    assert await stored(console) == before  # no deal, no contact, no follow-up, no reminder
    assert await notices(console, mark) == []  # the owner hears only once the note is added


async def test_add_to_records_the_note_on_her_deal_and_notifies_her(linas_deal: Console) -> None:
    console = linas_deal
    await console.say(VISIT, as_user="zhangwei")
    mark = await last_outbox_id(console)
    out = await console.say("记到 #1", as_user="zhangwei")
    assert "已记到 #1 MES（李娜的商机）" in out and "已通知 李娜" in out
    after = await stored(console)
    assert after.deals == [(1, "李娜", 0)]  # still one deal, still hers
    assert after.followups == {1: ["张伟"]} and after.contacts == ["何总"]
    assert after.reminders == {"张伟": 1}  # his own next step, not her deal's
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
    assert deal.amount is not None and deal.amount.amount == 800000 and deal.next_at is None  # hers, unchanged
    ((recipient, text),) = await notices(console, mark)
    assert recipient == "lina" and "张伟 在你的商机 #1 MES 上添加了跟进" in text and "何总" in text
    assert "nothing to undo" not in await console.say("撤销", as_user="zhangwei")
    undone = await stored(console)
    assert undone.followups == {1: []} and undone.reminders == {}


async def test_english_reply_add_to_works_for_an_english_user(linas_deal: Console) -> None:
    console = linas_deal
    out = await console.say(VISIT, as_user="chen")
    assert "owner 李娜" in out and "add to #1" in out
    out = await console.say("add to #1", as_user="chen")
    assert "Added to #1 MES (李娜's deal)" in out
    assert (await stored(console)).followups == {1: ["陈晨"]}


async def test_new_deal_opens_his_own_and_tells_her(linas_deal: Console) -> None:
    console = linas_deal
    await console.say(VISIT, as_user="zhangwei")
    mark = await last_outbox_id(console)
    out = await console.say("新开商机", as_user="zhangwei")
    assert "#2" in out and "同事已有该客户进行中的商机 #1 MES（李娜）" in out
    after = await stored(console)
    assert [(d, owner) for d, owner, _ in after.deals] == [(1, "李娜"), (2, "张伟")]
    assert after.followups == {1: [], 2: ["张伟"]}
    ((recipient, text),) = await notices(console, mark)
    assert recipient == "lina" and "新开了商机 #2" in text


async def test_an_explicit_new_deal_command_is_made_and_says_whose_deals_exist(linas_deal: Console) -> None:
    console = linas_deal
    mark = await last_outbox_id(console)
    out = await console.say("新商机 明途 二期 50万", as_user="zhangwei")
    assert "已创建商机 #2" in out and "#1 MES（李娜）" in out
    assert [d for d, _, _ in (await stored(console)).deals] == [1, 2]
    assert [r for r, _ in await notices(console, mark)] == ["lina"]


@pytest.mark.parametrize(("answer", "expected"), [
    ("记到 #7", "刚才提议的商机是 #1"),  # not a deal that was offered
    ("取消", "没有保存"),
])
async def test_other_answers_write_nothing(linas_deal: Console, answer: str, expected: str) -> None:
    console = linas_deal
    await console.say(VISIT, as_user="zhangwei")
    before, mark = await stored(console), await last_outbox_id(console)
    assert expected in await console.say(answer, as_user="zhangwei")
    assert await stored(console) == before and await notices(console, mark) == []


async def test_add_to_without_an_offer_says_so(linas_deal: Console) -> None:
    console = linas_deal
    before = await stored(console)
    assert "没有等待处理的记录" in await console.say("记到 #1", as_user="zhangwei")
    await console.say(VISIT, as_user="zhangwei")
    await console.say("取消", as_user="zhangwei")
    assert "没有等待处理的记录" in await console.say("记到 #1", as_user="zhangwei")  # the offer is gone
    assert await stored(console) == before


async def test_a_deal_closed_after_the_offer_takes_no_note(linas_deal: Console) -> None:
    console = linas_deal
    await console.say(VISIT, as_user="zhangwei")
    await console.say("输单 #1 价格", as_user="lina")
    before = await stored(console)
    assert "已经结束" in await console.say("记到 #1", as_user="zhangwei")
    assert await stored(console) == before


async def test_his_own_open_deal_comes_first(linas_deal: Console) -> None:
    console = linas_deal
    await console.say("新商机 明途 二期 50万", as_user="zhangwei")
    out = await console.say(VISIT, as_user="zhangwei")
    assert "已记录 · #2" in out and "记到" not in out
    assert (await stored(console)).followups == {1: [], 2: ["张伟"]}
