"""The customer portal end to end on SQLite and PostgreSQL, through the bot's real web app: a customer opens
the link of their project and sees only it, files a change request and rates a milestone (rows stored, the
owner told in chat); expired, tampered and revoked links, forms without their CSRF token, oversize or bad
forms are refused and store nothing."""

from __future__ import annotations

from datetime import timedelta

from domain.health import assess
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.portal_world import OTHER_CUSTOMER, P1_NAME, P2_NAME, Portal

PAGE_LIMIT = 100 * 1024


async def test_the_customer_sees_their_project_and_no_other(portal: Portal) -> None:
    status, html = await portal.page(portal.token())
    assert status == 200
    assert P1_NAME in html and "需求确认" in html and "上线" in html and "<svg" in html
    assert P2_NAME not in html and OTHER_CUSTOMER not in html and "南方" not in html and "仓库调研" not in html
    assert len(html.encode()) < PAGE_LIMIT
    status, other = await portal.page(portal.token(portal.p2, "en"))
    assert status == 200 and P2_NAME in other and P1_NAME not in other and "明途" not in other
    assert "Milestones" in other and "里程碑" not in other


async def test_a_change_request_is_stored_and_the_owner_told(portal: Portal) -> None:
    token = portal.token()
    form = {"csrf": await portal.csrf(token), "name": "何总", "title": "增加一个报表导出功能",
            "details": "按月导出Excel"}
    response = await portal.post(token, "change", form)
    assert response.status == 303 and "done=change" in response.headers["Location"]
    stored = await portal.stored()
    [request] = stored["requests"]
    assert (request.title, request.description, request.requester, request.source) == (
        "增加一个报表导出功能", "按月导出Excel", "何总", "portal")
    assert request.approved is None
    assert [e.kind for e in stored["events"]] == ["change"] and stored["events"][0].public
    [told] = stored["outbox"]
    assert f"CR{request.id}" in told.text and "增加一个报表导出功能" in told.text
    assert f"变更 CR{request.id} 同意" in told.text  # how to decide it
    _, html = await portal.page(token, "?done=change")
    assert "已收到您的变更请求" in html and f"CR{request.id}" in html and "待处理" in html


async def test_a_done_milestone_is_rated_and_a_second_rating_replaces_the_first(portal: Portal) -> None:
    token, stone = portal.token(), portal.done_milestone
    form = {"csrf": await portal.csrf(token), "milestone": str(stone.id), "score": "2", "comment": "文档太少",
            "name": "何总"}
    response = await portal.post(token, "rate", form)
    assert response.status == 303 and "done=rating" in response.headers["Location"]
    response = await portal.post(token, "rate", {**form, "score": "4", "comment": "补齐了"})
    assert response.status == 303
    stored = await portal.stored()
    [rating] = stored["ratings"]
    assert (rating.score, rating.comment, rating.milestone_id, rating.source) == (4, "补齐了", stone.id, "portal")
    first, second = stored["outbox"]
    assert "需求确认" in first.text and "2/5" in first.text and "不满意" in first.text
    assert "4/5" in second.text and "更新了之前的评分" in second.text
    _, html = await portal.page(token)
    assert "您的评分" in html and "4/5" in html


async def test_a_low_rating_shows_in_the_customer_health(portal: Portal) -> None:
    token = portal.token()
    form = {"csrf": await portal.csrf(token), "milestone": str(portal.done_milestone.id), "score": "1",
            "comment": "", "name": ""}
    assert (await portal.post(token, "rate", form)).status == 303
    async with portal.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        health = assess(await uow.health.facts(portal.p1.customer_id or 0, NOW), NOW)
    delivery = next(c for c in health.components if c.key == "delivery")
    assert delivery.points == 0 and "Latest milestone rating 1 of 5" in health.reasons("en")
    card = await portal.console.say("客户 明途")  # the customer card in chat gives the reason too
    assert "最近一次里程碑评分 1 分" in card


async def test_an_open_milestone_cannot_be_rated_and_nothing_is_stored(portal: Portal) -> None:
    token = portal.token(locale="en")
    form = {"csrf": await portal.csrf(token), "milestone": str(portal.open_milestone.id), "score": "5"}
    response = await portal.post(token, "rate", form)
    assert response.status == 400 and "is not done or accepted yet" in await response.text()
    form = {**form, "milestone": str(portal.done_milestone.id), "score": "9"}
    response = await portal.post(token, "rate", form)
    assert response.status == 400 and "choose 1 to 5" in await response.text()
    stored = await portal.stored()
    assert stored["ratings"] == [] and stored["outbox"] == [] and stored["events"] == []


async def test_a_bad_change_request_is_shown_again_translated_and_nothing_is_stored(portal: Portal) -> None:
    token = portal.token()
    form = {"csrf": await portal.csrf(token), "name": "何总", "title": "  ", "details": "只写了详情"}
    response = await portal.post(token, "change", form)
    html = await response.text()
    assert response.status == 400 and "请写下要变更什么" in html and "只写了详情" in html
    response = await portal.post(token, "change", {**form, "title": "x" * 201}, query="?lang=en")
    assert response.status == 400 and "at most 200 characters" in await response.text()
    stored = await portal.stored()
    assert stored["requests"] == [] and stored["outbox"] == []


async def test_expired_tampered_and_revoked_links_are_refused_and_store_nothing(portal: Portal) -> None:
    token = portal.token()
    form = {"csrf": await portal.csrf(token), "name": "何总", "title": "改需求"}
    body, mac = token.split(".")
    tampered = f"{body}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
    status, html = await portal.page(tampered)
    assert status == 403 and P1_NAME not in html and tampered not in html
    assert (await portal.post(tampered, "change", form)).status == 403
    portal.console.clock.now = NOW + timedelta(days=31)  # [web] link_days is 30
    status, html = await portal.page(token)
    assert status == 410 and "客户经理" in html and P1_NAME not in html
    assert (await portal.post(token, "change", form)).status == 410
    portal.console.clock.now = NOW
    async with portal.console.app.uow_factory() as uow:
        project = await uow.projects.get(portal.p1.id or 0)
        project.link_version += 1
        await uow.projects.save(project)
        await uow.commit()
    status, html = await portal.page(token)
    assert status == 403 and P1_NAME not in html
    assert (await portal.post(token, "change", form)).status == 403
    assert (await portal.stored())["requests"] == []


async def test_a_form_without_its_csrf_token_or_too_large_is_refused(portal: Portal) -> None:
    token = portal.token()
    response = await portal.post(token, "change", {"name": "何总", "title": "改需求"})
    assert response.status == 403
    other = portal.token(portal.p2)  # a token of another link is no token for this one
    response = await portal.post(token, "change", {"csrf": await portal.csrf(other), "name": "何总", "title": "改"})
    assert response.status == 403
    response = await portal.post(token, "change", {"csrf": await portal.csrf(token), "name": "何总",
                                                   "title": "改需求", "details": "长" * 20000})
    assert response.status == 413
    stored = await portal.stored()
    assert stored["requests"] == [] and stored["outbox"] == [] and stored["events"] == []


async def test_an_owner_who_reads_english_is_told_in_english(portal: Portal) -> None:
    token = portal.token(portal.p2)
    form = {"csrf": await portal.csrf(token), "name": "Mr Liang", "title": "Add a loading dock"}
    assert (await portal.post(token, "change", form)).status == 303
    async with portal.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        [request] = await uow.change_requests.for_project(portal.p2.id or 0)
        [told] = await uow.outbox.pending_for("console", "chen")
    assert request.requester == "Mr Liang" and (await portal.stored())["requests"] == []  # P1 untouched
    assert f"change request CR{request.id} from Mr Liang (via the portal)" in told.text
    assert f"Decide: change request CR{request.id} accept" in told.text and "变更" not in told.text


async def test_an_expired_english_link_answers_in_english(portal: Portal) -> None:
    token = portal.token(portal.p2, "en")
    portal.console.clock.now = NOW + timedelta(days=31)
    status, html = await portal.page(token)
    assert status == 410 and "Link expired" in html and "account manager" in html and "客户经理" not in html
    status, html = await portal.page(token, "?lang=zh")  # the reader's own choice still wins
    assert status == 410 and "客户经理" in html
    assert (await portal.stored())["requests"] == []
