"""Task lists for managers (issue #15) on SQLite and PostgreSQL: `任务 P1` lists a project's open tasks
(assignee, due date with the overdue mark, progress, blocker; overdue first; pages of 10); `团队任务` the open
tasks of the members of the teams a manager manages, only in projects the manager may see (an admin: all);
a rep is refused; a bad page is refused with how to write it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.delivery import WorkStatus
from tests.e2e.delivery_chat_world import open_won, stored
from tests.e2e.harness import Console


@pytest.fixture
async def team(db_url: str) -> AsyncIterator[Console]:
    """P1 (张伟's deal, 华东一组) with tasks of 李娜, 张伟 and 陈晨 (华南一组); P2 (陈晨's own deal) with one of
    李娜."""
    async for console in open_won(db_url):
        for line in ("赢单 #1", "任务 P1 新增 接口开发 负责人 李娜 截止 下周五",
                     "任务 P1 新增 需求分析 负责人 张伟 截止 2026-11-20", "任务 P1 新增 文档",
                     "任务 P1 新增 培训 负责人 陈晨 截止 2026-11-23", "任务 P1 新增 验收准备 负责人 李娜",
                     "子任务 T1 联调", "任务 T2 阻塞 等客户确认", "任务 T5 完成"):
            await console.say(line)
        for line in ("customer add Shenzhen Acme Robotics Co., Ltd. region 华南", "deal add Acme MES 1000000",
                     "stage #2 proposal", "stage #2 negotiation", "won #2", "task P2 add API review assignee 李娜"):
            await console.say(line, as_user="chen")
        console.connector.user = "zhangwei"
        yield console


async def test_a_projects_open_tasks_overdue_first(team: Console) -> None:
    out = await team.say("任务 P1")
    assert out.splitlines() == [
        "P1 MES 的未完成任务（5）",
        "T2 需求分析 · 张伟 · 11月20日（逾期） · 0% · 受阻：等客户确认",
        "T4 培训 · 陈晨 · 11月23日（逾期） · 0%",
        "T1 接口开发 · 李娜 · 12月4日 · 0%",
        "T3 文档 · 未指派 · 0%",
        "T6 联调 · 李娜 · 0%（T1 的子任务）"]
    assert "T5" not in out  # done
    assert "Open tasks of P1 MES (5)" in await team.say("task P1", as_user="chen")  # an assignee sees them
    assert "找不到项目 P2" in await team.say("任务 P2", as_user="zhangwei")  # 陈晨's project, not 张伟's to see
    assert "看不懂「第x页」，翻页请写：任务 P1 第2页" in await team.say("任务 P1 第x页")
    for number in range(6, 12):
        await team.say(f"任务 P1 新增 巡检{number}")
    first, second = await team.say("任务 P1"), await team.say("任务 P1 第2页")
    assert "P1 MES 的未完成任务（11）" in first and "第 1/2 页，下一页：任务 P1 第2页" in first
    assert second.count("\n") == 2 and "巡检11" in second  # the 11th line, undated and newest, on page 2
    assert "共 11 个任务，没有第 3 页。" in await team.say("任务 P1 第3页")


async def test_team_tasks_for_a_manager_an_admin_and_not_a_rep(team: Console) -> None:
    out = await team.say("团队任务", as_user="wang")
    assert out.splitlines() == [  # not 陈晨's (another team), not P2's (not 王经理's to see), not T5 (done)
        "团队任务（3）",
        "P1 · T2 需求分析 · 张伟 · 11月20日（逾期） · 0% · 受阻：等客户确认",
        "P1 · T1 接口开发 · 李娜 · 12月4日 · 0%",
        "P1 · T6 联调 · 李娜 · 0%（T1 的子任务）"]
    everyone = await team.say("team tasks page 1", as_user="admin")
    assert "团队任务（6）" in everyone and "P1 · T4 培训 · 陈晨" in everyone and "P2 · T7 API review · 李娜" in everyone
    assert "P1 · T3 文档 · 未指派" in everyone
    assert "团队任务只给团队经理和管理员看。你自己的任务请写：我的任务" in await team.say("团队任务", as_user="lina")
    assert "Team tasks are for team managers and admins" in await team.say("team tasks", as_user="chen")
    assert "看不懂「第二页」，翻页请写：团队任务 第2页" in await team.say("团队任务 第二页", as_user="wang")
    assert (await stored(team))["tasks"][1].status is WorkStatus.BLOCKED
    await team.say("任务 T2 完成", as_user="zhangwei")
    assert (await stored(team))["tasks"][1].status is WorkStatus.DONE
    assert "T2 需求分析" not in await team.say("团队任务", as_user="wang")
