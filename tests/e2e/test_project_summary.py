"""The weekly project summary (issue #15), on SQLite and PostgreSQL with a fixed clock: `项目 P1 绑定群`
binds the conversation; on Friday after 17:00 each open project's summary is queued once — to its group, or
to its manager — with the week's progress, milestones due in two weeks, overdue tasks, blockers and open
change requests; a second run (or a second process) queues nothing new."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete

from bot.delivery.weekly import WeeklySettings
from domain.delivery import ChangeRequest, Milestone, ProjectEvent, Task, WorkStatus
from scheduler.project_summary import send_project_summaries
from storage.models import SettingRow
from tests.e2e.conftest import NOW, SHANGHAI
from tests.e2e.delivery_jobs_world import add_rows, money, outbox_rows, rep_id, won_project
from tests.e2e.harness import Console

FRIDAY = datetime(2026, 11, 27, 17, 5, tzinfo=SHANGHAI)
SETTINGS = WeeklySettings()  # fri 17:00, Asia/Shanghai, zh


async def a_busy_project(console: Console) -> int:
    project = await won_project(console, "张伟", "明途", manager="张伟", at=NOW - timedelta(days=30))
    li, zhang = await rep_id(console, "李娜"), await rep_id(console, "张伟")
    this_week = FRIDAY - timedelta(days=2)
    await add_rows(
        console,
        Milestone(project, "需求确认", date(2026, 11, 10), WorkStatus.DONE, seq=1, accepted_on=date(2026, 11, 10)),
        Milestone(project, "上线", date(2026, 12, 5), seq=2),
        Milestone(project, "验收", date(2026, 12, 31), seq=3),  # beyond two weeks: not listed
        Task("需求调研", project, None, zhang, date(2026, 11, 20), WorkStatus.DONE, progress=100,
             updated_at=this_week),
        Task("旧任务", project, None, zhang, date(2026, 11, 1), WorkStatus.DONE, progress=100,
             updated_at=FRIDAY - timedelta(days=20)),  # done before this week
        Task("部署测试环境", project, None, li, date(2026, 11, 24), WorkStatus.DOING, progress=40),
        Task("接口联调", project, None, li, date(2026, 12, 3), WorkStatus.BLOCKED, blocker="等客户账号"),
        ChangeRequest(project, "增加报表模块", FRIDAY - timedelta(days=3), days_delta=10, amount_delta=money(50000)),
        ChangeRequest(project, "改配色", FRIDAY - timedelta(days=9), approved=False),
        ProjectEvent(project, this_week, "task", "任务 T6 进度 20% → 40%", "Task T6 progress 20% → 40%"),
        ProjectEvent(project, FRIDAY - timedelta(days=8), "task", "上周的更新", "last week's update"),
    )
    return project


async def test_a_bound_group_and_a_manager_each_get_one_summary_per_week(console: Console) -> None:
    project = await a_busy_project(console)
    other = await won_project(console, "张伟", "海纳", manager="李娜")
    reply = await console.say(f"项目 P{project} 绑定群")
    assert f"已绑定：项目 P{project}「明途 MES 实施」的周报每周发到这个群。" in reply
    assert await send_project_summaries(console.app.uow_factory, FRIDAY - timedelta(minutes=10), SETTINGS) == 0
    assert await send_project_summaries(console.app.uow_factory, FRIDAY, SETTINGS) == 2
    sent = await outbox_rows(console, "project-summary")
    assert [(channel, to, key) for channel, to, key, _ in sent] == [
        ("console", "zhangwei", f"project-summary:group:P{project}:2026-W48"),
        ("console", "lina", f"project-summary:{await rep_id(console, '李娜')}:P{other}:2026-W48")]
    lines = sent[0][3].splitlines()
    assert lines[0] == f"📋 项目周报 · P{project} 明途 MES 实施（11/20–11/27）"
    assert lines[1] == "整体进度 60% · 本周完成任务 1 个"
    assert lines[2].startswith("  ✅ T") and lines[2].endswith(" 需求调研")
    assert lines[3:5] == ["本周动态：", "  · 任务 T6 进度 20% → 40%"]
    assert lines[5:7] == ["未来两周的里程碑：", lines[6]] and lines[6].endswith("上线，2026-12-05 到期（8 天后）")
    assert lines[7] == "逾期任务（1）：" and lines[8].endswith(" 部署测试环境（李娜，逾期 3 天）")
    assert lines[9] == "受阻：" and lines[10].endswith(" 接口联调（李娜）：等客户账号")
    assert lines[11] == "待处理的变更请求（1）："
    assert lines[12].endswith(" 增加报表模块（+10 天，5万）")  # the rejected one left out
    assert len(lines) == 13
    assert sent[1][3].splitlines()[1:] == ["整体进度 0% · 本周完成任务 0 个", "本周没有更新。"]

    assert await send_project_summaries(console.app.uow_factory, FRIDAY + timedelta(hours=1), SETTINGS) == 0
    assert await send_project_summaries(console.app.uow_factory, FRIDAY + timedelta(days=1), SETTINGS) == 0
    async with console.app.uow_factory() as uow:  # the week's claim lost (another process's view): still once
        await uow.session.execute(delete(SettingRow).where(SettingRow.key.like("project-summary:%")))  # type: ignore[attr-defined]
        await uow.commit()
    assert await send_project_summaries(console.app.uow_factory, FRIDAY + timedelta(hours=2), SETTINGS) == 0
    assert len(await outbox_rows(console, "project-summary")) == 2
    # the next week: again one each
    assert await send_project_summaries(console.app.uow_factory, FRIDAY + timedelta(days=7), SETTINGS) == 2


async def test_binding_needs_a_project_one_may_work_on_and_a_group(console: Console) -> None:
    theirs = await won_project(console, "陈晨", "南方")
    reply = await console.say(f"项目 P{theirs} 绑定群")
    assert f"找不到项目 P{theirs}" in reply  # another team's project answers like a missing one
    mine = await won_project(console, "张伟", "明途")
    reply = await console.say(f"项目 P{mine} 绑定群 交付群")
    assert "没有叫「交付群」的群机器人" in reply
    async with console.app.uow_factory() as uow:
        assert await uow.settings.get(f"project-group:{mine}") is None
        assert await uow.settings.get(f"project-group:{theirs}") is None
    reply = await console.say(f"project P{mine} bind group")
    assert "已绑定" in reply
    reply = await console.say(f"项目 P{mine} 解绑群")
    assert f"项目 P{mine} 的周报改为发给项目负责人。" in reply
    async with console.app.uow_factory() as uow:
        assert await uow.settings.get(f"project-group:{mine}") is None
