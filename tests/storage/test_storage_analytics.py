"""The analytics layer (storage.repositories.analytics) against the fixture company of tests/analytics_company.py,
on both engines. Every expected number is worked out by hand in the comments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from storage_helpers import Factory

from domain.analytics import Period, Scope, Target
from domain.insights import DEFAULT_STALL_DAYS
from domain.opportunity import Stage
from tests.analytics_company import NOW, Company, at, build_company

DECEMBER = Period.month(date(2026, 12, 1))
Q4 = Period.quarter(date(2026, 12, 1))
YEAR = Period.year(date(2026, 12, 1))
ALL = Scope()


@pytest.fixture
async def company(uow_factory: Factory) -> Company:
    return await build_company(uow_factory)


def east(company: Company) -> Scope:
    return Scope(team_ids=frozenset({company.teams["华东一组"]}))


def cny(value: int) -> dict[str, Decimal]:
    return {"CNY": Decimal(value)}


async def test_results_count_won_lost_and_new_per_period(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        december = await uow.analytics.results(ALL, DECEMBER)
        q4 = await uow.analytics.results(ALL, Q4)
        year = await uow.analytics.results(ALL, YEAR)
    # December: won D1 (12-02) 300k + D2 (12-10) 200k; lost D3 (12-05); new D5 (12-01), D10 (12-05); 3 leads.
    assert (december.won, december.won_amounts, december.lost) == (2, cny(500_000), 1)
    assert (december.new_deals, december.new_leads) == (2, 3)
    assert december.win_rate == pytest.approx(2 / 3)
    # Q4 adds D8 (11-15) 400k; new deals created Oct-Dec: D2 D3 D4 D5 D6 D8 D9 D10; leads add 11-15.
    assert (q4.won, q4.won_amounts, q4.lost, q4.new_deals, q4.new_leads) == (3, cny(900_000), 1, 8, 4)
    # The year adds D7 (06-30) 80k, created 03-01.
    assert (year.won, year.won_amounts, year.new_deals) == (4, cny(980_000), 10)


async def test_results_answer_only_for_the_scope(uow_factory: Factory, company: Company) -> None:
    zhang = Scope(rep_ids=frozenset({company.reps["张伟"]}))
    north = Scope(team_ids=frozenset({company.teams["华北组"]}))
    async with uow_factory() as uow:
        team = await uow.analytics.results(east(company), DECEMBER)
        rep = await uow.analytics.results(zhang, DECEMBER)
        other = await uow.analytics.results(north, DECEMBER)
        nobody = await uow.analytics.results(Scope(team_ids=frozenset(), rep_ids=frozenset()), DECEMBER)
    assert (team.won, team.won_amounts, team.lost, team.new_deals, team.new_leads) == (2, cny(500_000), 1, 1, 2)
    assert (rep.won, rep.won_amounts, rep.lost, rep.new_deals, rep.new_leads) == (1, cny(300_000), 1, 0, 1)
    assert (other.won, other.won_amounts, other.new_deals, other.new_leads) == (0, {}, 1, 1)
    assert (nobody.won, nobody.lost, nobody.new_deals, nobody.new_leads) == (0, 0, 0, 0)


async def test_period_days_are_the_company_time_zone(uow_factory: Factory, company: Company) -> None:
    # D1 was won 2026-12-02 10:00 Shanghai = 02:00 UTC: a day period of 12-02 holds it.
    async with uow_factory() as uow:
        day = await uow.analytics.results(ALL, Period.day(date(2026, 12, 2)))
        before = await uow.analytics.results(ALL, Period.day(date(2026, 12, 1)))
    assert (day.won, before.won) == (1, 0)


async def test_funnel_counts_open_deals_per_stage(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        funnel = await uow.analytics.funnel(ALL, NOW - timedelta(days=90))
        team = await uow.analytics.funnel(east(company), NOW - timedelta(days=90))
    stages = {s.stage: (s.count, dict(s.amounts)) for s in funnel.stages}
    assert stages == {Stage.INITIAL_CONTACT: (1, cny(50_000)),  # D6
                      Stage.PROPOSAL: (2, {"CNY": Decimal(100_000), "USD": Decimal(20_000)}),  # D5, D10
                      Stage.NEGOTIATION: (2, cny(1_500_000))}  # D4, D9
    assert {s.stage: s.count for s in team.stages} == {
        Stage.INITIAL_CONTACT: 1, Stage.PROPOSAL: 1, Stage.NEGOTIATION: 1}


async def test_funnel_conversion_and_cycle_time_over_the_window(uow_factory: Factory, company: Company) -> None:
    since = NOW - timedelta(days=90)  # 2026-09-16 10:00
    async with uow_factory() as uow:
        funnel = await uow.analytics.funnel(ALL, since)
        team = await uow.analytics.funnel(east(company), since)
    # Highest ladder stage reached in the window: D1 won (moves in it), D2 won, D3 proposal (then lost),
    # D4 negotiation, D5 proposal, D6 initial contact, D8 won, D9 negotiation, D10 proposal; D7 moved before.
    steps = [(c.source, c.target, c.reached_source, c.reached_target) for c in funnel.conversions]
    assert steps == [(Stage.INITIAL_CONTACT, Stage.PROPOSAL, 9, 8), (Stage.PROPOSAL, Stage.NEGOTIATION, 8, 5),
                     (Stage.NEGOTIATION, Stage.WON, 5, 3)]
    assert funnel.conversions[2].rate == pytest.approx(0.6)
    # Won in the window: D1 09-01 -> 12-02 = 92 days, D2 11-20 -> 12-10 = 20, D8 10-15 -> 11-15 = 31.
    assert funnel.avg_cycle_days == pytest.approx(143 / 3, abs=0.01)
    assert [(c.reached_source, c.reached_target) for c in team.conversions] == [(6, 5), (5, 3), (3, 2)]
    assert team.avg_cycle_days == pytest.approx(56.0)
    assert funnel.since == since


async def test_weighted_forecast_uses_the_stage_base_rates(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        december = await uow.analytics.forecast(ALL, DECEMBER)
        team = await uow.analytics.forecast(east(company), Q4)
    # Expected to close in December: D4 500k x 0.6 + D6 50k x 0.1 + D9 1M x 0.6 = 905k; D10 USD 20k x 0.3.
    assert december.weighted == {"CNY": Decimal(905_000), "USD": Decimal(6_000)}
    assert (december.open_deals, december.won_amounts) == (4, cny(500_000))
    # 华东一组, Q4: D4 + D6 = 305k weighted; won D1 + D2 = 500k (D8 is 华北组).
    assert (team.weighted, team.open_deals, team.won_amounts) == (cny(305_000), 2, cny(500_000))


async def test_leaderboard_ranks_reps_by_won_amount(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        q4 = await uow.analytics.leaderboard(ALL, Q4)
        top = await uow.analytics.leaderboard(ALL, Q4, limit=1)
        team = await uow.analytics.leaderboard(east(company), DECEMBER)
    reps = {v: k for k, v in company.reps.items()}
    assert [(reps[r.rep_id], r.won, dict(r.won_amounts)) for r in q4] == [
        ("王强", 1, cny(400_000)), ("张伟", 1, cny(300_000)), ("李娜", 1, cny(200_000))]
    assert [reps[r.rep_id] for r in top] == ["王强"]
    assert [reps[r.rep_id] for r in team] == ["张伟", "李娜"]


async def test_movements_list_a_periods_stage_changes_in_order(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        moves = await uow.analytics.movements(ALL, DECEMBER)
        first_two = await uow.analytics.movements(ALL, DECEMBER, limit=2)
    names = [(m.name, m.source, m.target) for m in moves]
    assert names == [("ERP", Stage.PROPOSAL, Stage.NEGOTIATION), ("云平台", Stage.NEGOTIATION, Stage.WON),
                     ("安全", Stage.INITIAL_CONTACT, Stage.PROPOSAL), ("CRM", Stage.PROPOSAL, Stage.LOST),
                     ("海外", Stage.INITIAL_CONTACT, Stage.PROPOSAL), ("ERP", Stage.NEGOTIATION, Stage.WON)]
    lost = moves[3]
    assert (lost.lost_reason, lost.lost_note, dict(lost.amounts)) == ("price", "竞品低价", cny(150_000))
    assert moves[1].at == at(12, 2) and len(first_two) == 2


async def test_stalled_deals_have_a_true_count_and_a_bounded_list(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        count, lines = await uow.analytics.stalled(ALL, NOW, DEFAULT_STALL_DAYS, limit=2)
        team_count, _ = await uow.analytics.stalled(east(company), NOW, DEFAULT_STALL_DAYS)
    # In their stage since: D6 10-01 (IC, >= 14 days), D9 11-10, D4 11-20 (negotiation, >= 7), D5 12-03
    # (proposal, 12 >= 10); D10 in proposal since 12-06 (9 < 10) is not stalled.
    assert count == 4 and team_count == 3
    assert [(line.name, line.since) for line in lines] == [("培训", at(10, 1)), ("仓储", at(11, 10))]


async def test_overdue_next_steps_and_payments(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        steps = await uow.analytics.overdue_next_steps(ALL, NOW)
        payments = await uow.analytics.overdue_payments(ALL, NOW.date())
        north = await uow.analytics.overdue_payments(Scope(team_ids=frozenset({company.teams["华北组"]})), NOW.date())
    assert steps[0] == 2
    assert [(d.name, d.since) for d in steps[1]] == [("数据中台", at(12, 10)), ("安全", at(12, 14, 9))]
    # D8 owes 200k - 50k paid (due 11-30; the replaced milestone does not count), D1 150k (due 12-05).
    assert payments[0] == 2
    assert [(d.name, dict(d.amounts), d.since) for d in payments[1]] == [
        ("物流", cny(150_000), at(11, 30, 0)), ("云平台", cny(150_000), at(12, 5, 0))]
    assert north[0] == 1


async def test_targets_are_set_replaced_and_listed(uow_factory: Factory, company: Company) -> None:
    team = company.teams["华东一组"]
    async with uow_factory() as uow:
        await uow.targets.set(Target("team", team, "2026Q4", Decimal(1_500_000)), by=company.reps["赵敏"], at=NOW)
        await uow.targets.set(Target("rep", company.reps["张伟"], "2026Q4", Decimal(800_000)), by=None, at=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.targets.set(Target("team", team, "2026Q4", Decimal(1_600_000)), by=None, at=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.targets.get("team", team, "2026Q4")
        listed = await uow.targets.for_period("2026Q4")
        missing = await uow.targets.get("team", team, "2027Q1")
        scoped = await uow.targets.for_scopes("rep", [company.reps["张伟"], company.reps["李娜"]], "2026Q4")
    assert found == Target("team", team, "2026Q4", Decimal(1_600_000))
    assert [(t.scope_kind, t.amount) for t in listed] == [("rep", Decimal(800_000)), ("team", Decimal(1_600_000))]
    assert missing is None and [t.amount for t in scoped] == [Decimal(800_000)]
