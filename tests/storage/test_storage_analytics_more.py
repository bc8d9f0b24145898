"""The narrower analytics reads (a past funnel window, who is behind, next steps in a window, a rep's place)
against the fixture company of tests/analytics_company.py, on both engines; numbers worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from storage_helpers import Factory

from domain.analytics import Period, Scope
from tests.analytics_company import NOW, Company, at, build_company

ALL = Scope()
Q4 = Period.quarter(date(2026, 12, 1))


@pytest.fixture
async def company(uow_factory: Factory) -> Company:
    return await build_company(uow_factory)


async def test_a_past_funnel_window_ends_at_its_end(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        november = await uow.analytics.funnel(ALL, at(11, 1, 0), at(12, 1, 0))
    # In November: D1 →negotiation 11-05; D2 created 11-20 (initial contact) →proposal 11-25 (its later moves,
    # to won on 12-10, are after the window); D4 and D9 created 11-01, reached negotiation; D8 →won 11-15.
    reached = [(c.reached_source, c.reached_target) for c in november.conversions]
    assert reached == [(5, 5), (5, 4), (4, 1)]
    # Won in November: D8 only, created 10-15, won 11-15: 31 days (D1 and D2, won in December, do not count).
    assert november.avg_cycle_days == pytest.approx(31.0)
    assert november.until == at(12, 1, 0)


async def test_overdue_next_steps_per_owner_most_first(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        owners, rows = await uow.analytics.overdue_by_owner(ALL, NOW)
        north = await uow.analytics.overdue_by_owner(Scope(team_ids=frozenset({company.teams["华北组"]})), NOW)
    # Next steps before 12-15 10:00: D4 (张伟, 12-10) and D5 (李娜, 12-14 09:00); D9 (王强) is due 12-20.
    assert owners == 2 and sorted(rows) == sorted([(company.reps["张伟"], 1), (company.reps["李娜"], 1)])
    assert north == (0, [])


async def test_next_steps_in_a_window_soonest_first(uow_factory: Factory, company: Company) -> None:
    async with uow_factory() as uow:
        week = await uow.analytics.next_steps_between(ALL, at(12, 14, 0), at(12, 21, 0))
        tomorrow = await uow.analytics.next_steps_between(ALL, at(12, 16, 0), at(12, 17, 0))
    count, lines = week
    assert count == 2 and [line.opportunity_id for line in lines] == [company.deals["D5"], company.deals["D9"]]
    assert tomorrow == (0, [])


async def test_a_reps_place_on_the_leaderboard(uow_factory: Factory, company: Company) -> None:
    east = Scope(team_ids=frozenset({company.teams["华东一组"]}))
    async with uow_factory() as uow:
        company_wide = await uow.analytics.rank_of(ALL, Q4, company.reps["李娜"])
        team = await uow.analytics.rank_of(east, Q4, company.reps["李娜"])
        nothing = await uow.analytics.rank_of(ALL, Period.month(date(2026, 10, 1)), company.reps["李娜"])
    # Q4 won: 王强 400k (D8), 张伟 300k (D1), 李娜 200k (D2).
    assert company_wide == (3, 3) and team == (2, 2)
    assert nothing == (None, 0)  # nothing won in October
