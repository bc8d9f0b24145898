"""The lead pool (公海, issue #14) through chat, on SQLite and PostgreSQL: release, list, claim (customers and
leads), every refusal changing nothing, protection by managers, replayed 放弃 taps, undo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from domain.pool_ports import EventKind
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console

ZHANG, LI, CHEN, WANG = 2, 3, 4, 1  # rep ids in the order of harness.USERS (王经理 1, 张伟 2, 李娜 3, 陈晨 4)


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[Console]:
    """张伟 of 华东一组 with two customers he released into his team's pool (C1 明途, C2 华信) and C3 he keeps;
    at most 2 claims a day."""
    console = await start_console(db_url, "zhangwei", NOW, pool={"daily_claims": 2, "cooldown_days": 30})
    for name in ("杭州明途信息技术有限公司 区域 华东 行业 制造", "上海华信软件有限公司 区域 华东 行业 软件",
                 "苏州远景科技有限公司 区域 华东"):
        await console.say(f"新客户 {name}")
    assert "已放弃 C1" in await console.say("放弃 C1")
    assert "已放弃 C2" in await console.say("release C2")
    yield console
    await console.app.close()


async def state(console: Console) -> dict[str, Any]:
    """Each customer's (owner, protected, pool team), the pool log and the number of audit rows."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        customers = {c.id: (c.owner_id, c.protected, c.pool_team_id) for c in await uow.customers.list()}
        leads = {lead.id: (lead.owner_id, lead.status.value) for lead in await uow.leads.list()}
        events = [(e.kind.value, e.customer_id, e.lead_id, e.rep_id)
                  for e in (await uow.pool.many(range(1, 100))).values()]
        audit = (await uow.audit.max_id())
    return {"customers": customers, "leads": leads, "events": events, "audit": audit}


async def test_release_puts_customers_in_the_team_pool_that_team_sees(pool: Console) -> None:
    stored = await state(pool)
    assert stored["customers"] == {1: (None, False, 1), 2: (None, False, 1), 3: (ZHANG, False, None)}
    assert stored["events"] == [("release", 1, None, ZHANG), ("release", 2, None, ZHANG)]
    listed = await pool.say("公海", as_user="lina")
    assert "公海（2）" in listed and "C1 杭州明途信息技术有限公司 · 华东 · 制造" in listed and "C3" not in listed
    assert "C2" in await pool.say("公海 行业 软件", as_user="lina")
    assert "C1" not in await pool.say("公海 行业 软件", as_user="lina")
    assert "C1" in await pool.say("公海 30天未跟进", as_user="lina")
    assert "没有符合条件" in await pool.say("pool region 华南", as_user="lina")
    assert "Nothing in the pool matches" in await pool.say("pool", as_user="chen")  # 华南一组: not his team's pool
    assert "看不懂" in await pool.say("公海 随便", as_user="lina")


async def test_claim_then_undo_restores_the_owner_and_the_log(pool: Console) -> None:
    reply = await pool.say("领取 C1", as_user="lina")
    assert "已领取 C1 杭州明途信息技术有限公司" in reply and "1/2" in reply
    stored = await state(pool)
    assert stored["customers"][1][0] == LI
    assert stored["events"][-1] == ("claim", 1, None, LI)
    assert "已撤销" in await pool.say("撤销", as_user="lina")
    after = await state(pool)
    assert after["customers"][1] == (None, False, 1) and after["events"] == stored["events"][:-1]
    assert "已领取 C1" in await pool.say("claim C1", as_user="lina")  # the undone claim does not count


async def test_refusals_say_why_and_change_nothing(pool: Console) -> None:
    await pool.say("领取 C1", as_user="lina")
    before = await state(pool)
    refusals = [
        ("领取 C1", "lina", "已经在你名下"), ("领取 C1", "wang", "已有负责人"), ("领取 C3", "lina", "已有负责人"),
        ("claim C2", "chen", "another team's pool"), ("领取 C1", "zhangwei", "已有负责人"),
        ("领取 C99", "lina", "找不到客户 C99"), ("放弃 C3", "lina", "不在你名下"), ("保护 C2", "lina", "只有"),
        ("领取", "lina", "请写客户"),
    ]
    for text, who, said in refusals:
        assert said in await pool.say(text, as_user=who), text
    assert await state(pool) == before


async def test_daily_limit_and_cool_down(pool: Console) -> None:
    await pool.say("新客户 宁波海天机械有限公司 区域 华东", as_user="zhangwei")
    await pool.say("放弃 C4", as_user="zhangwei")
    assert "已领取" in await pool.say("领取 C1", as_user="lina")
    assert "已领取" in await pool.say("领取 C2", as_user="lina")
    before = await state(pool)
    assert "每天最多 2 个" in await pool.say("领取 C4", as_user="lina")
    cool = await pool.say("领取 C4", as_user="zhangwei")  # he released C4 today: 30 days of cool-down
    assert "2026-12-24 之后才能再领取" in cool
    assert await state(pool) == before
    pool.clock.now += timedelta(days=1)
    assert "已领取 C4" in await pool.say("领取 C4", as_user="lina")


async def test_protected_customers_cannot_be_claimed_and_only_managers_protect(pool: Console) -> None:
    assert "已设为受保护客户" in await pool.say("保护 C1", as_user="wang")
    assert "已经受保护" in await pool.say("保护 C1", as_user="wang")
    before = await state(pool)
    assert before["customers"][1] == (None, True, 1) and before["events"][-1] == ("protect", 1, None, None)
    assert "受保护的客户" in await pool.say("领取 C1", as_user="lina")
    assert "只有" in await pool.say("取消保护 C1", as_user="zhangwei")
    assert await state(pool) == before
    assert "已取消保护" in await pool.say("unprotect C1", as_user="wang")
    assert "已领取" in await pool.say("领取 C1", as_user="lina")


async def test_a_replayed_release_tap_changes_nothing_the_second_time(pool: Console) -> None:
    assert "已放弃 C3" in await pool.say("放弃 C3")
    once = await state(pool)
    assert "已经在公海里了，没有更改" in await pool.say("放弃 C3")
    assert await state(pool) == once
    assert once["events"].count(("release", 3, None, ZHANG)) == 1


async def test_leads_are_released_and_claimed(pool: Console) -> None:
    await pool.say("新线索 成都天府软件有限公司 区域 西南")  # no rule for 西南: 张伟 keeps it
    assert "已放弃 L1" in await pool.say("放弃 L1")
    assert (await state(pool))["leads"] == {1: (None, "new")}
    assert "L1 成都天府软件有限公司" in await pool.say("公海", as_user="lina")
    assert "已领取 L1" in await pool.say("领取 L1", as_user="lina")
    stored = await state(pool)
    assert stored["leads"] == {1: (LI, "assigned")} and stored["events"][-1] == ("claim", None, 1, LI)
    assert EventKind.CLAIM.value == "claim"


async def test_sentences_that_open_with_a_pool_or_approval_word_are_not_commands(pool: Console) -> None:
    """放弃 / 保留 / 保护 / 同意 / 驳回 count only as words standing alone: a sentence that begins with one is
    not read as `放弃 C…` (it goes to the free-text route), and nothing in the pool changes."""
    before = await state(pool)
    for sentence in ("放弃了远景的项目", "保留意见再谈", "保护期还有三个月", "同意下周三去远景", "驳回了远景的方案"):
        reply = await pool.say(sentence)
        assert "已放弃" not in reply and "受保护" not in reply and "审批" not in reply, (sentence, reply)
        assert "找不到客户" not in reply, (sentence, reply)  # not the pool command reading the rest as a name
    after = await state(pool)
    assert after["customers"] == before["customers"] and after["events"] == before["events"]
    await pool.say("新客户 宁波海天机械有限公司 区域 华东")  # C4 (a free-text line may have opened a deal on C3)
    assert "已放弃 C4" in await pool.say("放弃 C4")  # the command, standing alone, still works


async def deal_owners(console: Console) -> dict[int, int | None]:
    async with console.app.uow_factory() as uow:
        return {d.id: d.owner_id for d in await uow.opportunities.list() if d.id is not None}


async def test_a_customer_with_open_deals_of_the_owner_is_not_released(pool: Console) -> None:
    """The customer's owner and its deals' owner never part: 放弃 is refused while the owner has open deals on
    it, naming them and what to do; once they are handed over or closed, the customer goes back."""
    for name in ("MES", "ERP", "WMS"):
        await pool.say(f"新商机 远景 {name} 50万")
    before, owners = await state(pool), await deal_owners(pool)
    reply = await pool.say("放弃 远景")
    assert ("C3 上还有你负责的 3 个进行中的商机（#1、#2、#3）：先转给同事（转给 #1 李娜）或关闭，再放弃客户"
            in reply), reply
    assert "3 个进行中的商机" in await pool.say("release C3")
    assert await state(pool) == before and await deal_owners(pool) == owners
    assert "李娜" in await pool.say("转给 #1 李娜")
    await pool.say("输单 #2 价格")
    assert "上还有你负责的 1 个进行中的商机（#3）" in await pool.say("放弃 C3")
    await pool.say("输单 #3 价格")
    assert "已放弃 C3" in await pool.say("放弃 C3")
    after = await state(pool)
    assert after["customers"][3] == (None, False, 1) and after["events"][-1] == ("release", 3, None, ZHANG)
    assert (await deal_owners(pool))[1] == LI  # 李娜's deal stays hers: it was never the releaser's to give up


async def test_a_page_past_the_last_says_how_many_pages_there_are(pool: Console) -> None:
    assert "公海共 2 个，只有 1 页，没有第 2 页" in await pool.say("公海 第2页", as_user="lina")
    assert "公海（2）" in await pool.say("公海 第1页", as_user="lina")
    assert "没有符合条件的客户或线索" in await pool.say("公海 地区 华南 第2页", as_user="lina")  # truly empty


async def test_a_manager_of_the_pools_team_claims_a_protected_customer(pool: Console) -> None:
    await pool.say("新客户 宁波海天机械有限公司 区域 华东 标签 重点客户")  # C4: protected by its tag
    await pool.say("放弃 C4")
    assert "已设为受保护客户" in await pool.say("保护 C1", as_user="wang")
    listed = await pool.say("公海", as_user="lina")
    assert "C1 杭州明途信息技术有限公司（受保护） · 华东" in listed and "C4 宁波海天机械有限公司（受保护）" in listed
    assert "C2 上海华信软件有限公司 · 华东" in listed and "领取：领取 C2" in listed
    before = await state(pool)
    for ref in ("C1", "C4"):
        assert "只有公海所在团队的经理或管理员可以领取" in await pool.say(f"领取 {ref}", as_user="lina")
    assert await state(pool) == before
    assert "已领取 C1 杭州明途信息技术有限公司" in await pool.say("领取 C1", as_user="wang")
    assert "已领取 C4" in await pool.say("领取 C4", as_user="wang")
    after = await state(pool)
    assert after["customers"][1] == (WANG, True, 1) and after["customers"][4][0] == WANG
    assert after["events"][-2:] == [("claim", 1, None, WANG), ("claim", 4, None, WANG)]


async def test_protect_asks_for_a_customer_and_a_released_lead_is_named(pool: Console) -> None:
    asked = await pool.say("保护", as_user="wang")
    assert "请写客户（如 C12 或客户名）" in asked and "线索" not in asked
    await pool.say("新线索 成都天府软件有限公司 区域 西南")
    assert "已放弃 L1 成都天府软件有限公司，它回到了公海，客户 C4 也一起回到了公海。" in await pool.say("放弃 L1")
    assert "L1 成都天府软件有限公司 已经在公海里了，没有更改" in await pool.say("放弃 L1")
    assert (await state(pool))["leads"] == {1: (None, "new")}
    usage = await pool.say("help pool", as_user="chen")  # the example region is one regions are stored as
    assert "pool [region 华东] [industry 制造]" in usage and "East" not in usage
