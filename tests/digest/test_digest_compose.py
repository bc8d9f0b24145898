"""The digest composer over a stub AnalyticsReader: what it asks for, and what lands in each section."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.digest.compose import compose_digest, trend_weeks
from bot.digest.settings import DigestSettings
from domain.analytics import Period, Scope, Target
from domain.errors import InvalidValue
from domain.messaging import OutboxItem
from domain.opportunity import Stage
from domain.people import Rep, Team
from tests.digest.stub import AT, DAY, FakeAnalyticsReader, FakeSources
from tests.fakes.uow import FakeUnitOfWork

TEAM = Team("华东一组", id=5)


async def sources(*targets: Target, failed: int = 0) -> tuple[FakeSources, FakeAnalyticsReader]:
    uow = FakeUnitOfWork()
    async with uow:
        await uow.reps.add(Rep("张伟"))
        await uow.reps.add(Rep("李娜"))
        for target in targets:
            await uow.targets.set(target, by=None, at=AT)
        for n in range(failed):
            item = await uow.outbox.add(OutboxItem("wecom", f"u{n}", "hi", AT, dedupe_key=f"k{n}"))
            assert item is not None and item.id is not None
            await uow.outbox.mark_failed(item.id, "boom")
        await uow.commit()
    reader = FakeAnalyticsReader()
    return FakeSources(uow, reader), reader


async def test_every_question_is_asked_for_the_team_only() -> None:
    src, reader = await sources()
    await compose_digest(src, TEAM, DAY, AT, DigestSettings())
    assert {scope for _, scope, _ in reader.calls} == {Scope(team_ids=frozenset({5}), label="华东一组",
                                                             label_en="华东一组")}
    asked = {(name, arg) for name, _, arg in reader.calls if name in ("forecast", "funnel", "overdue_payments")}
    assert asked == {("forecast", Period.month(DAY)), ("forecast", Period.quarter(DAY)),
                     ("funnel", AT - timedelta(days=90)), ("overdue_payments", DAY)}


async def test_sections_hold_the_readers_numbers_and_owner_names() -> None:
    src, _ = await sources()
    d = await compose_digest(src, TEAM, DAY, AT, DigestSettings(top_reps=1))
    assert (d.today.new_leads, d.today.won, d.today.lost) == (7, 1, 1)
    assert [m.opportunity_id for m in d.stage_moves] == [11]
    assert [m.opportunity_id for m in d.won] == [12] and [m.lost_reason for m in d.lost] == ["price"]
    assert [(r.name, r.won) for r in d.top_reps] == [("张伟", 3)]
    assert (d.stalled.count, len(d.stalled.lines)) == (12, 10)
    assert d.owner(2) == "李娜" and d.failed_deliveries is None


async def test_targets_compare_won_amount_with_time_elapsed() -> None:
    month = Target("team", 5, "2026-12", Decimal(5_000_000))
    quarter = Target("team", 5, "2026Q4", Decimal(3_500_000))
    src, _ = await sources(month, quarter, Target("team", 6, "2026-12", Decimal(1)))
    d = await compose_digest(src, TEAM, DAY, AT, DigestSettings())
    by_period = {t.period.code: t for t in d.targets}
    # Month: won 1.2M of 5M = 24%; 4 of 31 days gone = 12.9%: on track.
    assert by_period["2026-12"].achieved == pytest.approx(0.24)
    assert by_period["2026-12"].elapsed == pytest.approx(4 / 31) and by_period["2026-12"].on_track
    # Quarter: won 3M of 3.5M = 85.7%; Oct 1 .. Dec 4 = 65 of 92 days = 70.7%: on track.
    assert by_period["2026Q4"].elapsed == pytest.approx(65 / 92) and by_period["2026Q4"].on_track


async def test_a_target_behind_the_calendar_is_flagged() -> None:
    src, _ = await sources(Target("team", 5, "2026Q4", Decimal(10_000_000)))
    d = await compose_digest(src, TEAM, DAY, AT, DigestSettings())
    assert [(t.period.code, t.on_track) for t in d.targets] == [("2026Q4", False)]


async def test_failed_deliveries_are_counted_only_for_admins() -> None:
    src, _ = await sources(failed=2)
    assert (await compose_digest(src, TEAM, DAY, AT, DigestSettings(), admin=True)).failed_deliveries == 2
    assert (await compose_digest(src, TEAM, DAY, AT, DigestSettings())).failed_deliveries is None


async def test_the_company_digest_has_no_team_scope_and_no_targets() -> None:
    src, reader = await sources(Target("team", 5, "2026-12", Decimal(1)))
    d = await compose_digest(src, None, DAY, AT, DigestSettings())
    assert d.team_id is None and d.targets == ()
    assert {scope.team_ids for _, scope, _ in reader.calls} == {None}


async def test_stall_thresholds_come_from_the_settings() -> None:
    src, reader = await sources()
    await compose_digest(src, TEAM, DAY, AT, DigestSettings.from_section({"stalled_negotiation": 3}))
    asked = next(arg for name, _, arg in reader.calls if name == "stalled")
    assert asked == {Stage.INITIAL_CONTACT: 14, Stage.PROPOSAL: 10, Stage.NEGOTIATION: 3}


def test_trend_weeks_run_monday_to_sunday_ending_with_the_days_week() -> None:
    weeks = trend_weeks(DAY, 3)  # 2026-12-04 is a Friday
    assert [(w.start.isoformat(), w.end.isoformat()) for w in weeks] == [
        ("2026-11-16", "2026-11-23"), ("2026-11-23", "2026-11-30"), ("2026-11-30", "2026-12-07")]


def test_a_badly_written_digest_time_is_refused_with_how_to_write_it() -> None:
    with pytest.raises(InvalidValue) as err:
        DigestSettings.from_section({"time": "6pm"})
    assert "18:00" in err.value.message("zh") and "18:00" in err.value.message("en")
