"""Delivery projects in chat (issue #15) end to end on SQLite and PostgreSQL: a deal is won → its project is
created from the standard template with milestones linked to the payment plan → tasks added, assigned (the
assignee told), progress reported by the assignee → a milestone accepted → the linked payment falls due and
the owner is told; undo; bad input and missing rights change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest

from domain.delivery import WorkStatus
from tests.e2e.conftest import NOW
from tests.e2e.delivery_chat_world import LI, WANG, ZHANG, notices, open_won, stored
from tests.e2e.harness import Console, start_console


@pytest.fixture
async def won(db_url: str) -> AsyncIterator[Console]:
    async for console in open_won(db_url):
        yield console


async def test_won_deal_to_accepted_milestone_makes_the_payment_due_and_tells_the_owner(won: Console) -> None:
    out = await won.say("赢单 #1")
    assert "已创建交付项目 P1（模板：标准）" in out
    state = await stored(won)
    [project] = state["projects"]
    pay = {p.seq: p for p in state["plan"]}
    assert (project.opportunity_id, project.manager_id, project.template, project.customer_id) == (1, ZHANG, "标准", 1)
    assert [(m.name, m.due_on, m.payment_milestone_id) for m in state["stones"]] == [
        ("需求确认", date(2026, 12, 8), pay[1].id), ("开发", date(2027, 1, 23), None),
        ("上线", date(2027, 2, 12), pay[2].id), ("验收", date(2027, 2, 22), pay[3].id)]
    assert project.ends_on == date(2027, 2, 22)
    assert [(e.kind, e.public) for e in state["events"]] == [("project", True)]

    out = await won.say("任务 P1 新增 接口开发 负责人 李娜 截止 下周五 里程碑 M3 工时 5人天")
    assert "已新增任务 T1 接口开发" in out and "已通知负责人" in out
    assert await notices(won, "lina", "T1 接口开发") == [
        "张伟 指派给你任务 T1 接口开发（项目 P1 MES，截止 12月4日）。更新进度：任务 T1 完成 50%"]
    assert "T1 接口开发 进度更新为 80%" in await won.say("任务T1 完成 80%", as_user="lina")  # a ref glued on
    assert "已新增子任务 T2 联调（T1 下）" in await won.say("子任务 T1 联调 工时 1", as_user="zhangwei")
    assert "T2 联调 进度更新为 50%" in await won.say("任务 T2 完成 50%", as_user="lina")
    [task, sub] = (await stored(won))["tasks"]
    assert (task.title, task.assignee_id, task.due_on, task.milestone_id, task.effort_days) == (
        "接口开发", LI, date(2026, 12, 4), 3, Decimal(5))
    assert (task.progress, task.status) == (80, WorkStatus.DOING)
    assert (sub.parent_id, sub.assignee_id, sub.milestone_id, sub.progress) == (1, LI, 3, 50)
    assert "进度     50%" in await won.say("项目 P1", as_user="zhangwei")  # T1 counts as its subtasks' progress

    out = await won.say("里程碑 M3 验收", as_user="wang")
    assert "已验收 M3 上线" in out and "回款 #2 40万 现已到期（到期日 2026年11月24日）" in out
    state = await stored(won)
    accepted = state["stones"][2]
    assert (accepted.status, accepted.accepted_on, accepted.accepted_by) == (WorkStatus.DONE, NOW.date(), WANG)
    assert {p.seq: p.due_on for p in state["plan"]} == {1: date(2026, 12, 15), 2: NOW.date(), 3: date(2027, 6, 30)}
    assert await notices(won, "zhangwei", "现已到期") == [
        "M3 上线 已验收，商机 #1 回款 #2 40万 现已到期（到期日 2026年11月24日）"]
    assert [(e.kind, e.public) for e in state["events"]][-1] == ("milestone", True)

    assert "已撤销：恢复 里程碑 M3、回款节点 #2。" in await won.say("撤销", as_user="wang")
    state = await stored(won)
    assert (state["stones"][2].status, state["stones"][2].accepted_on) == (WorkStatus.TODO, None)
    assert {p.seq: p.due_on for p in state["plan"]}[2] == date(2027, 3, 1)
    assert [e.kind for e in state["events"]][-1] == "task"  # the acceptance's timeline line went with it


async def test_project_list_card_and_my_tasks(won: Console) -> None:
    await won.say("赢单 #1")
    await won.say("任务 P1 新增 接口开发 负责人 李娜 截止 2026-11-20 里程碑 M1")
    listed = await won.say("项目")
    assert "交付项目（1）" in listed and "P1 MES · 0% · 下一里程碑 M1 需求确认 12月8日" in listed
    assert "⚠ 1 个里程碑延误" in listed and "1 个任务逾期" in listed
    assert "T1 接口开发 · 李娜 · 11月20日（逾期） · 0%" in await won.say("我的任务", as_user="lina")
    assert "P1 MES" in await won.say("projects", as_user="lina")  # the assignee sees the project
    assert "You have no open tasks." in await won.say("my tasks", as_user="chen")
    await won.say("任务 T1 阻塞 等客户提供账号", as_user="lina")
    card = await won.say("项目 P1", as_user="wang")
    assert "客户     杭州明途信息技术有限公司" in card and "T1 接口开发：等客户提供账号" in card
    assert "M1 需求确认 12月8日 · 未开始 ⚠ 有任务逾期 · 回款 #1" in card and "M2 开发 2027年1月23日 · 未开始\n" in card
    assert "M3 上线 2027年2月12日 · 未开始 · 回款 #2" in await won.say("里程碑 P1")
    [task] = (await stored(won))["tasks"]
    assert (task.status, task.blocker) == (WorkStatus.BLOCKED, "等客户提供账号")
    await won.say("任务 T1 解除阻塞", as_user="lina")
    [task] = (await stored(won))["tasks"]
    assert (task.status, task.blocker) == (WorkStatus.TODO, "")


async def test_a_second_project_needs_again_and_only_won_deals_get_one(won: Console) -> None:
    out = await won.say("项目 新建 #1")
    assert "商机 #1 还没有赢单（谈判），只有赢单的商机才能建交付项目" in out
    assert (await stored(won))["projects"] == []
    await won.say("赢单 #1")
    assert "已经有交付项目 P1" in await won.say("项目 新建 #1")
    out = await won.say("项目 新建 #1 再建 模板 standard 开始 下周一 负责人 李娜")
    assert "已创建交付项目 P2 MES（模板：标准，4 个里程碑，3 个关联回款）" in out
    second = (await stored(won))["projects"][1]
    assert (second.manager_id, second.starts_on) == (LI, date(2026, 11, 30))
    assert "P2" in await won.say("项目", as_user="lina")  # the project manager sees it


QUICK = {"milestones": [{"name": "上线", "days": 30, "payment": 1}, {"name": "验收", "days": 45}]}


async def test_undoing_the_win_removes_its_project(won: Console) -> None:
    await won.say("赢单 #1")
    assert len((await stored(won))["stones"]) == 4
    out = await won.say("撤销")
    assert "新建 交付项目 1 个、里程碑 4 个" in out
    state = await stored(won)
    assert (state["projects"], state["stones"], state["events"], state["tasks"]) == ([], [], [], [])
    assert "没有进行中的交付项目" in await won.say("项目")
    assert "请写项目号或里程碑号" in await won.say("里程碑")
    assert "商机 #1 还没有赢单" in await won.say("项目 新建 #1")  # the deal is back in negotiation


async def test_auto_project_off_wins_without_a_project_and_a_configured_template_is_used(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", NOW, delivery={"auto_project": False,
                                                                    "templates": {"快速": QUICK}})
    try:
        for line in ("新客户 杭州明途信息技术有限公司 区域 华东", "新商机 明途 MES 100万", "阶段 #1 方案",
                     "阶段 #1 谈判"):
            await console.say(line)
        assert "交付项目" not in await console.say("赢单 #1")
        assert (await stored(console))["projects"] == []
        assert "没有模板「加急」（可用：标准、快速）" in await console.say("项目 新建 #1 模板 加急")
        out = await console.say("项目 新建 #1 模板 快速")
        assert "已创建交付项目 P1 MES（模板：快速，2 个里程碑，0 个关联回款）" in out
        state = await stored(console)
        assert [(m.name, m.due_on, m.payment_milestone_id) for m in state["stones"]] == [
            ("上线", date(2026, 12, 24), None), ("验收", date(2027, 1, 8), None)]  # no payment plan to link
    finally:
        await console.app.close()


async def test_bad_input_and_missing_rights_change_nothing(won: Console) -> None:
    await won.say("赢单 #1")
    await won.say("任务 P1 新增 接口开发 负责人 李娜 截止 下周五")
    before = await stored(won)
    assert "找不到任务 T99" in await won.say("任务 T99 完成")
    assert "进度「120%」无效，请写 0% 到 100% 之间" in await won.say("任务 T1 完成 120%")
    assert "截止日期「2月30日」看不懂" in await won.say("任务 T1 截止 2月30日")
    assert "找不到同事 「赵六」" in await won.say("任务 T1 指派 赵六")
    assert "日期「下下个月吧」看不懂" in await won.say("里程碑 M3 延期 下下个月吧")
    assert "No task T1 found" in await won.say("task T1 done 50%", as_user="chen")  # another team: as if missing
    hidden, missing = await won.say("项目 P1", as_user="chen"), await won.say("项目 P9", as_user="chen")
    assert hidden == missing.replace("P9", "P1") == "No project P1 found\n"
    assert "你没有权限操作里程碑 M3" in await won.say("里程碑 M3 验收", as_user="lina")  # an assignee only
    assert "你没有权限操作任务 T1" in await won.say("任务 T1 截止 12月20日", as_user="lina")
    assert await stored(won) == before
    assert await notices(won, "zhangwei", "现已到期") == []


async def test_english_commands_and_each_person_told_in_their_language(db_url: str) -> None:
    console = await start_console(db_url, "chen", NOW)
    try:
        for line in ("customer add Shenzhen Acme Robotics Co., Ltd. region 华南", "deal add Acme MES 1000000",
                     "contract #1 HT-9 1000000", "payment plan #1 30% 2026-12-15 70% 2027-03-01",
                     "stage #1 proposal", "stage #1 negotiation"):
            await console.say(line)
        assert "Delivery project P1 created (template: 标准)" in await console.say("won #1")
        out = await console.say("task P1 add API work assignee 张伟 due next Friday milestone M3 effort 3d")
        assert "Task T1 API work added, due Dec 4, 3d; the assignee was told" in out
        assert await notices(console, "zhangwei", "T1 API work") == [
            "陈晨 指派给你任务 T1 API work（项目 P1 MES，截止 12月4日）。更新进度：任务 T1 完成 50%"]
        assert "P1 MES · 0% · next milestone M1 Requirements sign-off Dec 8" in await console.say("projects")
        assert [m.name for m in (await stored(console))["stones"]] == [  # opened by an English speaker
            "Requirements sign-off", "Development", "Go-live", "Acceptance"]
        assert "已验收 M3 Go-live" in await console.say("milestone M3 accept", as_user="admin")
        assert await notices(console, "chen", "is now due") == [
            "M3 Go-live accepted: payment #2 ¥700,000 of deal #1 is now due (due 2026-11-24)"]
        assert "cannot read the due date 'Feb 30'" in await console.say("task T1 due Feb 30", as_user="chen")
    finally:
        await console.app.close()
