"""How reps really type the delivery commands (issue #15 QA), on SQLite and PostgreSQL: refs and verbs glued
together or to their values (任务T1完成 50%, 任务T1 完成80%, T1完成, 里程碑M1验收, 变更CR1同意), full-width
refs, a bare percentage, an effort in Chinese numerals or with its unit apart (工时 3 人天, effort 3 days);
English replies without Chinese brackets; what is refused changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest

from domain.delivery import ChangeRequest, WorkStatus
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.delivery_chat_world import LI, ZHANG, notices, open_won, stored
from tests.e2e.harness import Console, start_console

CHEN = 4  # harness.USERS order


@pytest.fixture
async def won(db_url: str) -> AsyncIterator[Console]:
    async for console in open_won(db_url):
        assert "已创建交付项目 P1" in await console.say("赢单 #1")
        yield console


async def _task(console: Console, number: int) -> tuple[str, int, WorkStatus, Decimal | None, int | None]:
    task = next(t for t in (await stored(console))["tasks"] if t.id == number)
    return task.title, task.progress, task.status, task.effort_days, task.assignee_id


async def test_glued_refs_verbs_and_values_are_read_as_written_apart(won: Console) -> None:
    out = await won.say("任务Ｐ１新增 接口开发 负责人 李娜 截止 2027-03-01 工时 三人天")
    assert "已新增任务 T1 接口开发" in out
    assert await _task(won, 1) == ("接口开发", 0, WorkStatus.TODO, Decimal(3), LI)
    assert "T1 接口开发 进度更新为 50%" in await won.say("任务T1完成 50%")
    assert (await _task(won, 1))[1] == 50
    assert "T1 接口开发 进度更新为 80%" in await won.say("任务T1 完成80%")
    assert (await _task(won, 1))[1] == 80
    assert "T1 接口开发 进度更新为 90%" in await won.say("T1 完成 90")  # no 任务, no %
    assert (await _task(won, 1))[1] == 90
    assert "T1 接口开发 已完成" in await won.say("T1完成了")
    assert (await _task(won, 1))[1:3] == (100, WorkStatus.DONE)
    assert "已新增任务 T2 部署" in await won.say("任务 P1 新增 部署 工时 2 人天")
    assert (await _task(won, 2))[:4] == ("部署", 0, WorkStatus.TODO, Decimal(2))
    assert "T2 部署 截止日期改为" in await won.say("任务T2截止2027年3月20日")
    assert "已验收 M1 需求确认（11月24日）" in await won.say("里程碑M1验收")
    assert (await stored(won))["stones"][0].accepted_on == NOW.date()
    async with won.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await uow.change_requests.add(ChangeRequest(1, "增加报表", NOW, source="portal", requester="何总"))
        await uow.commit()
    assert "已同意变更请求 CR1" in await won.say("变更CR1同意 +10天")
    async with won.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        [request] = await uow.change_requests.for_project(1)
    assert (request.approved, request.days_delta) == (True, 10)


async def test_bad_variants_are_refused_and_change_nothing(won: Console) -> None:
    await won.say("任务 P1 新增 接口开发 负责人 李娜 工时 5")
    before = await stored(won)
    assert "进度「120」无效" in await won.say("T1 完成 120")
    assert "工时「三人月」看不懂" in await won.say("任务 P1 新增 测试 工时 三人月")
    assert "T1" not in await won.say("T1 型号 报价")  # no task verb after the ref: not a task command
    assert "进度" not in await won.say("T1 完成了吗")  # a question, not a report of progress
    after = await stored(won)
    assert [(t.title, t.progress, t.effort_days) for t in after["tasks"]] == [("接口开发", 0, Decimal(5))]
    assert after["events"] == before["events"]


async def test_english_effort_unit_apart_and_replies_without_chinese_brackets(db_url: str) -> None:
    console = await start_console(db_url, "chen", NOW)
    try:
        for line in ("customer add Shenzhen Acme Robotics Co., Ltd. region 华南", "deal add Acme MES 1000000",
                     "stage #1 proposal", "stage #1 negotiation", "won #1"):
            await console.say(line)
        out = await console.say("task P1 add Data migration assignee 陈晨 due 2027-03-01 effort 3 days")
        assert "Task T1 Data migration added" in out and "3d" in out
        assert await _task(console, 1) == ("Data migration", 0, WorkStatus.TODO, Decimal(3), CHEN)
        assert "1 project in all; there is no page 2." in await console.say("projects page 2")
        workload = await console.say("resources P1")
        assert "陈晨 (P1): W48" in workload and "（" not in workload
        async with console.app.uow_factory() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            await uow.change_requests.add(ChangeRequest(1, "a monthly report", NOW, source="portal", requester="Ho"))
            await uow.commit()
        listed = await console.say("change requests")
        assert "CR1 P1 a monthly report (open) · Ho" in listed and "（" not in listed
        assert "M1 Requirements sign-off accepted (Nov 24)" in await console.say("milestone M1 accept")
        assert "T1 Data migration is now at 40%" in await console.say("T1 done 40%")
        assert (await _task(console, 1))[1] == 40
    finally:
        await console.app.close()


async def test_a_payment_released_by_one_milestone_is_not_linked_to_a_second(won: Console) -> None:
    before = await stored(won)
    out = await won.say("里程碑 P1 新增 二期上线 2027-04-01 回款 2")
    assert "回款 #2 已由 M3 上线 的验收触发" in out
    after = await stored(won)
    assert [(m.name, m.payment_milestone_id) for m in after["stones"]] == [
        (m.name, m.payment_milestone_id) for m in before["stones"]]
    assert after["events"] == before["events"]
    assert "已新增里程碑 M5 二期上线" in await won.say("里程碑 P1 新增 二期上线 2027-04-01")
    assert (await stored(won))["stones"][-1].payment_milestone_id is None


async def test_a_subtasks_inherited_assignee_is_told_and_nobody_is_told_of_their_own_task(won: Console) -> None:
    await won.say("任务 P1 新增 接口开发 负责人 李娜 截止 2027-03-01")
    assert await notices(won, "lina", "T1 接口开发") == [
        "张伟 指派给你任务 T1 接口开发（项目 P1 MES，截止 2027年3月1日）。更新进度：任务 T1 完成 50%"]
    assert "已新增子任务 T2 联调（T1 下），已通知负责人" in await won.say("子任务 T1 联调")
    assert await notices(won, "lina", "T2 联调") == [
        "张伟 指派给你任务 T2 联调（项目 P1 MES）。更新进度：任务 T2 完成 50%"]
    out = await won.say("任务 P1 新增 写方案 负责人 张伟")
    assert out.strip().endswith("已新增任务 T3 写方案")  # not "已通知负责人": nobody is told of their own task
    assert (await _task(won, 2))[4] == LI and (await _task(won, 3))[4] == ZHANG
    assert await notices(won, "zhangwei", "指派给你") == []


async def test_english_lists_use_commas_and_a_missing_date_is_named(db_url: str) -> None:
    console = await start_console(db_url, "chen", NOW)
    try:
        for line in ("customer add Shenzhen Acme Robotics Co., Ltd. region 华南", "deal add Acme MES 1000000",
                     "stage #1 proposal", "stage #1 negotiation", "won #1"):
            await console.say(line)
        out = await console.say("project P1 close")
        assert ("not accepted: M1 Requirements sign-off, M2 Development, M3 Go-live, M4 Acceptance." in out
                and "、" not in out)
        assert "Closed without acceptance: M1 Requirements sign-off, M2 Development" in await console.say(
            "project P1 close force")
        assert "Delivery project P2" in await console.say("project new #1 again")
        out = await console.say("project new #1")
        assert "Deal #1 already has delivery project P1, P2." in out and "、" not in out
        out = await console.say("milestone M5 move")
        assert "missing the date; write it like 2027-03-01" in out
        stones = (await stored(console))["stones"]
        assert [(m.id, m.due_on) for m in stones if m.id == 5] == [(5, date(2026, 12, 8))]
        assert [p.id for p in (await stored(console))["projects"]] == [1, 2]
    finally:
        await console.app.close()


async def test_the_workload_of_a_project_leaves_out_a_task_its_open_subtasks_carry(won: Console) -> None:
    await won.say("任务 P1 新增 接口开发 负责人 王经理 截止 2026-12-04 工时 5")
    await won.say("子任务 T1 联调 负责人 李娜 截止 2026-12-04 工时 5")
    lines = (await won.say("资源 P1", as_user="wang")).splitlines()
    assert lines[2:] == ["李娜（P1）：W48 44% · W49 56% · W50 0% · W51 0%", "没有人超过 100%"]  # no 王经理（无任务）
    assert [(t.id, t.assignee_id) for t in (await stored(won))["tasks"]] == [(1, 1), (2, LI)]


async def test_progress_on_a_task_with_subtasks_says_it_is_counted_from_them(won: Console) -> None:
    await won.say("任务 P1 新增 接口开发 负责人 李娜 工时 4")
    await won.say("子任务 T1 联调 工时 1")
    out = await won.say("任务 T1 完成 60%")
    assert out.strip().splitlines() == [
        "T1 接口开发 进度更新为 60%", "注意：T1 有子任务，进度按子任务计算（现为 0%）；完成子任务即可推进"]
    assert (await _task(won, 1))[1] == 60  # stored as said
    assert "T1 接口开发 · 李娜 · 0%" in await won.say("任务 T1")
