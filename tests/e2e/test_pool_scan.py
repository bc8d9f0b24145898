"""The reclaim scan (scheduler.pool, issue #14) with an injected clock, on SQLite and PostgreSQL: the warning
(with 跟进 / 放弃 buttons, once per deadline), then the reclaim at the deadline (owner cleared, logged,
audited, the owner told, the manager's digest saying so in markdown, HTML and JSON); protected customers
(flag, tag, signed contract) skipped; a customer past its deadline without a warning warned first; once a day
across processes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import select

from bot.digest.compose import compose_digest
from bot.digest.html import render_html
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.settings import DigestSettings
from domain.pool import PoolSettings, ReclaimRules
from domain.pool_ports import PoolUnitOfWork
from scheduler.pool import PoolScanSettings, ScanResult, reclaim_scan, scan_pool
from storage.models import AuditRow, OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console

ZHANG, LI = 2, 3
RULES = PoolSettings(ReclaimRules(no_followup_days=30, no_open_deal_days=90, no_win_days=180, warn_days=3))
DAY = timedelta(days=1)


@pytest.fixture
async def console(db_url: str) -> AsyncIterator[Console]:
    """张伟 (华东一组) with C1 明途, created (and so his since) at NOW, no deal and no follow-up."""
    session = await start_console(db_url, "zhangwei", NOW)
    await session.say("新客户 杭州明途信息技术有限公司 区域 华东")
    yield session
    await session.app.close()


def uows(console: Console) -> Callable[[], PoolUnitOfWork]:
    return cast(Callable[[], PoolUnitOfWork], console.app.uow_factory)


async def scan(console: Console, days: float, rules: PoolSettings = RULES) -> ScanResult:
    console.clock.now = NOW + timedelta(days=days)
    return await reclaim_scan(uows(console), console.clock.now, rules, page=2)


async def stored(console: Console) -> dict[str, Any]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        customers = {c.id: (c.owner_id, c.pool_team_id) for c in await uow.customers.list()}
        events = [(e.kind.value, e.customer_id, e.rep_id, e.reason)
                  for e in (await uow.pool.many(range(1, 50))).values()]
        pushes = [(r.dedupe_key, r.extra.get("buttons")) for r in (await uow.session.scalars(
            select(OutboxRow).where(OutboxRow.dedupe_key.like("pool_%")).order_by(OutboxRow.id)))]
        audit = [(a.actor_id, a.entity, a.changes.get("owner_id")) for a in (await uow.session.scalars(
            select(AuditRow).where(AuditRow.actor_id.is_(None)).order_by(AuditRow.id)))]
    return {"customers": customers, "events": events, "pushes": pushes, "audit": audit}


async def test_warned_before_the_deadline_then_reclaimed_and_the_digest_says_so(console: Console) -> None:
    assert (await scan(console, 26)).warned == []
    result = await scan(console, 27.1)
    assert (result.scanned, result.warned, result.reclaimed) == (1, ["C1"], [])
    once = await stored(console)
    assert once["events"] == [("warn", 1, ZHANG, "no_followup")]
    [(key, buttons)] = once["pushes"]
    assert key.startswith(f"pool_warn:{ZHANG}:2026-12-21@")  # the day, and its batch of events
    assert buttons == [{"text": "跟进", "key": "保留 C1"}, {"text": "放弃", "key": "放弃 C1"}]
    assert (await scan(console, 28)).warned == [] and await stored(console) == once  # one warning per deadline
    keep = await console.say("保留 C1")
    assert "30 天没有跟进" in keep and "回到公海" in keep and "新商机 明途" in keep
    result = await scan(console, 30.1)
    assert result.reclaimed == ["C1"]
    after = await stored(console)
    assert after["customers"] == {1: (None, 1)}
    assert after["events"][-1] == ("reclaim", 1, ZHANG, "no_followup")
    assert after["pushes"][-1][0].startswith(f"pool_reclaim:{ZHANG}:2026-12-24@")
    assert after["audit"][0] == (None, "customer", [ZHANG, None])
    assert "C1 杭州明途信息技术有限公司" in await console.say("公海", as_user="lina")
    async with console.app.uow_factory() as uow:
        team = await uow.teams.get(1)
        digest = await compose_digest(uow, team, date(2026, 12, 24), console.clock.now, DigestSettings())
    text = render_markdown(digest, "zh")
    assert "收回公海 1 个客户" in text and "C1 杭州明途信息技术有限公司（张伟）" in text
    page = render_html(digest, "zh")
    assert "<h3>收回公海 1 个客户</h3>" in page and "<li>C1 杭州明途信息技术有限公司（张伟）</li>" in page
    assert "<li>C1 杭州明途信息技术有限公司 (张伟)</li>" in render_html(digest, "en")
    assert as_json(digest)["pool_reclaimed"] == {
        "count": 1, "customers": [{"id": 1, "name": "杭州明途信息技术有限公司", "owner_id": ZHANG, "owner": "张伟"}],
        "lead_count": 0, "leads": []}


async def test_protected_customers_are_never_reclaimed(console: Console) -> None:
    await console.say("新客户 上海华信软件有限公司 区域 华东 标签 重点客户")  # C2: a protected tag
    await console.say("新客户 苏州远景科技有限公司 区域 华东")  # C3: a signed contract
    await console.say("新商机 远景 MES 50万")
    await console.say("阶段 #1 方案")
    await console.say("合同 #1 50万")
    await console.say("新客户 宁波海天机械有限公司 区域 华东")  # C4: protected by the manager
    assert "已设为受保护客户" in await console.say("保护 C4", as_user="wang")
    result = await scan(console, 400)
    assert result.warned == ["C1"] and result.reclaimed == []
    assert (await scan(console, 404)).reclaimed == ["C1"]
    customers = (await stored(console))["customers"]
    assert customers == {1: (None, 1), 2: (ZHANG, None), 3: (ZHANG, None), 4: (ZHANG, None)}


async def test_past_the_deadline_without_a_warning_is_warned_first(console: Console) -> None:
    assert (await scan(console, 40)).warned == ["C1"]  # e.g. the pool was just switched on
    assert (await scan(console, 42)).reclaimed == []
    assert (await scan(console, 43)).reclaimed == ["C1"]


async def test_a_follow_up_moves_the_deadline(console: Console) -> None:
    await console.say("新商机 明途 MES 80万")
    console.clock.now = NOW + 20 * DAY
    await console.say("跟进 #1 电话沟通了需求")
    await console.say("输单 #1 价格")  # no open deal of his left: the rules apply again
    assert (await scan(console, 30.1)).warned == []
    assert (await scan(console, 47.1)).warned == ["C1"]  # 20 + 30 - 3


async def test_a_customer_whose_owner_has_an_open_deal_is_never_warned_nor_reclaimed(console: Console) -> None:
    """Its owner's open deal keeps the customer with him however long nobody followed up (a neglected deal is a
    risk warning's matter): no warning, no reclaim, the deal and the customer keep one owner. A colleague's open
    deal on it does not: the rules apply to the owner's holding as before."""
    await console.say("新商机 明途 MES 80万")
    await console.say("新客户 上海华信软件有限公司 区域 华东")  # C2: 张伟's, only 李娜 has a deal on it
    await console.say("新商机 华信 ERP 30万", as_user="lina")
    result = await scan(console, 200)
    assert result.warned == ["C2"] and result.reclaimed == []
    assert (await scan(console, 204)).reclaimed == ["C2"]
    after = await stored(console)
    assert after["customers"] == {1: (ZHANG, None), 2: (None, 1)}
    assert [e[:3] for e in after["events"]] == [("warn", 2, ZHANG), ("reclaim", 2, ZHANG)]
    assert "不会被收回公海（你在它上面有进行中的商机）" in await console.say("保留 C1", as_user="zhangwei")
    async with console.app.uow_factory() as uow:
        assert (await uow.opportunities.get(1)).owner_id == ZHANG
    await console.say("输单 #1 价格", as_user="zhangwei")  # closed: the rules count again (no open deal, 90 days)
    assert (await scan(console, 288)).warned == ["C1"]


async def test_release_from_the_warning_and_a_replayed_tap_change_nothing_more(console: Console) -> None:
    await scan(console, 27.1)
    assert "已放弃 C1" in await console.say("放弃 C1")
    once = await stored(console)
    assert "已经在公海里了，没有更改" in await console.say("放弃 C1")
    assert await stored(console) == once
    assert (await scan(console, 31)).reclaimed == []
    assert [e[0] for e in (await stored(console))["events"]] == ["warn", "release"]


async def test_team_rules_override_the_company_rules(console: Console) -> None:
    rules = PoolSettings(RULES.rules, teams={"华东一组": ReclaimRules(no_followup_days=10, warn_days=2)})
    assert (await scan(console, 8.1, rules)).warned == ["C1"]


async def test_the_scan_runs_once_a_local_day_across_processes(console: Console) -> None:
    settings = PoolScanSettings()
    early = NOW.replace(hour=5)
    assert await scan_pool(uows(console), early, settings, RULES) is None  # before 06:00
    first = await scan_pool(uows(console), NOW, settings, RULES)
    assert first is not None and first.scanned == 1
    assert await scan_pool(uows(console), NOW + timedelta(hours=2), settings, RULES) is None
    assert await scan_pool(uows(console), NOW + DAY, settings, RULES) is not None


async def test_a_scan_left_by_a_dead_process_is_taken_over_after_its_lease(console: Console) -> None:
    """A process claimed the day and died before finishing: no other process scans while the claim is fresh,
    the next one does once it is older than the lease (2 h); a finished day is never scanned again."""
    settings = PoolScanSettings()
    async with uows(console)() as uow:
        assert await uow.settings.claim(f"pool_scan:{NOW.date().isoformat()}", {"at": NOW.isoformat()})
        await uow.commit()
    assert await scan_pool(uows(console), NOW + timedelta(hours=1), settings, RULES) is None
    taken = await scan_pool(uows(console), NOW + timedelta(hours=3), settings, RULES)
    assert taken is not None and taken.scanned == 1
    async with uows(console)() as uow:
        held = await uow.settings.get(f"pool_scan:{NOW.date().isoformat()}")
    assert held is not None and held["done"] is True
    assert await scan_pool(uows(console), NOW + timedelta(hours=6), settings, RULES) is None


async def test_a_manager_gives_a_reclaimed_customer_back_and_undo_takes_it_again(console: Console) -> None:
    """退回 C1: only a manager of the pool's team (or an admin), only right after a reclaim, to the owner it was
    taken from (told), with a fresh claim time; undo puts it back in the pool."""
    await scan(console, 27.1)
    await scan(console, 30.1)
    reclaimed = await stored(console)
    assert reclaimed["customers"] == {1: (None, 1)}
    assert "只有 C1 所在公海团队的经理或管理员可以退回" in await console.say("退回 C1", as_user="lina")
    assert await stored(console) == reclaimed
    out = await console.say("退回 C1", as_user="wang")
    assert "已把 C1 杭州明途信息技术有限公司 退回给 张伟" in out
    assert "[→ zhangwei] 王经理 把 C1 杭州明途信息技术有限公司 退回给你" in out
    back = await stored(console)
    assert back["customers"] == {1: (ZHANG, 1)} and back["events"][-1] == ("return", 1, ZHANG, "")
    async with console.app.uow_factory() as uow:
        assert (await uow.customers.get(1)).claimed_at == console.clock.now  # a fresh period
    assert "不是刚被收回公海的客户" in await console.say("退回 C1", as_user="wang")  # a second tap
    assert await stored(console) == back
    await console.say("撤销", as_user="wang")
    assert await stored(console) == reclaimed
