"""Visit check-in (拜访签到, issue #14) end to end on SQLite and PostgreSQL: `签到 明途`, a shared location
(near a customer, far from all, answered with a name), `客户地址`, the far flag, bad input, undo."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import func, select

from bot.digest.compose import compose_digest
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.settings import DigestSettings
from connectors.base import InboundMessage, Location
from domain.activity import FollowUpKind
from domain.visit import Visit
from storage.models import AuditRow, FollowUpRow, VisitRow
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console

MINGTU = "31.2304,121.4737"
_ids = itertools.count(1)


async def visits(console: Console) -> list[Visit]:
    async with console.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        ids = list(await session.scalars(select(VisitRow.id).order_by(VisitRow.id)))
        found = await uow.visits.many(ids)  # type: ignore[attr-defined]
        return [found[i] for i in ids]


async def counts(console: Console) -> tuple[int, int, int]:
    async with console.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        return tuple([int(await session.scalar(select(func.count()).select_from(m)))  # type: ignore[return-value]
                      for m in (VisitRow, FollowUpRow, AuditRow)])


async def share(console: Console, lat: float, lng: float, label: str = "", user: str = "zhangwei") -> str:
    """A location message from the console user (as a WeCom one reads after parsing)."""
    msg = InboundMessage(channel="console", external_id=f"loc-{next(_ids)}", conversation_id=user, sender_id=user,
                         text="", received_at=console.clock.now, extra={"msgtype": "location"},
                         location=Location(lat, lng, label))
    await console.app.bot.receive(msg)
    await console.app.dispatcher.drain()
    return console.read()


async def test_text_check_in_records_a_visit_and_a_follow_up_on_the_open_deal(console_with_deal: Console) -> None:
    console = console_with_deal
    async with console.app.uow_factory() as uow:
        opened_contact = (await uow.opportunities.get(1)).last_contact_at
    console.clock.now += timedelta(days=1, minutes=32)
    out = await console.say("签到 明途")
    assert "已签到：明途 10:32，未附位置，记在 #1 MES。" in out
    [visit] = await visits(console)
    assert (visit.customer_id, visit.opportunity_id, visit.latitude, visit.distance_m, visit.far) == (
        1, 1, None, None, False)
    assert visit.at == console.clock.now
    async with console.app.uow_factory() as uow:
        [followup] = await uow.followups.for_opportunity(1)
        deal = await uow.opportunities.get(1)
        entries = await uow.audit.last_batch(2)
    assert followup.kind is FollowUpKind.VISIT and followup.id == visit.followup_id
    assert deal.last_contact_at == console.clock.now
    assert {(e.entity, e.action) for e in entries} == {("visit", "create"), ("followup", "create"),
                                                      ("opportunity", "update")}
    assert "已撤销：新建 跟进 1 条、拜访签到 1 次；恢复 商机 #1。" in await console.say("撤销")
    assert await visits(console) == []
    async with console.app.uow_factory() as uow:
        assert await uow.followups.for_opportunity(1) == []
        assert (await uow.opportunities.get(1)).last_contact_at == opened_contact


async def test_location_near_a_customer_checks_in_with_the_distance(console_with_deal: Console) -> None:
    console = console_with_deal
    assert "已设置 明途 的地址" in await console.say(f"客户地址 明途 上海市浦东新区世纪大道100号 {MINGTU}")
    out = await share(console, 31.2314, 121.4737, "世纪大道")  # ~111 m north
    assert "已签到：明途 10:00，距客户地址 111 米" in out
    [visit] = await visits(console)
    assert (visit.distance_m, visit.far, visit.label, visit.opportunity_id) == (111, False, "世纪大道", 1)


async def test_far_location_asks_which_customer_and_a_name_answers(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say(f"客户地址 明途 上海市浦东新区 {MINGTU}")
    out = await share(console, 31.2592, 121.4737, "别处")  # ~3.2 km north: none of his customers is near
    assert "在哪个客户？回复客户名" in out
    assert await visits(console) == []
    console.clock.now += timedelta(minutes=5)
    out = await console.say("明途")
    assert "距离客户地址 3.2 公里（已标记）" in out
    [visit] = await visits(console)
    # 0.0288° × 111.195 km; the time is when the location was shared
    assert (visit.far, visit.distance_m, visit.at) == (True, 3202, NOW)
    assert "没有找到" not in (await console.say("明途"))  # the question is answered: 明途 is a customer lookup now
    assert len(await visits(console)) == 1


async def test_a_waiting_location_goes_with_a_text_check_in(console_with_deal: Console) -> None:
    console = console_with_deal
    await share(console, 30.0, 120.0)
    assert "距离客户地址" not in await console.say("签到 明途")
    [visit] = await visits(console)
    assert (visit.latitude, visit.longitude, visit.distance_m) == (30.0, 120.0, None)  # no address to compare


async def test_an_expired_location_is_not_used(console_with_deal: Console) -> None:
    console = console_with_deal
    await share(console, 30.0, 120.0)
    console.clock.now += timedelta(minutes=31)
    await console.say("签到 明途")
    [visit] = await visits(console)
    assert visit.latitude is None


async def test_check_in_without_a_customer_match_stores_nothing(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await counts(console)
    out = await console.say("签到 不存在的公司")
    assert "没有找到客户「不存在的公司」，没有签到。请写：签到 客户名" in out
    assert "请写客户名，例如：签到 明途" in await console.say("签到")
    assert "No customer 'C99' found" in await console.say("check in C99", as_user="chen")
    chen = await console.say("check in Nowhere Ltd", as_user="chen")
    assert "No customer 'Nowhere Ltd' found; nothing was checked in. Write: check in <customer>" in chen
    assert await counts(console) == before


async def test_bad_addresses_change_nothing(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await counts(console)
    assert "坐标无效：纬度要在 -90 到 90 之间" in await console.say("客户地址 明途 上海 95.1,121.4")
    assert "请写客户和地址" in await console.say("客户地址 明途")
    assert "地址无效：太长（201 字）" in await console.say("客户地址 明途 " + "路" * 201)
    assert "没有找到客户「不存在」，地址没有保存" in await console.say(f"客户地址 不存在 上海 {MINGTU}")
    assert "没有权限" in await console.say(f"客户地址 明途 上海 {MINGTU}", as_user="lina")
    async with console.app.uow_factory() as uow:
        customer = await uow.customers.get(1)
    assert (customer.address, customer.latitude) == ("", None)
    assert await counts(console) == before


async def test_coordinates_are_a_whole_token_and_quotes_are_not_stored(console_with_deal: Console) -> None:
    console = console_with_deal
    before = await counts(console)
    out = await console.say("客户地址 明途 合肥市 317.2,121.4")
    assert "纬度要在 -90 到 90 之间，例如 31.2304,121.4737" in out
    assert "经度要在 -180 到 180 之间" in await console.say("客户地址 明途 合肥市 31.8,190")
    async with console.app.uow_factory() as uow:
        customer = await uow.customers.get(1)
    assert (customer.address, customer.latitude, customer.longitude) == ("", None, None)
    assert await counts(console) == before  # no audit row either
    assert "已设置 明途 的地址：100 Century Ave 31.230400" in await console.say(
        f'客户地址 明途 "100 Century Ave" {MINGTU}')
    async with console.app.uow_factory() as uow:
        customer = await uow.customers.get(1)
    assert (customer.address, customer.latitude, customer.longitude) == ("100 Century Ave", 31.2304, 121.4737)


async def test_check_in_on_a_customer_without_a_deal_of_mine_is_on_the_customer(console_with_deal: Console) -> None:
    console = console_with_deal
    out = await console.say("签到 明途", as_user="lina")
    assert "记在客户上" in out
    [visit] = await visits(console)
    assert (visit.customer_id, visit.opportunity_id) == (1, None)


async def test_the_daily_report_and_the_team_digest_count_the_days_visits(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say(f"客户地址 明途 上海市浦东新区 {MINGTU}")
    await share(console, 31.2314, 121.4737)  # near: checked in at once
    console.clock.now += timedelta(hours=2)
    await share(console, 31.2592, 121.4737)  # far: asked, then answered
    await console.say("明途")
    await console.say("新客户 广州某某科技有限公司 区域 华南", as_user="chen")
    await console.say("check in 广州某某", as_user="chen")  # another team's visit
    console.clock.now += timedelta(days=1)
    await console.say("签到 明途", as_user="zhangwei")  # the next day's
    out = await console.say("日报 2026-11-24")
    assert "今日拜访 2 次（1 次距客户地址较远，已标记）" in out
    assert "拜访 · #1 MES（明途）：拜访签到（距客户地址 111 米）" in out
    assert "拜访签到（距离客户地址 3.2 公里（已标记））" in out
    async with console.app.uow_factory() as uow:
        teams = {t.name: t for t in await uow.teams.list()}
        at = NOW + timedelta(hours=9)
        east = await compose_digest(uow, teams["华东一组"], NOW.date(), at, DigestSettings())
        south = await compose_digest(uow, teams["华南一组"], NOW.date(), at, DigestSettings())
        company = await compose_digest(uow, None, NOW.date(), at, DigestSettings())
    assert (east.visits, south.visits, company.visits) == ((2, 1), (1, 0), (3, 1))
    assert "今日拜访 2 次（1 次距客户地址较远，已标记）" in render_markdown(east, "zh")
    assert "1 visit today" in render_markdown(south, "en")
    assert as_json(company)["visits"] == {"count": 3, "far": 1}


async def test_the_far_distance_comes_from_the_config(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", NOW, visits={"far_metres": 5000, "location_minutes": 10})
    try:
        await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
        await console.say(f"客户地址 明途 上海市浦东新区 {MINGTU}")
        out = await share(console, 31.2592, 121.4737)  # within 5 km: checked in at once, not flagged
        assert "：明途 10:00，距客户地址 3.2 公里（没有你跟进中的商机" in out
        assert "10 分钟内有效" in await share(console, 31.4, 121.4737)  # ~18.9 km: asked, for 10 minutes
        [visit] = await visits(console)
        assert (visit.distance_m, visit.far) == (3202, False)
    finally:
        await console.app.close()


async def test_a_waiting_location_survives_other_messages_and_cancel_drops_it(console_with_deal: Console) -> None:
    console = console_with_deal
    await share(console, 30.0, 120.0, "第一处")
    await share(console, 30.1, 120.1, "第二处")  # the later location replaces the first
    assert "MES" in await console.say("#1")  # another message: the location keeps waiting
    assert "已签到：明途 10:00" in await console.say("明途")
    [visit] = await visits(console)
    assert (visit.latitude, visit.label) == (30.1, "第二处")
    await share(console, 30.2, 120.2)
    assert "已取消，这次位置没有签到" in await console.say("取消")
    console.clock.now += timedelta(minutes=11)  # past the double-tap window
    assert "未附位置" in await console.say("签到 明途")  # nothing waits any more
    assert len(await visits(console)) == 2


async def test_only_the_reps_own_customers_are_near_and_a_manager_may_place_them(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("新客户 上海浦江电子有限公司 区域 华东", as_user="lina")  # 李娜's, next door to 明途
    out = await console.say("客户地址 浦江电子 浦东 31.2305,121.4737", as_user="lina")
    assert "已设置 浦江 的地址：浦东 31.230500,121.473700（签到距此超过 1 公里会被标记）" in out
    assert "已设置 明途 的地址" in await console.say(f"客户地址 明途 浦东 {MINGTU}", as_user="wang")  # his manager
    assert "已签到：明途" in await share(console, 31.2306, 121.4737, user="zhangwei")  # 浦江 is nearer, not his
    assert "Which customer?" in await share(console, 31.2306, 121.4737, user="chen")  # none of 陈晨's has an address
    [visit] = await visits(console)
    assert (visit.customer_id, visit.distance_m) == (1, 22)


async def test_a_customer_number_checks_in_like_its_name(console_with_deal: Console) -> None:
    console = console_with_deal
    assert "已签到：明途 10:00，未附位置，记在 #1 MES。" in await console.say("签到 C1")
    [visit] = await visits(console)
    assert (visit.customer_id, visit.opportunity_id) == (1, 1)


async def test_a_double_tap_within_ten_minutes_stores_nothing(console_with_deal: Console) -> None:
    console = console_with_deal
    console.clock.now += timedelta(minutes=32)
    assert "已签到：明途 10:32" in await console.say("签到 明途")
    once = await counts(console)
    console.clock.now += timedelta(seconds=5)
    assert "已在 10:32 签到过 明途，这次没有重复记录" in await console.say("签到 明途")
    console.clock.now += timedelta(minutes=5)
    assert "在哪个客户？" in await share(console, 30.0, 120.0)  # a location, then the name: the same rule
    assert "已在 10:32 签到过 明途" in await console.say("明途")
    assert await counts(console) == once  # no visit, no follow-up, no audit row
    assert "已签到：明途" in await console.say("签到 明途", as_user="lina")  # another rep's is her own
    console.clock.now += timedelta(minutes=6)  # 11 minutes after the first: a visit again
    assert "已签到：明途 10:43" in await console.say("签到 明途", as_user="zhangwei")
    assert [(v.rep_id, v.at) for v in await visits(console)] == [
        (2, NOW + timedelta(minutes=32)), (3, NOW + timedelta(minutes=37, seconds=5)), (2, console.clock.now)]


async def test_the_double_tap_window_comes_from_the_config(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", NOW, visits={"repeat_minutes": 0})
    try:
        await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
        assert "已签到" in await console.say("签到 明途")
        assert "已签到" in await console.say("签到 明途")
        assert len(await visits(console)) == 2
    finally:
        await console.app.close()
