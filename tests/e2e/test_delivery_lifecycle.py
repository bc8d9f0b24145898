"""A delivery project's status in chat (issue #15) on SQLite and PostgreSQL: its first started task puts it
under way, the last accepted milestone completes it (the deal's owner and the project's manager told in their
language, a public timeline line), `项目 P1 关闭 [强制]` and `项目 P1 取消 原因` by hand (refusals change nothing),
undo, `项目` / `项目 全部`; a task done before the task it depends on is done with a warning."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.delivery import WorkStatus
from tests.e2e.conftest import NOW
from tests.e2e.delivery_chat_world import notices, open_won, stored
from tests.e2e.harness import Console, start_console


@pytest.fixture
async def won(db_url: str) -> AsyncIterator[Console]:
    async for console in open_won(db_url):
        await console.say("赢单 #1")
        yield console


async def status(console: Console, index: int = 0) -> WorkStatus:
    return (await stored(console))["projects"][index].status


async def test_the_first_task_starts_the_project_and_the_last_acceptance_completes_it(won: Console) -> None:
    await won.say("项目 新建 #1 再建 负责人 李娜")  # P2, managed by 李娜 (张伟 owns the deal)
    await won.say("任务 P2 新增 接口开发 负责人 李娜")
    assert await status(won, 1) is WorkStatus.TODO
    assert "进度更新为 30%" in await won.say("任务 T1 完成 30%", as_user="lina")
    state = await stored(won)
    assert [p.status for p in state["projects"]] == [WorkStatus.TODO, WorkStatus.DOING]  # P1 has no task
    assert [(e.project_id, e.text, e.public) for e in state["events"] if e.kind == "project"][-1] == (
        2, "项目进入实施", True)
    for ref in ("M5", "M6", "M7"):
        await won.say(f"里程碑 {ref} 验收", as_user="wang")
    assert await status(won, 1) is WorkStatus.DOING and await notices(won, "lina", "已完成") == []
    out = await won.say("里程碑 M8 验收", as_user="wang")
    assert "项目 P2 MES 已完成（全部里程碑已验收），已通知商机负责人和项目负责人" in out
    state = await stored(won)
    assert state["projects"][1].status is WorkStatus.DONE
    assert [(e.text, e.text_en, e.public) for e in state["events"]][-1] == ("项目已完成", "Project completed", True)
    for person in ("zhangwei", "lina"):
        assert await notices(won, person, "已完成") == ["交付项目 P2 MES 已完成（全部里程碑已验收，王经理）。"]
    assert await notices(won, "wang", "交付项目 P2") == []  # not the one who did it (only the reply)
    listed = await won.say("项目")
    assert "交付项目（1）" in listed and "P1 MES" in listed and "P2" not in listed
    everything = await won.say("项目 全部")
    assert "交付项目（全部 2）" in everything and "P2 MES · 30% · 已完成" in everything
    assert "状态     已完成" in await won.say("项目 P2")
    assert "已撤销：恢复 里程碑 M8、回款节点 #3、交付项目 P2。" in await won.say("撤销", as_user="wang")
    state = await stored(won)
    assert state["projects"][1].status is WorkStatus.DOING and state["stones"][7].accepted_on is None
    assert "项目已完成" not in [e.text for e in state["events"]]


async def test_closing_by_hand_is_refused_while_milestones_wait_unless_forced(won: Console) -> None:
    before = await stored(won)
    out = await won.say("项目 P1 关闭")
    assert ("项目 P1 还有 4 个里程碑未验收：M1 需求确认、M2 开发、M3 上线、M4 验收。先验收（里程碑 M1 验收）；"
            "确认不再验收就关闭，请写：项目 P1 关闭 强制") in out
    assert "多余的内容「马上」" in await won.say("项目 P1 关闭 马上")
    assert "项目 P1 还有 4 个里程碑未验收" in await won.say("项目 P1 完成")  # 完成 / done / 结项 close it too
    assert await stored(won) == before
    out = await won.say("项目 P1 关闭 强制", as_user="wang")
    assert "项目 P1 MES 已完成（手动关闭），已通知商机负责人和项目负责人" in out
    assert "未验收就关闭的里程碑：M1 需求确认、M2 开发、M3 上线、M4 验收（它们关联的回款不会因此到期）" in out
    state = await stored(won)
    assert state["projects"][0].status is WorkStatus.DONE
    assert [m.accepted_on for m in state["stones"]] == [None] * 4 and state["plan"] == before["plan"]
    assert await notices(won, "zhangwei", "已完成") == ["交付项目 P1 MES 已完成（手动关闭，王经理）。"]
    assert "项目 P1 已是「已完成」，没有更改。" in await won.say("项目 P1 关闭")
    assert "项目 P1 已完成，不能再取消。" in await won.say("项目 P1 取消 预算冻结")
    out = await won.say("里程碑 P1 新增 培训 2027-03-01", as_user="wang")
    assert "项目 P1 因新增里程碑重新进入实施" in out
    state = await stored(won)
    assert state["projects"][0].status is WorkStatus.DOING and len(state["stones"]) == 5
    await won.say("撤销", as_user="wang")  # the milestone and the reopening together
    state = await stored(won)
    assert state["projects"][0].status is WorkStatus.DONE and len(state["stones"]) == 4


async def test_cancelling_needs_a_reason_and_the_deals_control_and_hides_the_project(won: Console) -> None:
    await won.say("任务 P1 新增 接口开发 负责人 李娜 截止 2026-11-20")
    await won.say("共享 #1 陈晨")  # 陈晨 may work on the deal, not control it
    before = await stored(won)
    assert "缺少取消原因，例如：项目 P1 取消 客户预算冻结" in await won.say("项目 P1 取消")
    assert "You are not allowed to change project P1" in await won.say("project P1 cancel no budget", as_user="chen")
    assert "你没有权限操作项目 P1" in await won.say("项目 P1 取消 预算冻结", as_user="lina")  # an assignee: sees it
    assert await stored(won) == before
    out = await won.say("项目 P1 取消 客户预算冻结", as_user="wang")
    assert ("已取消项目 P1 MES（客户预算冻结），已通知商机负责人和项目负责人。"
            "它不再出现在项目列表、风险提醒和周报里。") in out
    state = await stored(won)
    assert state["projects"][0].status is WorkStatus.CANCELLED
    assert [(e.text, e.public) for e in state["events"]][-1] == ("项目已取消：客户预算冻结", False)
    assert await notices(won, "zhangwei", "已被") == ["交付项目 P1 MES 已被 王经理 取消：客户预算冻结"]
    assert "没有进行中的交付项目" in await won.say("项目")
    assert "P1 MES · 0% · 已取消" in await won.say("项目 全部")
    assert "你没有未完成的任务" in await won.say("我的任务", as_user="lina")  # its tasks leave the lists too
    assert "团队没有未完成的任务" in await won.say("团队任务", as_user="wang")
    assert "项目 P1 已是「已取消」，没有更改。" in await won.say("项目 P1 取消 再取消一次")


async def test_a_task_done_before_its_predecessor_is_done_with_a_warning(won: Console) -> None:
    for line in ("任务 P1 新增 需求分析", "任务 P1 新增 数据库设计", "任务 P1 新增 接口开发", "任务 T3 依赖 T1",
                 "任务 T3 依赖 T2", "任务 T1 完成 40%"):
        await won.say(line)
    out = await won.say("任务 T3 完成")
    assert "T3 接口开发 已完成" in out
    assert ("⚠ 注意：T3 依赖的 T1 需求分析（进行中 40%）、T2 数据库设计（未开始 0%）还没完成，请确认顺序"
            "（需要时：任务 T1 完成）") in out
    tasks = (await stored(won))["tasks"]
    assert [(t.status, t.progress) for t in tasks] == [(WorkStatus.DOING, 40), (WorkStatus.TODO, 0),
                                                       (WorkStatus.DONE, 100)]
    await won.say("任务 T1 完成")
    await won.say("任务 T2 完成")
    await won.say("任务 T3 完成 50%")
    assert "⚠" not in await won.say("任务 T3 完成")  # its predecessors are done now


async def test_english_owner_told_in_english_and_the_warning_in_english(db_url: str) -> None:
    console = await start_console(db_url, "chen", NOW, delivery={"templates": {"快速": {"milestones": [
        {"name": "上线", "name_en": "Go-live", "days": 30}, {"name": "验收", "days": 45}]}}})
    try:
        for line in ("customer add Shenzhen Acme Robotics Co., Ltd. region 华南", "deal add Acme MES 1000000",
                     "stage #1 proposal", "stage #1 negotiation", "won #1", "project new #1 again template 快速",
                     "task P1 add design", "task P1 add build", "task T2 depends T1"):
            await console.say(line)
        assert [m.name for m in (await stored(console))["stones"]][4:] == ["Go-live", "验收"]  # P2, no name_en
        out = await console.say("task T2 done")
        assert "T2 build is done\n⚠ Note: T2 depends on T1 design (to do, 0%), not finished yet" in out
        out = await console.say("project P1 close")
        assert "Project P1 still has 4 milestone(s) not accepted: M1 Requirements sign-off, M2 Development" in out
        assert "to close it without them write: project P1 close force" in out
        assert "项目 P1 MES 已完成（手动关闭）" in await console.say("项目 P1 关闭 强制", as_user="admin")
        assert await notices(console, "chen", "completed") == [
            "Delivery project P1 MES is completed (closed by hand, 管理员)."]
        assert (await stored(console))["projects"][0].status is WorkStatus.DONE
    finally:
        await console.app.close()
