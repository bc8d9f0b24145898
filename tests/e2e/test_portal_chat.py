"""Portal links and change requests in chat, end to end on SQLite and PostgreSQL: `门户 P1` gives a link that
opens the page, `门户 P1 发送` mails it to the customer's contacts, `门户 P1 撤销` voids every link; `变更`
lists open requests to those who may see them, `变更 CR1 同意 +10天 +5万` moves the plan and the price (and 撤销
puts them back), `变更 CR1 驳回 原因` declines; others are refused and nothing changes."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from bot.mail.identity import MailIdentity, store_identity
from domain.customer import Contact
from domain.money import Money
from tests.e2e.portal_world import P1_NAME, Portal


async def _file(portal: Portal, title: str = "增加报表导出") -> int:
    token = portal.token()
    form = {"csrf": await portal.csrf(token), "name": "何总", "title": title}
    assert (await portal.post(token, "change", form)).status == 303
    return (await portal.stored())["requests"][-1].id


async def _state(portal: Portal) -> tuple[object, ...]:
    async with portal.console.app.uow_factory() as uow:
        project = await uow.projects.get(portal.p1.id or 0)
        stones = [(m.name, m.due_on) for m in await uow.project_milestones.for_project(portal.p1.id or 0)]
        deal = await uow.opportunities.get(1)
        requests = [(r.approved, r.days_delta, r.amount_delta, r.note, r.decided_by)
                    for r in await uow.change_requests.for_project(portal.p1.id or 0)]
        return project.ends_on, stones, deal.amount, requests


async def test_the_portal_command_gives_a_link_that_opens_the_project(portal: Portal) -> None:
    out = await portal.console.say("门户 P1")
    url = re.search(r"http://portal\.example\.cn(/p/\S+)", out)
    assert url is not None and "30 天内有效" in out
    response = await portal.client.get(url.group(1))
    assert response.status == 200 and P1_NAME in await response.text()
    refused = await portal.console.say("portal P1", as_user="chen")  # another team's rep: like a missing project
    assert "No project P1 found" in refused and "/p/" not in refused
    assert "No project P1 found" in await portal.console.say("portal P1", as_user="chen")


async def test_revoking_voids_every_link_given_so_far(portal: Portal) -> None:
    old = portal.token()
    out = await portal.console.say("门户 P1 撤销")
    assert "已全部失效" in out
    assert (await portal.page(old))[0] == 403
    fresh = re.search(r"(/p/\S+)", await portal.console.say("门户 P1"))
    assert fresh is not None and (await portal.client.get(fresh.group(1))).status == 200
    async with portal.console.app.uow_factory() as uow:
        assert (await uow.projects.get(portal.p1.id or 0)).link_version == 2
    await portal.console.say("撤销")  # undone: the links given before count again
    assert (await portal.page(old))[0] == 200


async def test_sending_mails_the_link_to_the_customers_contacts(portal: Portal) -> None:
    async with portal.console.app.uow_factory() as uow:
        await store_identity(uow, MailIdentity("sales@dealbot.cn"))
        await uow.contacts.add(Contact(customer_id=1, name="何总", email="he@mingtu.com"))
        await uow.contacts.add(Contact(customer_id=1, name="孙工", email="sun@mingtu.com", bouncing=True))
        await uow.commit()
    out = await portal.console.say("门户 P1 发送 en")
    assert "何总" in out and "孙工" not in out
    async with portal.console.app.uow_factory() as uow:
        [mail] = await uow.outbox.pending_for("email", "何总 <he@mingtu.com>")
    path = re.search(r"http://portal\.example\.cn(/p/\S+)", mail.text)
    assert path is not None and "change: <what should change>" in mail.text and mail.extra["reply_token"]
    response = await portal.client.get(path.group(1))
    assert response.status == 200 and "Milestones" in await response.text()


async def test_accepting_a_change_moves_the_plan_and_the_price_and_undo_puts_them_back(portal: Portal) -> None:
    number = await _file(portal)
    before = await _state(portal)
    out = await portal.console.say(f"变更 CR{number} 同意 +10天 +5万 增加两个报表")
    assert f"已同意变更请求 CR{number}" in out and "85万" in out
    ends_on, stones, amount, [decided] = await _state(portal)
    assert ends_on == before[0] + timedelta(days=10)  # type: ignore[operator]
    assert stones[0] == before[1][0]  # the accepted milestone stays where it was
    assert stones[1][1] == before[1][1][1] + timedelta(days=10)  # the open one moves
    assert amount == Money(Decimal(850000))
    assert decided[:4] == (True, 10, Money(Decimal(50000)), "增加两个报表")
    _, html = await portal.page(portal.token())
    assert "已同意" in html and f"CR{number} 已同意" in html  # the state and the public update
    assert "已经同意，不能再改" in await portal.console.say(f"变更 CR{number} 驳回 不要了")  # decided once only
    assert (await _state(portal))[3] == [decided]
    await portal.console.say("撤销")
    assert await _state(portal) == before


async def test_declining_needs_a_reason_and_the_right_to_decide(portal: Portal) -> None:
    number = await _file(portal)
    before = await _state(portal)
    assert "驳回要写原因" in await portal.console.say(f"变更 CR{number} 驳回")
    refused = await portal.console.say(f"change request CR{number} reject no", as_user="chen")
    assert f"No change request CR{number} found" in refused
    assert await _state(portal) == before
    out = await portal.console.say(f"变更 CR{number} 驳回 超出合同范围", as_user="zhangwei")
    assert "已驳回" in out
    assert (await _state(portal))[3] == [(False, None, None, "超出合同范围", await _rep_id(portal, "张伟"))]


async def _rep_id(portal: Portal, name: str) -> int | None:
    async with portal.console.app.uow_factory() as uow:
        rep = await uow.reps.by_name(name)
        return rep.id if rep else None


async def test_the_open_list_shows_only_requests_one_may_see(portal: Portal) -> None:
    number = await _file(portal, "改登录页")
    mine = await portal.console.say("变更")
    assert f"CR{number} P1 改登录页" in mine
    theirs = await portal.console.say("change requests", as_user="chen")
    assert "改登录页" not in theirs and "No open change requests" in theirs
    await portal.console.say(f"变更 CR{number} 同意", as_user="zhangwei")
    assert "没有待处理的变更请求" in await portal.console.say("变更")


async def test_the_team_manager_decides_in_english_and_the_owner_is_told(portal: Portal) -> None:
    number = await _file(portal, "去掉一个报表")
    before = await _state(portal)
    out = await portal.console.say(f"change request CR{number} accept +10 days -20000 one report less", as_user="wang")
    assert f"已同意变更请求 CR{number}" in out and "商机 #1 金额 80万 → 78万" in out
    ends_on, _, amount, [decided] = await _state(portal)
    assert ends_on == before[0] + timedelta(days=10)  # type: ignore[operator]
    assert amount == Money(Decimal(780000)) and decided[:4] == (True, 10, Money(Decimal(-20000)), "one report less")
    assert "王经理 同意了项目 P1 的变更，商机 #1 金额 80万 → 78万" in out  # the deal's owner (张伟) is told


async def test_weeks_and_chinese_numbers_are_read_and_an_unreadable_effect_is_refused(portal: Portal) -> None:
    number = await _file(portal)
    before = await _state(portal)
    for line in (f"变更 CR{number} 同意 +1月", f"变更 CR{number} 同意 +10天 +5万 +3万"):
        assert "看不懂" in await portal.console.say(line)
        assert await _state(portal) == before  # never accepted with the words as its note
    out = await portal.console.say(f"变更 CR{number} 同意 +两周 -3万 少一个报表")
    assert "工期 +14 天" in out
    ends_on, _, amount, [decided] = await _state(portal)
    assert ends_on == before[0] + timedelta(days=14)  # type: ignore[operator]
    assert decided[:4] == (True, 14, Money(Decimal(-30000)), "少一个报表")
    assert amount == Money(before[2].amount - Decimal(30000))  # type: ignore[attr-defined]
    await portal.console.say("撤销")
    assert "工期 +7 天" in await portal.console.say(f"change request CR{number} accept +1 week", as_user="wang")
    assert (await _state(portal))[3][0][:2] == (True, 7)  # type: ignore[index]
