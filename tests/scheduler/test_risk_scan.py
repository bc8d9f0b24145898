"""Each risk rule, scanned from the database on SQLite and PostgreSQL with an injected clock: it fires once,
is not repeated on the next scan, fires again only when the state changed and still breaks the rule, and
stops once the state is fixed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from risk_world import (
    NOW,
    Factory,
    World,
    add_contract,
    add_deal,
    add_followup,
    add_invoice,
    add_lead,
    add_milestone,
    add_payment,
    add_quote,
    alerts,
    change,
    days,
    make_world,
    move,
    pay_milestone,
    rules_of,
)
from sqlalchemy import delete

from domain.audit import AuditEntry
from domain.lead import LeadStatus
from domain.opportunity import Stage
from domain.risks import RiskSettings
from scheduler.risks import record_risks, scan_risks
from storage.models import RiskAlertRow

SETTINGS = RiskSettings(incremental=False)  # every scan a full one: these tests change rows directly


@pytest.fixture
async def world(uow_factory: Factory) -> World:
    return await make_world(uow_factory)


async def scan(w: World, at: datetime) -> int:
    return await scan_risks(w.uow_factory, at, SETTINGS)


async def test_a_deal_stalled_in_negotiation_warns_once_then_again_after_it_moves_and_stalls_again(
        world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.NEGOTIATION, created=NOW - days(30),
                          entered=NOW - days(7))
    assert await scan(world, NOW) == 0  # 7 days in 谈判: not longer than 7 yet
    assert await scan(world, NOW + days(1)) == 1
    assert await scan(world, NOW + days(2)) == 0  # same stage, same entry: no repeat
    assert await rules_of(world) == [("stage_stalled", deal)]
    await move(world, deal, Stage.PROPOSAL, NOW + days(2))
    assert await scan(world, NOW + days(3)) == 0  # fixed: 1 day in 方案提案
    await move(world, deal, Stage.NEGOTIATION, NOW + days(3))
    assert await scan(world, NOW + days(10)) == 0
    assert await scan(world, NOW + days(11)) == 1  # a new state that breaks the rule again
    states = [state for *_, state in await alerts(world)]
    assert states[0].startswith("negotiation|2026-11-17") and states[1].startswith("negotiation|2026-11-27")


async def test_a_deal_never_moved_counts_from_its_creation_with_the_stage_threshold(world: World) -> None:
    fresh = await add_deal(world, world.zhang, created=NOW - days(21))
    old = await add_deal(world, world.zhang, created=NOW - days(22), name="ERP")
    assert await scan(world, NOW) == 1
    assert await rules_of(world) == [("stage_stalled", old)]
    assert await scan(world, NOW + days(1)) == 1
    assert await rules_of(world) == [("stage_stalled", old), ("stage_stalled", fresh)]


async def test_an_overdue_next_step_warns_once_and_again_only_for_a_new_date_also_overdue(world: World) -> None:
    deal = await add_deal(world, world.zhang, next_at=NOW - days(1), next_step="发方案")
    assert await scan(world, NOW) == 1
    assert await scan(world, NOW + days(1)) == 0
    await change(world, deal, next_at=NOW + days(3))
    assert await scan(world, NOW + days(2)) == 0  # rescheduled into the future: fixed
    assert await scan(world, NOW + days(4)) == 1  # the new date passed too
    assert await rules_of(world) == [("next_step_overdue", deal)] * 2


async def test_a_next_step_due_later_today_is_not_overdue(world: World) -> None:
    await add_deal(world, world.zhang, next_at=NOW + days(0.2))
    await add_deal(world, world.zhang, next_at=NOW - days(0.1), name="today earlier")
    assert await scan(world, NOW) == 0


async def test_a_passed_expected_close_date_warns_until_it_is_moved_or_the_deal_closes(world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.NEGOTIATION, entered=NOW,
                          expected_close=NOW - days(2))
    assert await scan(world, NOW) == 1
    assert await scan(world, NOW + days(1)) == 0
    await change(world, deal, expected_close=NOW - days(1))  # a new date, passed already
    assert await scan(world, NOW + days(1)) == 1
    await move(world, deal, Stage.LOST, NOW + days(1))
    await change(world, deal, expected_close=NOW - days(0.5))
    assert await scan(world, NOW + days(2)) == 0
    assert await rules_of(world) == [("close_date_passed", deal)] * 2


async def test_a_lower_quote_version_warns_once_per_version(world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.PROPOSAL, entered=NOW)
    await add_quote(world, deal, 1, 1000000)
    await add_quote(world, deal, 2, 1200000)
    assert await scan(world, NOW) == 0  # went up
    await add_quote(world, deal, 3, 900000)
    assert await scan(world, NOW) == 1
    assert await scan(world, NOW + days(1)) == 0
    await add_quote(world, deal, 4, 950000)
    assert await scan(world, NOW + days(1)) == 0  # back up: fixed
    await add_quote(world, deal, 5, 800000)
    assert await scan(world, NOW + days(1)) == 1
    assert [state for *_, state in await alerts(world)] == ["v3|900000.00", "v5|800000.00"]


async def test_payment_due_soon_then_overdue_then_paid(world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.WON, entered=NOW - days(30), closed_at=NOW - days(30))
    await add_contract(world, deal)
    milestone = await add_milestone(world, deal, date(2026, 11, 27))
    assert await scan(world, NOW) == 1  # due in 3 days
    assert await scan(world, NOW + days(1)) == 0
    assert await scan(world, NOW + days(4)) == 1  # the 28th: overdue
    assert await scan(world, NOW + days(5)) == 0
    await pay_milestone(world, milestone, 100000)  # partly paid: a new state, still overdue
    assert await scan(world, NOW + days(6)) == 1
    await pay_milestone(world, milestone, 300000)
    assert await scan(world, NOW + days(7)) == 0
    assert await rules_of(world) == [("payment_due_soon", milestone), ("payment_overdue", milestone),
                                     ("payment_overdue", milestone)]


async def test_an_invoice_unpaid_past_terms_warns_again_after_a_part_payment_and_stops_when_paid(world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.WON, entered=NOW - days(60), closed_at=NOW - days(60))
    await add_contract(world, deal)
    invoice = await add_invoice(world, deal, 300000, date(2026, 10, 25))  # 30 days on the 24th
    assert await scan(world, NOW) == 0
    assert await scan(world, NOW + days(1)) == 1
    assert await scan(world, NOW + days(2)) == 0
    await add_payment(world, deal, 100000, date(2026, 11, 26))  # part of it: a new state, still unpaid
    assert await scan(world, NOW + days(3)) == 1
    await add_payment(world, deal, 200000, date(2026, 11, 27))
    assert await scan(world, NOW + days(4)) == 0
    assert [state for *_, state in await alerts(world)] == ["2026-10-25|300000.00", "2026-10-25|200000.00"]
    assert await rules_of(world) == [("invoice_unpaid", invoice)] * 2


async def test_payments_pay_the_oldest_invoice_first(world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.WON, entered=NOW - days(90), closed_at=NOW - days(90))
    await add_contract(world, deal)
    first = await add_invoice(world, deal, 300000, date(2026, 9, 1))
    second = await add_invoice(world, deal, 200000, date(2026, 10, 1))
    await add_payment(world, deal, 400000, date(2026, 10, 20))
    assert await scan(world, NOW) == 1
    assert await alerts(world) == [("invoice_unpaid", "invoice", second, "2026-10-01|100000.00")]
    assert first != second


async def test_a_won_deal_without_contract_warns_after_seven_days_and_stops_with_a_contract(world: World) -> None:
    deal = await add_deal(world, world.zhang, stage=Stage.NEGOTIATION, entered=NOW - days(20))
    await move(world, deal, Stage.WON, NOW - days(6))
    assert await scan(world, NOW) == 0
    assert await scan(world, NOW + days(1)) == 1
    assert await scan(world, NOW + days(2)) == 0
    await add_contract(world, deal)
    assert await scan(world, NOW + days(3)) == 0
    assert await rules_of(world) == [("won_no_contract", deal)]


async def test_a_lead_not_followed_up_for_three_days_warns_once_per_silence_not_once_converted(
        world: World) -> None:
    lead = await add_lead(world, world.zhang, NOW - days(2))
    assert await scan(world, NOW) == 0
    assert await scan(world, NOW + days(1)) == 1
    assert await scan(world, NOW + days(2)) == 0
    await add_followup(world, NOW + days(2))  # followed up: fixed
    assert await scan(world, NOW + days(3)) == 0
    assert await scan(world, NOW + days(5)) == 1  # three days after that follow-up
    await add_lead(world, world.zhang, NOW - days(10), LeadStatus.CONVERTED)
    assert await scan(world, NOW + days(6)) == 0
    assert await rules_of(world) == [("lead_no_followup", lead)] * 2


async def test_thresholds_come_from_the_settings(world: World) -> None:
    await add_deal(world, world.zhang, stage=Stage.NEGOTIATION, created=NOW - days(9), entered=NOW - days(3))
    strict = RiskSettings(stage_days={Stage.NEGOTIATION: 2})
    assert await scan_risks(world.uow_factory, NOW, strict) == 1
    assert await scan_risks(world.uow_factory, NOW, RiskSettings(enabled=False)) == 0


async def test_later_scans_of_a_day_recheck_only_what_the_audit_trail_shows_changed(world: World) -> None:
    settings = RiskSettings()
    assert await scan_risks(world.uow_factory, NOW, settings) == 0  # the day's full scan
    quiet = await add_deal(world, world.zhang, next_at=NOW - days(2), name="unaudited")
    audited = await add_deal(world, world.zhang, next_at=NOW - days(3), name="audited")
    async with world.uow() as uow:
        await uow.audit.add(AuditEntry(world.zhang, "opportunity", audited, "update", NOW, {}, "b1"))
        await uow.commit()
    assert await scan_risks(world.uow_factory, NOW + timedelta(hours=1), settings) == 1
    assert await rules_of(world) == [("next_step_overdue", audited)]
    assert await scan_risks(world.uow_factory, NOW + timedelta(hours=2), settings) == 0  # nothing new since
    assert await scan_risks(world.uow_factory, NOW + days(1), settings) == 1  # the next day's full scan
    assert await rules_of(world) == [("next_step_overdue", audited), ("next_step_overdue", quiet)]



async def test_a_scan_walked_in_small_pages_finds_what_one_page_finds_and_never_holds_one_transaction(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of candidate, several pages of each: the same warnings as one big page, written a few at a
    time, each page in a unit of work of its own."""
    for n in range(5):
        await add_deal(world, world.zhang, created=NOW - days(30), name=f"stalled {n}")
        await add_deal(world, world.li, stage=Stage.PROPOSAL, entered=NOW, next_at=NOW - days(2),
                       expected_close=NOW - days(1), name=f"late {n}")
        won = await add_deal(world, world.chen, stage=Stage.WON, entered=NOW - days(20),
                             closed_at=NOW - days(20), name=f"won {n}")
        await add_milestone(world, won, date(2026, 11, 20))
        await add_invoice(world, won, 300000, date(2026, 9, 1))
        await add_lead(world, world.zhang, NOW - days(10))
    opened = 0

    def counting() -> object:
        nonlocal opened
        opened += 1
        return world.uow_factory()

    monkeypatch.setattr("scheduler.risks.FLUSH", 3)
    assert await record_risks(counting, NOW, SETTINGS, batch=2) == 5 * 7  # type: ignore[arg-type]
    paged = await alerts(world)
    assert opened >= 5 * 6 // 2  # 30 candidate subjects in pages of 2
    async with world.uow() as uow:
        await uow.session.execute(delete(RiskAlertRow))
        await uow.commit()
    assert await record_risks(world.uow_factory, NOW, SETTINGS, batch=2000) == 5 * 7
    assert sorted(await alerts(world)) == sorted(paged)
    assert {rule for rule, _ in await rules_of(world)} == {
        "stage_stalled", "next_step_overdue", "close_date_passed", "won_no_contract", "payment_overdue",
        "invoice_unpaid", "lead_no_followup"}
