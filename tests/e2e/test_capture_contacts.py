"""Contacts at capture: matched by surname + title, never a colleague, updated in place (issue #10)."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Console
from tests.e2e.test_capture_dedupe import stored

HUANG = "新线索 苏州恒瑞智能装备有限公司 联系人 黄子涵 职位 信息中心主任 区域 华东"


async def contact_rows(console: Console) -> list[tuple[int, str, str, str, str]]:
    async with console.app.uow_factory() as uow:
        return [(c.id or 0, c.name, c.title, c.phone, c.email) for cu in await uow.customers.list()
                for c in await uow.contacts.for_customer(cu.id or 0)]


async def test_a_surname_and_title_match_the_existing_contact(console: Console) -> None:
    await console.say(HUANG)
    out = await console.say("今天和恒瑞的黄主任通了电话，下周二发方案")
    assert "黄子涵" in out and "（新）" not in out.split("联系人")[1].split("\n")[0]
    assert await contact_rows(console) == [(1, "黄子涵", "信息中心主任", "", "")]
    assert (await stored(console)).deals == [(1, "张伟", 1)]  # the deal's contact is 黄子涵


async def test_a_contact_named_in_full_is_linked_even_when_the_reader_missed_the_name(console: Console) -> None:
    await console.say(HUANG)  # assigned to 张伟 by the 华东 rule
    await console.say("线索 转商机 L1")
    await console.say("新线索 苏州恒瑞智能装备有限公司 联系人 宋建")  # the deal's contact stays 黄子涵
    out = await console.say("今天去恒瑞演示了方案，宋建很满意")
    assert "宋建" in out.split("联系人")[1].split("\n")[0] and "（新）" not in out.split("联系人")[1].split("\n")[0]
    assert [name for _, name, _, _, _ in await contact_rows(console)] == ["黄子涵", "宋建"]  # no new contact
    assert (await stored(console)).followups == {1: ["张伟"]}


async def test_a_title_the_contact_does_not_hold_is_a_new_contact(console: Console) -> None:
    await console.say(HUANG)
    await console.say("今天和恒瑞的黄总通了电话，下周二发方案")
    assert [name + title for _, name, title, _, _ in await contact_rows(console)] == ["黄子涵信息中心主任", "黄总"]


async def test_the_same_contact_given_twice_in_commands_is_stored_once(console: Console) -> None:
    await console.say(HUANG)
    await console.say("新线索 苏州恒瑞智能装备有限公司 联系人 黄子涵 电话 13900002222")
    assert await contact_rows(console) == [(1, "黄子涵", "信息中心主任", "13900002222", "")]


@pytest.mark.parametrize("text", [
    "今天拜访了明途，带上王工演示了方案，下周一再约",  # 王工 is our engineer
    "今天和我们的王工一起去了明途，演示了方案",
])
async def test_our_own_people_are_never_stored_as_customer_contacts(console: Console, text: str) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    out = await console.say(text)
    assert "已记录" in out and "王工" not in out.split("\n\n")[0].replace(text, "")
    after = await stored(console)
    assert after.contacts == [] and after.deals == [(1, "张伟", 0)] and after.followups == {1: ["张伟"]}


async def test_a_phone_and_mail_sentence_updates_the_contact_and_opens_no_deal(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("今天拜访了明途的何总，下周一再约")
    before = await stored(console)
    out = await console.say("何总的电话 13812345678，邮箱 he@mingtu.com")
    assert "已更新联系人" in out and "没有新建商机" in out
    assert await contact_rows(console) == [(1, "何", "总", "13812345678", "he@mingtu.com")]
    after = await stored(console)
    assert after.deals == before.deals and after.followups == before.followups
    out = await console.say("明途何总的邮箱 he.z@mingtu.com")  # with the customer named
    assert "已更新联系人" in out
    assert (await contact_rows(console))[0][4] == "he.z@mingtu.com"
    assert "已撤销" in await console.say("撤销")
    assert (await contact_rows(console))[0][4] == "he@mingtu.com"


async def test_a_new_contacts_phone_on_a_named_customer_adds_the_contact_only(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    out = await console.say("明途的宋经理电话 13700001111")
    assert "已添加联系人" in out
    assert await contact_rows(console) == [(1, "宋", "经理", "13700001111", "")]
    assert (await stored(console)).deals == []


async def test_an_unknown_contacts_phone_is_asked_back(console: Console) -> None:
    before = await stored(console)
    out = await console.say("何总的电话 13812345678，邮箱 he@mingtu.com")
    assert "找不到联系人「何总」" in out and "明途何总的电话" in out
    assert await stored(console) == before


async def test_the_same_contact_name_at_two_of_my_customers_is_asked_back(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("新客户 苏州恒瑞智能装备有限公司 区域 华东")
    await console.say("今天拜访了明途的何总，下周一再约")
    await console.say("今天拜访了恒瑞的何总，下周一再约")
    out = await console.say("何总的电话 13812345678")
    assert "多个客户的联系人" in out
    assert [phone for _, _, _, phone, _ in await contact_rows(console)] == ["", ""]


@pytest.mark.parametrize(("text", "field"), [
    ("黄主任的手机换了 13900001111", (3, "13900001111")),
    ("恒瑞的黄主任 huang@hengrui.cn", (4, "huang@hengrui.cn")),
    ("恒瑞的黄主任职位改成信息中心副主任", (2, "信息中心副主任")),
])
async def test_contact_updates_land_on_the_matched_contact(console: Console, text: str,
                                                           field: tuple[int, str]) -> None:
    await console.say(HUANG)  # assigned to 张伟 by the 华东 rule
    await console.say("线索 转商机 L1")
    before = await stored(console)
    out = await console.say(text)
    assert "已更新联系人 · 黄子涵" in out
    (row,) = await contact_rows(console)
    assert row[field[0]] == field[1]
    after = await stored(console)
    assert (after.deals, after.followups) == (before.deals, before.followups)  # no deal, no follow-up
