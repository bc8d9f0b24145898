"""/api/v1 projects and tasks: opened, added and changed by the delivery use cases (only a won deal gets a
project, one per deal; tasks on the timeline, the assignee told through the outbox); stored rows, audit
actors and messages read back; team tokens never see another team's projects; refusals as problems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from domain.delivery import WorkStatus
from domain.messaging import OutboxStatus
from tests.api.conftest import Api, open_api


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Api]:
    """The API with `[delivery] auto_project = false`: winning a deal opens no project by itself."""
    console, client = await open_api(db_url, delivery={"auto_project": False})
    yield Api(client, console)
    await client.close()
    await console.app.close()


async def _setup(api: Api) -> dict[str, int]:
    """Won deals: ERP升级 of 张伟 (华东一组) and MES of 陈晨 (华南一组); 李娜 is in 华东一组."""
    ids = await api.two_teams()
    admin = await api.token("管理 读写")
    for deal in (ids["ERP升级"], ids["MES"]):
        for stage in ("proposal", "negotiation", "won"):
            assert (await api.call("POST", f"/opportunities/{deal}/stage", admin, {"stage": stage}))[0] == 200
    return {**ids, "east": ids["ERP升级"], "south": ids["MES"]}


async def _actor(api: Api, name: str) -> int:
    return -next(t.id or 0 for t in await api.tokens() if t.name == name)


async def test_a_project_and_its_tasks_through_the_delivery_use_cases(api: Api) -> None:
    ids = await _setup(api)
    east = await api.token("交付 读写 团队 华东一组")
    status, project, _ = await api.call("POST", "/projects", east, {"opportunity_id": ids["east"],
                                                                    "starts_on": "2026-12-08"})
    assert status == 201, project
    again = await api.call("POST", "/projects", east, {"opportunity_id": ids["east"]})
    assert again[0] == 409 and f"P{project['id']}" in again[1]["detail"]
    status, task, _ = await api.call("POST", "/tasks", east, {
        "project_id": project["id"], "title": "接口联调", "assignee_id": ids["李娜"], "due_on": "2026-12-20"})
    assert status == 201, task
    status, changed, _ = await api.call("PATCH", f"/tasks/{task['id']}", east,
                                        {"progress": 40, "due_on": "2026-12-24", "assignee_id": ids["张伟"]})
    assert status == 200 and changed["status"] == "doing", changed
    blocked = (await api.call("PATCH", f"/tasks/{task['id']}", east, {"blocker": "等客户提供账号"}))[1]
    assert (blocked["status"], blocked["blocker"]) == ("blocked", "等客户提供账号")
    assert (await api.call("PATCH", f"/tasks/{task['id']}", east, {"blocker": ""}))[1]["status"] == "doing"
    async with api.console.app.uow_factory() as uow:
        stored = await uow.projects.get(project["id"])
        stones = await uow.project_milestones.for_project(project["id"])
        saved = await uow.tasks.get(task["id"])
        audit = await uow.audit.for_entity("task", task["id"])
        outbox = await uow.outbox.listing([OutboxStatus.PENDING, OutboxStatus.SENT], limit=500)
        projects = await uow.projects.for_opportunity(ids["east"])
    assert (stored.opportunity_id, stored.starts_on, stored.manager_id) == (ids["east"], date(2026, 12, 8), ids["张伟"])
    assert stones and changed["project_id"] == stored.id
    assert (saved.title, saved.progress, saved.status, saved.assignee_id, saved.due_on) == (
        "接口联调", 40, WorkStatus.DOING, ids["张伟"], date(2026, 12, 24))
    assert [p.id for p in projects] == [project["id"]]  # the refused second POST stored nothing
    assert {a.actor_id for a in audit} == {await _actor(api, "交付")}
    assert [a.action for a in audit] == ["create", "update", "update", "update", "update", "update"]
    told = sorted(item.recipient for item in outbox if f"T{task['id']}" in item.text)
    assert told == ["lina", "zhangwei"]  # 李娜 when assigned, then 张伟 when it moved to him


async def test_only_a_won_deal_gets_a_project_and_bad_bodies_are_refused(api: Api) -> None:
    ids = await _setup(api)
    writer = await api.token("交付 读写")
    await api.console.say("新商机 明途 二期 10万", as_user="zhangwei")
    async with api.console.app.uow_factory() as uow:
        fresh = next(d.id for d in await uow.opportunities.list() if d.name == "二期")
    status, body, _ = await api.call("POST", "/projects", writer, {"opportunity_id": fresh})
    assert status == 409 and "not won" in body["detail"]
    status, body, _ = await api.call("POST", "/projects", writer, {"opportunity_id": ids["east"], "template": "无"})
    assert status == 422 and body["errors"][0]["field"] == "template"
    project = (await api.call("POST", "/projects", writer, {"opportunity_id": ids["east"]}))[1]
    task = (await api.call("POST", "/tasks", writer, {"project_id": project["id"], "title": "部署"}))[1]
    status, body, _ = await api.call("PATCH", f"/tasks/{task['id']}", writer, {"progress": 150, "title": "x"})
    assert status == 422 and {e["field"] for e in body["errors"]} == {"title"}
    status, body, _ = await api.call("PATCH", f"/tasks/{task['id']}", writer, {"progress": 150})
    assert status == 422 and body["errors"] == [{"field": "progress", "detail": "must be between 0 and 100"}]
    reader = await api.token("看板 只读")
    assert (await api.call("PATCH", f"/tasks/{task['id']}", reader, {"progress": 10}))[0] == 403
    first = await api.call("POST", "/tasks", writer, {"project_id": project["id"], "title": "培训"},
                           **{"Idempotency-Key": "t-1"})
    again = await api.call("POST", "/tasks", writer, {"project_id": project["id"], "title": "培训"},
                           **{"Idempotency-Key": "t-1"})
    assert first[0] == 201 and first[:2] == again[:2]
    async with api.console.app.uow_factory() as uow:
        tasks = await uow.tasks.for_project(project["id"])
        assert len(await uow.projects.for_opportunity(fresh or 0)) == 0
    assert [(t.title, t.progress) for t in tasks] == [("部署", 0), ("培训", 0)]


async def test_team_tokens_never_see_another_teams_delivery(api: Api) -> None:
    ids = await _setup(api)
    admin = await api.token("全局 读写")
    south_project = (await api.call("POST", "/projects", admin, {"opportunity_id": ids["south"]}))[1]
    south_task = (await api.call("POST", "/tasks", admin, {"project_id": south_project["id"], "title": "上线"}))[1]
    east = await api.token("交付 读写 团队 华东一组")
    assert await api.seen("GET", f"/projects/{south_project['id']}", east) == await api.seen(
        "GET", "/projects/99999", east)
    assert await api.seen("GET", f"/tasks/{south_task['id']}", east) == await api.seen("GET", "/tasks/99999", east)
    hidden_patch = await api.call("PATCH", f"/tasks/{south_task['id']}", east, {"progress": 100})
    assert hidden_patch[:2] == (await api.call("PATCH", "/tasks/99999", east, {"progress": 100}))[:2]
    for query in (f"/projects?opportunity_id={ids['south']}", f"/tasks?project_id={south_project['id']}",
                  "/tasks", "/projects"):
        assert (await api.call("GET", query, east))[1]["data"] == [], query
    hidden = await api.call("POST", "/tasks", east, {"project_id": south_project["id"], "title": "x"})
    missing = await api.call("POST", "/tasks", east, {"project_id": 99999, "title": "x"})
    assert hidden[0] == 422 and hidden[1] == missing[1]
    foreign = await api.call("POST", "/projects", east, {"opportunity_id": ids["east"], "manager_id": ids["陈晨"]})
    assert foreign[0] == 422 and foreign[1]["errors"][0]["field"] == "manager_id"
    async with api.console.app.uow_factory() as uow:
        task = await uow.tasks.get(south_task["id"])
        assert [t.title for t in await uow.tasks.for_project(south_project["id"])] == ["上线"]
        assert not await uow.projects.for_opportunity(ids["east"])
    assert (task.progress, task.status) == (0, WorkStatus.TODO)
