"""Whose numbers the dashboard may show (bot.web.dashboard_scope), on hand-made people and teams."""

from __future__ import annotations

import pytest

from bot.web.base import Refused
from bot.web.dashboard_scope import ALL, choices_for, resolve
from domain.people import Rep, Role, Team

EAST, NORTH, SOUTH = Team("华东一组", id=1, manager_id=10), Team("华北组", id=2, manager_id=10), Team("华南组", id=3)
TEAMS = [EAST, NORTH, SOUTH]
TWO_TEAMS = Rep("赵敏", role=Role.MANAGER, team_id=1, id=10)
ADMIN = Rep("管理员", role=Role.ADMIN, id=1)
REP = Rep("张伟", role=Role.REP, team_id=1, id=20)


def test_a_manager_of_two_teams_sees_both_together_by_default_or_one() -> None:
    assert [c.value for c in choices_for(TWO_TEAMS, TEAMS)] == [ALL, "1", "2"]
    both = resolve(TWO_TEAMS, TEAMS, "")
    assert both.kind == "teams" and both.team_ids == (1, 2) and both.scope.team_ids == frozenset({1, 2})
    assert both.label("zh") == "华东一组、华北组" and both.label("en") == "华东一组, 华北组"
    north = resolve(TWO_TEAMS, TEAMS, "2")
    assert north.kind == "team" and north.scope.team_ids == frozenset({2}) and north.selected == "2"


@pytest.mark.parametrize("asked", ["3", "999", "abc", "1 or 1=1", "-1"])
def test_anything_outside_ones_choices_is_not_found(asked: str) -> None:
    with pytest.raises(Refused) as refused:
        resolve(TWO_TEAMS, TEAMS, asked)
    assert (refused.value.status, refused.value.kind) == (404, "not_found")


def test_an_admin_sees_the_company_by_default_and_every_team() -> None:
    company = resolve(ADMIN, TEAMS, "")
    assert company.kind == "company" and company.scope.team_ids is None and company.team_ids == (1, 2, 3)
    assert resolve(ADMIN, TEAMS, "3").scope.team_ids == frozenset({3})


def test_a_rep_gets_their_own_deals_and_no_picker() -> None:
    own = resolve(REP, TEAMS, "")
    assert own.kind == "rep" and own.choices == () and own.scope.rep_ids == frozenset({20})
    assert own.scope.team_ids is None and own.team_ids == (1,)
    with pytest.raises(Refused):
        resolve(REP, TEAMS, "1")


def test_someone_inactive_sees_only_what_is_theirs() -> None:
    gone = Rep("离职", role=Role.ADMIN, active=False, id=30)
    assert choices_for(gone, TEAMS) == ()
    assert resolve(gone, TEAMS, "").scope.rep_ids == frozenset({30})
