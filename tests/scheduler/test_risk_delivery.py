"""What a risk scan sends, on SQLite and PostgreSQL: a rep's own warnings, at most three per message with
the rest counted, each saying why and what to do with an action; the manager's team roll-up; nothing
twice, not even from two processes scanning at once; quiet hours hold the messages till morning."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from risk_world import NOW, SHANGHAI, Factory, World, add_deal, change, days, make_world, outbox
from sqlalchemy import select

from domain.opportunity import Stage
from domain.risks import RiskSettings
from scheduler.risks import deliver_risks, record_risks, scan_risks
from storage.models import OutboxRow, RiskAlertRow

SETTINGS = RiskSettings()


@pytest.fixture
async def world(uow_factory: Factory) -> World:
    return await make_world(uow_factory)


async def overdue_deals(w: World, owner: int, count: int, first: int = 1) -> list[int]:
    """`count` deals of `owner` whose next step was due `first`, `first + 1`, ... days ago."""
    return [await add_deal(w, owner, name=f"D{n}", next_at=NOW - days(first + n), next_step=f"步骤{n}")
            for n in range(count)]


async def test_a_rep_gets_at_most_three_warnings_per_message_with_the_rest_counted(world: World) -> None:
    deals = await overdue_deals(world, world.zhang, 5)
    assert await scan_risks(world.uow_factory, NOW, SETTINGS) == 5
    mine = [(key, text) for who, key, text in await outbox(world) if who == "zhangwei"]
    assert len(mine) == 1
    key, text = mine[0]
    assert key.startswith(f"risks:{world.zhang}:")
    lines = text.splitlines()
    assert lines[0] == "⚠️ 风险提醒：新增 5 条"
    # the most overdue first; each says why and what to do, with a command to send
    assert lines[1] == f"1. #{deals[4]} D4：下一步「步骤4」已逾期 5 天（2026-11-19）"
    assert lines[2].startswith("   → 做完后记录跟进并约好下一步") and lines[2].endswith(f"发送：查看 #{deals[4]}")
    assert [line.split("：")[0] for line in lines[3:7:2]] == [f"2. #{deals[3]} D3", f"3. #{deals[2]} D2"]
    assert lines[-1] == "另有 2 条，发送「风险」查看"
    assert len(lines) == 8


async def test_the_message_carries_one_button_per_warning_shown(world: World) -> None:
    deals = await overdue_deals(world, world.zhang, 2)
    await scan_risks(world.uow_factory, NOW, SETTINGS)
    async with world.uow() as uow:
        row = (await uow.session.execute(select(OutboxRow).where(OutboxRow.recipient == "zhangwei"))).scalar_one()
        assert row.extra["buttons"] == [{"text": f"查看 #{d}", "key": f"查看 #{d}"} for d in reversed(deals)]


async def test_a_warning_is_never_sent_twice(world: World) -> None:
    await overdue_deals(world, world.zhang, 2)
    await scan_risks(world.uow_factory, NOW, SETTINGS)
    before = await outbox(world)
    assert await scan_risks(world.uow_factory, NOW + timedelta(hours=1), SETTINGS) == 0
    assert await scan_risks(world.uow_factory, NOW + days(1), SETTINGS) == 0
    assert await outbox(world) == before
    async with world.uow() as uow:
        rows = (await uow.session.execute(select(RiskAlertRow))).scalars().all()
        assert len(rows) == 2 and all(r.sent_at is not None for r in rows)


async def test_managers_get_a_team_roll_up_and_other_teams_do_not_mix(world: World) -> None:
    await overdue_deals(world, world.zhang, 2)
    await overdue_deals(world, world.li, 1, first=9)
    await add_deal(world, world.li, stage=Stage.NEGOTIATION, created=NOW - days(30), entered=NOW - days(10),
                   name="ERP")
    (theirs,) = await overdue_deals(world, world.chen, 1)
    assert await scan_risks(world.uow_factory, NOW, SETTINGS) == 5
    sent = await outbox(world)
    assert sorted(who for who, *_ in sent) == ["chen", "lina", "wang", "zhangwei"]
    (roll_up,) = [text for who, key, text in sent if who == "wang"]
    lines = roll_up.splitlines()
    assert lines[0] == "📊 团队风险汇总 · 华东一组：新增 4 条"
    assert lines[1] == "下一步逾期 3 · 阶段停留过久 1"
    assert lines[2] == "重点："
    assert lines[3].startswith("1. #") and "(@李娜)：下一步「步骤0」已逾期 9 天" in lines[3]
    assert lines[-1] == "发送「风险」查看团队全部风险"
    assert "陈晨" not in roll_up
    (english,) = [text for who, key, text in sent if who == "chen"]
    assert english.splitlines()[:2] == ["⚠️ Risk warnings: 1 new",
                                        f"1. #{theirs} D0: the next step (步骤0) is 1 days overdue (2026-11-23)"]
    assert english.splitlines()[2].endswith(f"Send: deal #{theirs}")


async def test_messages_found_at_night_wait_for_the_end_of_quiet_hours(world: World) -> None:
    await overdue_deals(world, world.zhang, 1)
    night = datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI)
    assert await scan_risks(world.uow_factory, night, SETTINGS) == 1
    async with world.uow() as uow:
        row = (await uow.session.execute(select(OutboxRow).where(OutboxRow.recipient == "zhangwei"))).scalar_one()
        assert row.not_before == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)


async def test_two_processes_scanning_at_once_send_each_warning_once(world: World) -> None:
    await overdue_deals(world, world.zhang, 4)
    await overdue_deals(world, world.li, 2)
    results = await asyncio.gather(scan_risks(world.uow_factory, NOW, SETTINGS),
                                   scan_risks(world.uow_factory, NOW, SETTINGS))
    assert sum(results) == 6
    sent = await outbox(world)
    counted = 0
    for who, _, text in sent:
        if who in ("zhangwei", "lina"):
            first = text.splitlines()[0]
            counted += int(first.removeprefix("⚠️ 风险提醒：新增 ").removesuffix(" 条"))
    assert counted == 6  # every warning in exactly one message
    async with world.uow() as uow:
        rows = (await uow.session.execute(select(RiskAlertRow))).scalars().all()
        assert len(rows) == 6 and all(r.sent_at is not None for r in rows)


async def test_a_fixed_risk_is_left_out_of_the_message_but_still_counted_as_sent(world: World) -> None:
    """A deal fixed between the record and the delivery is not shown (the scan reads each warning again)."""
    deals = await overdue_deals(world, world.zhang, 1)
    assert await record_risks(world.uow_factory, NOW, SETTINGS) == 1
    await change(world, deals[0], next_at=NOW + days(2))
    assert await deliver_risks(world.uow_factory, NOW, SETTINGS) == 1
    (text,) = [text for who, _, text in await outbox(world) if who == "zhangwei"]
    assert text.splitlines() == ["⚠️ 风险提醒：新增 1 条", "另有 1 条，发送「风险」查看"]
