"""Delivery feeds the risk scan (issue #15), on SQLite and PostgreSQL with a fixed clock: an overdue task
warns its assignee, a slipping milestone the project's manager (else the deal's owner), the team's manager
gets the roll-up; each warning is stored once in the ledger and a second run sends nothing new."""

from __future__ import annotations

from datetime import date

import pytest
from delivery_world import add_project, add_stone, add_task, set_task
from risk_world import NOW, Factory, World, alerts, days, make_world, outbox

from domain.delivery import WorkStatus
from domain.risks import RiskSettings
from scheduler.risks import scan_risks

SETTINGS = RiskSettings(incremental=False)  # every scan a full one: these tests change rows directly


@pytest.fixture
async def world(uow_factory: Factory) -> World:
    return await make_world(uow_factory)


async def scan(w: World, days_later: float = 0) -> int:
    return await scan_risks(w.uow_factory, NOW + days(days_later), SETTINGS)


async def test_an_overdue_task_warns_its_assignee_once_and_the_manager_gets_the_roll_up(world: World) -> None:
    project = await add_project(world, world.zhang, manager=world.zhang)
    late = await add_task(world, project, "部署测试环境", date(2026, 11, 20), assignee=world.li, progress=40,
                          blocker="等客户服务器")
    await add_task(world, project, "需求调研", date(2026, 11, 20), assignee=world.li, status=WorkStatus.DONE)
    await add_task(world, project, "接口开发", date(2026, 11, 24), assignee=world.li)  # due today: not late
    assert await scan(world) == 1
    assert await alerts(world) == [("task_overdue", "task", late, f"2026-11-20|{world.li}")]
    sent = await outbox(world)
    [(key, text)] = [(key, text) for who, key, text in sent if who == "lina"]
    assert key.startswith(f"risks:{world.li}:")
    assert text.splitlines()[:3] == [
        "⚠️ 风险提醒：新增 1 条",
        f"1. T{late} 部署测试环境：「明途 MES 实施」P{project} 的任务已逾期 4 天（应于 2026-11-20，进度 40%），"
        "受阻：等客户服务器",
        f"   → 完成后更新进度：任务 T{late} 完成 100%；做不完就和项目负责人调整日期。 发送：项目 P{project}"]
    [team] = [text for who, key, text in sent if who == "wang"]
    assert team.splitlines()[:2] == ["📊 团队风险汇总 · 华东一组：新增 1 条", "任务逾期 1"]
    assert f"T{late} 部署测试环境 (@李娜)" in team
    assert await scan(world, 0.2) == 0  # a second run: same task, same date, nothing new
    assert await outbox(world) == sent
    assert await scan(world, 1) == 1  # the next day the task due today is late too; the first not again
    assert [subject for _, _, subject, _ in await alerts(world)] == [late, late + 2]


async def test_an_overdue_task_warns_again_only_for_a_new_date_that_passes_too(world: World) -> None:
    project = await add_project(world, world.zhang)
    task = await add_task(world, project, "部署", date(2026, 11, 23), assignee=world.zhang)
    assert await scan(world) == 1
    await set_task(world, task, due_on=date(2026, 11, 26))
    assert await scan(world, 1) == 0  # moved into the future: fixed
    assert await scan(world, 3) == 1  # the 27th: the new date passed too
    await set_task(world, task, status=WorkStatus.DONE, progress=100)
    assert await scan(world, 4) == 0
    assert [state for *_, state in await alerts(world)] == [f"2026-11-23|{world.zhang}", f"2026-11-26|{world.zhang}"]


async def test_an_english_reader_gets_the_task_warning_in_english(world: World) -> None:
    project = await add_project(world, world.chen, name="Mingtu MES")
    task = await add_task(world, project, "Deploy test env", date(2026, 11, 21), assignee=world.chen)
    await scan(world)
    [text] = [text for who, _, text in await outbox(world) if who == "chen"]
    assert text.splitlines()[:2] == [
        "⚠️ Risk warnings: 1 new",
        f"1. T{task} Deploy test env: a task of Mingtu MES (P{project}) is 3 days overdue (due 2026-11-21, 0% done)"]
    assert f"Send: project P{project}" in text


async def test_an_unassigned_task_and_a_cancelled_project(world: World) -> None:
    project = await add_project(world, world.zhang, manager=world.li)
    unassigned = await add_task(world, project, "验收文档", date(2026, 11, 22))
    called_off = await add_project(world, world.zhang, status=WorkStatus.CANCELLED, name="作废项目")
    await add_task(world, called_off, "不再做", date(2026, 11, 1), assignee=world.zhang)
    assert await scan(world) == 1
    [(*_, state)] = await alerts(world)
    assert state == f"2026-11-22|{world.li}"  # nobody assigned: the project's manager is told
    assert [who for who, key, _ in await outbox(world) if key.startswith("risks:")] == ["lina"]
    assert unassigned


async def test_a_milestone_past_its_date_and_not_accepted_warns_the_project_manager(world: World) -> None:
    project = await add_project(world, world.zhang, manager=world.li)
    stone = await add_stone(world, project, "上线", date(2026, 11, 20), seq=3)
    await add_stone(world, project, "需求确认", date(2026, 11, 1), accepted=date(2026, 11, 2))
    assert await scan(world) == 1
    assert await alerts(world) == [("milestone_slipping", "project_milestone", stone, "2026-11-20|late|")]
    [text] = [text for who, key, text in await outbox(world) if who == "lina"]
    assert (f"1. P{project} 明途 MES 实施 · 上线：里程碑「上线」应于 2026-11-20 完成，已过 4 天仍未验收"
            in text.splitlines())
    assert await scan(world, 1) == 0


async def test_a_milestone_with_an_open_task_due_after_it_slips_before_its_date(world: World) -> None:
    project = await add_project(world, world.zhang)  # no manager: the deal's owner is told
    stone = await add_stone(world, project, "上线", date(2026, 12, 10))
    await add_task(world, project, "联调", date(2026, 12, 5), assignee=world.li, milestone=stone)
    assert await scan(world) == 0
    late = await add_task(world, project, "性能测试", date(2026, 12, 15), assignee=world.li, milestone=stone)
    assert await scan(world) == 1
    assert await alerts(world) == [("milestone_slipping", "project_milestone", stone, "2026-12-10||2026-12-15")]
    [text] = [text for who, _, text in await outbox(world) if who == "zhangwei"]
    assert "里程碑「上线」还有未完成的任务排到 2026-12-15（晚于里程碑日期 2026-12-10）" in text
    await set_task(world, late, status=WorkStatus.DONE)
    assert await scan(world, 1) == 0
    assert len(await alerts(world)) == 1
