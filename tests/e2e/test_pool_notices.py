"""The reclaim scan's messages (scheduler.pool_notices) and held leads, with an injected clock on SQLite and
PostgreSQL: one warning per owner per scan listing every customer and lead (ref, name, reason, the day it
goes back, typed commands), at most six buttons; one reclaim notice per owner; a scan killed half-way and run
again warns nobody twice and loses no reclaim or message; a lead with no follow-up goes back to the pool (and
the manager's digest lists it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.digest.compose import compose_digest
from bot.digest.html import render_html
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.settings import DigestSettings
from domain.activity import FollowUp
from domain.pool import PoolSettings, ReclaimRules
from domain.pool_ports import PoolUnitOfWork
from scheduler.pool import reclaim_scan
from storage.models import LeadRow, OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console
from tests.e2e.test_pool_scan import RULES, ZHANG, console, scan, stored, uows

__all__ = ["console"]  # the fixture
NAMES = ["上海华信软件有限公司", "苏州远景科技有限公司", "宁波海天机械有限公司", "无锡恒通电子有限公司"]


async def five(console: Console) -> None:
    """张伟 holds C1 (the fixture's) to C5, all created at NOW with no follow-up."""
    for name in NAMES:
        await console.say(f"新客户 {name} 区域 华东")


async def messages(console: Console) -> list[tuple[str, str, list[dict[str, str]]]]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = await uow.session.scalars(select(OutboxRow).where(OutboxRow.dedupe_key.like("pool_%"))
                                         .order_by(OutboxRow.id))
        return [(str(r.dedupe_key), r.text, list(r.extra.get("buttons", []))) for r in rows]


async def test_one_warning_and_one_reclaim_notice_per_owner_listing_every_customer(console: Console) -> None:
    await five(console)
    result = await scan(console, 27.1)
    assert result.warned == ["C1", "C2", "C3", "C4", "C5"]
    [(key, text, buttons)] = await messages(console)
    assert key.startswith(f"pool_warn:{ZHANG}:2026-12-21@") and "你有 5 个客户/线索即将收回公海" in text
    for ref, name in zip(["C1", "C2", "C3", "C4", "C5"], ["杭州明途信息技术有限公司", *NAMES], strict=True):
        assert f"- {ref} {name}：30 天没有跟进，2026-12-24 收回公海（保留 {ref} / 放弃 {ref}）" in text
    assert buttons == [{"text": f"{word} {ref}", "key": f"{cmd} {ref}"} for ref in ("C1", "C2", "C3")
                       for word, cmd in (("跟进", "保留"), ("放弃", "放弃"))]
    events = (await stored(console))["events"]
    assert events == [("warn", i, ZHANG, "no_followup") for i in range(1, 6)]
    assert (await scan(console, 28)).warned == [] and len(await messages(console)) == 1
    assert (await scan(console, 30.1)).reclaimed == ["C1", "C2", "C3", "C4", "C5"]
    sent = await messages(console)
    assert len(sent) == 2 and sent[1][0].startswith(f"pool_reclaim:{ZHANG}:2026-12-24@") and sent[1][2] == []
    assert "你有 5 个客户/线索已收回公海" in sent[1][1]
    assert all(f"- C{i} " in sent[1][1] and "30 天没有跟进" in sent[1][1] for i in range(1, 6))


def crashing(console: Console, at_call: int) -> Callable[[], PoolUnitOfWork]:
    """The app's units of work, the `at_call`-th raising: a scan killed half-way (page 2 of 2-id pages)."""
    calls = [0]

    def factory() -> PoolUnitOfWork:
        calls[0] += 1
        if calls[0] == at_call:
            raise RuntimeError("killed")
        return uows(console)()
    return factory


async def test_a_scan_killed_half_way_and_run_again_warns_once_and_loses_nothing(console: Console) -> None:
    await five(console)
    for days in (27.1, 30.1):
        console.clock.now = NOW + timedelta(days=days)
        with pytest.raises(RuntimeError):
            await reclaim_scan(crashing(console, 3), console.clock.now, RULES, page=2)
        assert len(await messages(console)) == (0 if days < 30 else 1)  # page 1 written, no message yet
        await scan(console, days + 0.01)
    data = await stored(console)
    assert [e[:2] for e in data["events"]] == [("warn", i) for i in range(1, 6)] + [("reclaim", i) for i in range(1, 6)]
    assert data["customers"] == {i: (None, 1) for i in range(1, 6)}
    sent = await messages(console)
    assert [k.split("@")[0] for k, *_ in sent] == [f"pool_warn:{ZHANG}:2026-12-21", f"pool_reclaim:{ZHANG}:2026-12-24"]
    assert all(f"- C{i} " in text for _, text, _ in sent for i in range(1, 6))


async def lead(console: Console) -> int:
    """L1 for 明途, assigned (by the rules) to 张伟 at NOW."""
    await console.say("新线索 杭州明途信息技术有限公司 预算 60万")
    async with console.app.uow_factory() as uow:
        found = await uow.leads.get(1)
    assert (found.owner_id, found.status.value) == (ZHANG, "assigned")
    return 1


async def leads(console: Console) -> list[tuple[Any, ...]]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return [(r.id, r.owner_id, r.status, r.team_id) for r in await uow.session.scalars(select(LeadRow))]


async def test_a_lead_without_follow_up_is_warned_with_the_customers_then_reclaimed(console: Console) -> None:
    await lead(console)
    assert (await scan(console, 27.1)).warned == ["C1", "L1"]
    [(_, text, buttons)] = await messages(console)
    assert "- L1 杭州明途信息技术有限公司" in text and "（保留 L1 / 放弃 L1）" in text and "- C1 " in text
    assert [b["key"] for b in buttons] == ["保留 C1", "放弃 C1", "保留 L1", "放弃 L1"]
    before = await stored(console), await leads(console)
    keep = await console.say("保留 L1")
    assert "L1：30 天没有跟进，将于 2026年12月24日" in keep and "线索 转商机 L1" in keep
    assert (await stored(console), await leads(console)) == before
    assert (await scan(console, 30.1)).reclaimed == ["C1", "L1"]
    assert await leads(console) == [(1, None, "new", 1)]
    events = (await stored(console))["events"]
    assert ("reclaim", None, ZHANG, "no_followup") in events
    assert "L1" in await console.say("公海", as_user="lina")
    async with console.app.uow_factory() as uow:
        team = await uow.teams.get(1)
        digest = await compose_digest(uow, team, date(2026, 12, 24), console.clock.now, DigestSettings())
    name = "杭州明途信息技术有限公司（张伟）"
    assert f"**收回公海 1 个客户、1 条线索**\n- C1 {name}\n- L1 {name}" in render_markdown(digest, "zh")
    assert "<li>L1 杭州明途信息技术有限公司 (张伟)</li>" in render_html(digest, "en")
    listed = as_json(digest)["pool_reclaimed"]
    assert (listed["count"], listed["lead_count"], listed["leads"]) == (
        1, 1, [{"id": 1, "name": "杭州明途信息技术有限公司", "owner_id": ZHANG, "owner": "张伟"}])


async def test_a_lead_follow_up_moves_its_deadline_and_teams_may_set_a_lead_rule(console: Console) -> None:
    await lead(console)
    async with console.app.uow_factory() as uow:
        await uow.followups.add(FollowUp(ZHANG, "邮件往来", NOW + timedelta(days=20), lead_id=1))
        await uow.commit()
    assert (await scan(console, 27.1)).warned == ["C1"]
    assert (await scan(console, 47.1)).warned == ["L1"]
    fast = PoolSettings(RULES.rules, teams={"华东一组": ReclaimRules(lead_no_followup_days=10, warn_days=2)})
    async with console.app.uow_factory() as uow:
        await uow.followups.add(FollowUp(ZHANG, "电话", NOW + timedelta(days=50), lead_id=1))
        await uow.commit()
    assert (await scan(console, 58.1, fast)).warned == ["L1"]  # 50 + 10 - 2 (C1 went back at 47.1)
    assert await leads(console) == [(1, ZHANG, "assigned", 1)]
