"""QA round 2 fixes of the lead pool (公海, issue #14) on SQLite and PostgreSQL: the customer goes with a lead,
a reason after 放弃, extra words after a ref refused, a hint that names a claimable one, another team's pool
refused first, the daily limit's words, a lead's creation date, the check-in alias."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import AuditRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import USERS, Console, start_console
from tests.e2e.test_pool_chat import LI, ZHANG, pool, state

__all__ = ["pool"]
SUN = 5  # 孙丽, manager of 华南一组 (added after harness.USERS)


async def audits(console: Console, after: int) -> list[tuple[str, int, str, dict[str, Any]]]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = await uow.session.scalars(select(AuditRow).where(AuditRow.id > after).order_by(AuditRow.id))
        return [(r.entity, r.entity_id, r.action, r.changes) for r in rows]


async def test_a_released_lead_takes_its_customer_and_the_claimer_gets_both(pool: Console) -> None:
    await pool.say("新线索 成都天府软件有限公司 区域 西南")  # L1 on a new customer C4, both 张伟's
    assert (await state(pool))["customers"][4][0] == ZHANG
    mark = (await state(pool))["audit"]
    reply = await pool.say("放弃 L1 客户没需求了")
    assert "已放弃 L1 成都天府软件有限公司，它回到了公海（原因：客户没需求了），客户 C4 也一起回到了公海。" in reply
    released = await state(pool)
    assert released["customers"][4] == (None, False, 1) and released["leads"] == {1: (None, "new")}
    assert released["events"][-2:] == [("release", None, 1, ZHANG), ("release", 4, None, ZHANG)]
    logged = await audits(pool, mark)
    assert [(e, a) for e, _, a, _ in logged] == [("lead", "update"), ("pool_event", "create"),
                                                 ("customer", "update"), ("pool_event", "create")]
    assert logged[1][3]["note"] == "客户没需求了" and logged[2][3]["owner_id"] == [ZHANG, None]
    reply = await pool.say("领取 L1", as_user="lina")
    assert "已领取 L1" in reply and "客户 C4 也归你了" in reply
    claimed = await state(pool)
    assert claimed["customers"][4][0] == LI and claimed["leads"] == {1: (LI, "assigned")}
    assert claimed["events"][-1] == ("claim", None, 1, LI)  # one claim: the customer comes with it
    assert "已撤销" in await pool.say("撤销", as_user="lina")
    undone = await state(pool)
    assert {k: undone[k] for k in ("customers", "leads", "events")} == {
        k: released[k] for k in ("customers", "leads", "events")}


async def test_a_customer_the_releaser_still_works_stays_theirs(pool: Console) -> None:
    for title in ("成都天府软件有限公司 区域 西南", "成都天府软件有限公司 联系人 何总 区域 西南"):
        await pool.say(f"新线索 {title}")
    leads = (await state(pool))["leads"]
    assert leads == {1: (ZHANG, "assigned"), 2: (ZHANG, "assigned")}, leads
    async with pool.app.uow_factory() as uow:
        assert [lead.customer_id for lead in await uow.leads.list()] == [4, 4]
    reply = await pool.say("放弃 L1")
    assert "已放弃 L1" in reply and "也一起回到了公海" not in reply  # L2 is still his on C4
    assert (await state(pool))["customers"][4][0] == ZHANG
    assert "客户 C4 也归你了" not in await pool.say("领取 L1", as_user="lina")
    stored = await state(pool)
    assert stored["customers"][4][0] == ZHANG and stored["leads"][1] == (LI, "assigned")


async def test_extra_words_after_a_ref_are_refused_except_a_release_reason(pool: Console) -> None:
    before = await state(pool)
    for text, said in (("claim C1 please", "extra words 'please' (only the number, e.g. claim C1)"),
                       ("领取 C1 please", "多余的内容「please」（只需要编号，例如：领取 C1）"),
                       ("保护 C1 重要", "多余的内容「重要」（只需要编号，例如：保护 C1）"),
                       ("保留 C3 一下", "多余的内容「一下」（只需要编号，例如：保留 C3）")):
        who = "wang" if text.startswith("保护") else "chen" if text.startswith("claim") else "lina"
        assert said in await pool.say(text, as_user=who), text
    assert await state(pool) == before
    reply = await pool.say("release C3 no budget this year", as_user="zhangwei")
    assert "Released C3" in reply or "已放弃 C3" in reply
    assert "no budget this year" in reply
    after = await state(pool)
    assert after["customers"][3] == (None, False, 1) and after["events"][-1] == ("release", 3, None, ZHANG)
    [*_, (entity, _, action, changes)] = await audits(pool, before["audit"])
    assert (entity, action, changes["note"]) == ("pool_event", "create", "no budget this year")


async def test_the_hint_names_only_a_customer_the_asker_may_claim(pool: Console) -> None:
    for ref in ("C1", "C2"):
        assert "已设为受保护客户" in await pool.say(f"保护 {ref}", as_user="wang")
    listed = await pool.say("公海", as_user="lina")
    assert "C1 杭州明途信息技术有限公司（受保护）" in listed and "领取：领取" not in listed
    assert "这一页没有你能领取的" in listed
    assert "领取：领取 C1" in await pool.say("公海", as_user="wang")  # a manager of the pool's team may


async def test_another_teams_pool_is_refused_before_protection(db_url: str) -> None:
    sun = {"name": "孙丽", "role": "manager", "team": "华南一组", "console": "sunli"}
    console = await start_console(db_url, "zhangwei", NOW, users=[*USERS, sun])
    try:
        await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
        await console.say("放弃 C1")
        await console.say("保护 C1", as_user="wang")
        before = await state(console)
        reply = await console.say("领取 C1", as_user="sunli")
        assert "C1 在其他团队的公海里，你不能领取" in reply and "受保护" not in reply
        assert await state(console) == before and before["customers"][1] == (None, True, 1)
    finally:
        await console.app.close()


async def test_the_daily_limit_counts_customers_and_leads(pool: Console) -> None:
    await pool.say("新线索 成都天府软件有限公司 区域 西南")
    await pool.say("放弃 L1")
    assert "已领取 L1" in await pool.say("领取 L1", as_user="lina")
    assert "已领取 C1" in await pool.say("领取 C1", as_user="lina")
    before = await state(pool)
    assert "今天已经领取了 2 个客户/线索（每天最多 2 个）" in await pool.say("领取 C2", as_user="lina")
    assert await state(pool) == before and before["customers"][2] == (None, False, 1)


async def test_a_lead_in_the_pool_shows_when_it_was_created_not_a_follow_up(pool: Console) -> None:
    await pool.say("新线索 成都天府软件有限公司 区域 西南")
    await pool.say("放弃 L1")
    listed = await pool.say("公海", as_user="lina")
    line = next(x for x in listed.splitlines() if x.strip().startswith("L1"))
    assert "创建" in line and "最近跟进" not in line
    customer = next(x for x in listed.splitlines() if "C2 " in x)
    assert "最近跟进" in customer


async def test_check_in_with_a_hyphen_is_the_check_in_command(pool: Console) -> None:
    before = await state(pool)
    reply = await pool.say("check-in 远景")
    assert "Unknown command" not in reply and "已签到：" in reply
    assert (await state(pool))["audit"] > before["audit"]
