"""The team's project page (`/team/projects/<id>`) end to end on SQLite and PostgreSQL: a signed-in rep who
may see the project gets milestones, tasks with owners, progress and blockers, internal updates and flags;
someone who may not see it gets exactly the page of a project that does not exist; no session, no page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot.web.signin import login_link
from domain.delivery import ProjectEvent, Task, WorkStatus
from tests.e2e.portal_world import NOW, P1_NAME, P2_NAME, Portal


async def _sign_in(portal: Portal, name: str) -> None:
    portal.client.session.cookie_jar.clear()
    async with portal.console.app.uow_factory() as uow:
        rep = await uow.reps.by_name(name)
    assert rep is not None and rep.id is not None
    link = login_link(portal.console.app.bot.settings.web, rep.id, NOW)
    response = await portal.client.get(link.split("portal.example.cn", 1)[1], allow_redirects=False)
    assert response.status == 200 and "dealbot_session" in response.cookies  # signed in (a refresh page to /dash)


async def _seed_tasks(portal: Portal) -> None:
    async with portal.console.app.uow_factory() as uow:
        lina = await uow.reps.by_name("李娜")
        assert lina is not None
        await uow.tasks.add(Task("接口联调", portal.p1.id, assignee_id=lina.id, due_on=NOW.date() - timedelta(days=2),
                                 status=WorkStatus.DOING, progress=40, blocker="等客户提供测试环境"))
        await uow.tasks.add(Task("数据迁移", portal.p1.id, due_on=NOW.date() + timedelta(days=9), progress=10))
        week = NOW.date() + timedelta(days=7 - NOW.weekday())  # next Monday: 李娜 has 8 days of work that week
        await uow.tasks.add(Task("性能测试", portal.p1.id, assignee_id=lina.id, starts_on=week,
                                 due_on=week + timedelta(days=4), effort_days=Decimal(8)))
        await uow.project_events.add(ProjectEvent(portal.p1.id or 0, NOW, "task", "内部：李娜接手接口联调"))
        await uow.commit()


async def test_a_rep_who_may_see_the_project_gets_tasks_owners_blockers_and_flags(portal: Portal) -> None:
    await _seed_tasks(portal)
    await _sign_in(portal, "张伟")
    response = await portal.client.get(f"/team/projects/{portal.p1.id}")
    html = await response.text()
    assert response.status == 200 and P1_NAME in html and P2_NAME not in html
    assert "接口联调" in html and "李娜" in html and "40%" in html and "等客户提供测试环境" in html
    assert "内部：李娜接手接口联调" in html  # internal updates too, unlike the portal
    assert "逾期任务: 1" in html and "受阻任务: 1" in html and "<svg" in html
    assert 'action="/dash/logout"' in html and '<span class="who">张伟</span>' in html  # rep_page.html's header
    assert "李娜: 未来 4 周负荷最高" not in html  # a rep sees no colleague's load (the resource view's rule)
    await _sign_in(portal, "王经理")
    managed = await (await portal.client.get(f"/team/projects/{portal.p1.id}")).text()
    assert "李娜: 未来 4 周负荷最高 160% ⚠" in managed  # her manager does: 8 days of work in a 5-day week
    assert len(html.encode()) < 100 * 1024
    _, portal_html = await portal.page(portal.token())
    assert "李娜" not in portal_html and "内部：" not in portal_html  # the customer sees neither


async def test_someone_who_may_not_see_it_gets_the_missing_project_page(portal: Portal) -> None:
    await _sign_in(portal, "陈晨")
    hidden = await portal.client.get(f"/team/projects/{portal.p1.id}")
    missing = await portal.client.get("/team/projects/999")
    assert hidden.status == missing.status == 404
    path = f"/team/projects/{portal.p1.id}"
    assert (await hidden.text()).replace(path, "/team/projects/X") == (await missing.text()).replace(
        "/team/projects/999", "/team/projects/X")
    assert P1_NAME not in await hidden.text()
    own = await portal.client.get(f"/team/projects/{portal.p2.id}")
    assert own.status == 200 and P2_NAME in await own.text()
    portal.client.session.cookie_jar.clear()
    response = await portal.client.get(f"/team/projects/{portal.p1.id}")
    assert response.status == 403 and P1_NAME not in await response.text()


async def test_a_big_project_keeps_both_pages_under_100_kb(portal: Portal) -> None:
    async with portal.console.app.uow_factory() as uow:
        for i in range(150):
            await uow.tasks.add(Task(f"第{i}项任务" + "很长的任务名称" * 20, portal.p1.id, due_on=NOW.date(),
                                     blocker="等待" * 50 if i % 3 else ""))
        for _ in range(60):
            await uow.project_events.add(ProjectEvent(portal.p1.id or 0, NOW, "task", "更新" * 200, public=True))
        await uow.commit()
    for _ in range(35):
        token = portal.token()
        form = {"csrf": await portal.csrf(token), "name": "何" * 80, "title": "变" * 200, "details": "细" * 4000}
        assert (await portal.post(token, "change", form)).status == 303
    _, html = await portal.page(portal.token())
    assert P1_NAME in html and len(html.encode()) < 100 * 1024
    await _sign_in(portal, "张伟")
    response = await portal.client.get(f"/team/projects/{portal.p1.id}")
    body = await response.text()
    assert response.status == 200 and "另有 90 个任务未列出" in body and len(body.encode()) < 100 * 1024
