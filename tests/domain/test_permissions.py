import pytest

from domain.errors import PermissionDenied
from domain.opportunity import Opportunity
from domain.people import Rep, Role, Team
from domain.permissions import (
    ViewDenied,
    can_edit,
    can_view,
    managed_team_ids,
    require_edit,
    require_view,
    visible_owner_ids,
)

EAST, NORTH, SOUTH = 1, 2, 3
ADMIN = Rep("admin", Role.ADMIN, id=1)
EAST_MANAGER = Rep("王经理", Role.MANAGER, team_id=EAST, id=2)
ALICE = Rep("Alice", team_id=EAST, id=10)
BOB = Rep("Bob", team_id=EAST, id=11)
CAROL = Rep("Carol", team_id=NORTH, id=20)
DAVE = Rep("Dave", team_id=SOUTH, id=30)
REPS = [ADMIN, EAST_MANAGER, ALICE, BOB, CAROL, DAVE]
TEAM_OF = {r.id: r.team_id for r in REPS if r.id is not None}
TEAMS = [Team("华东", id=EAST, manager_id=2), Team("华北", id=NORTH), Team("华南", id=SOUTH, manager_id=2)]


def deal(owner: int | None, shared: tuple[int, ...] = (), team: int | None = None) -> Opportunity:
    return Opportunity(customer_id=1, name="d", owner_id=owner, shared_with=list(shared), team_id=team, id=9)


def test_admin_sees_and_edits_everything() -> None:
    assert can_view(ADMIN, deal(None), TEAM_OF) and can_edit(ADMIN, deal(30), TEAM_OF)
    assert visible_owner_ids(ADMIN, REPS) is None


def test_rep_sees_own_deals_only() -> None:
    assert can_view(ALICE, deal(10), TEAM_OF) and can_edit(ALICE, deal(10), TEAM_OF)
    assert not can_view(ALICE, deal(11), TEAM_OF) and not can_edit(ALICE, deal(11), TEAM_OF)
    assert visible_owner_ids(ALICE, REPS) == {10}


def test_sharing_grants_view_and_edit() -> None:
    shared = deal(20, shared=(10,))
    assert can_view(ALICE, shared, TEAM_OF) and can_edit(ALICE, shared, TEAM_OF)
    assert not can_view(BOB, shared, TEAM_OF)


def test_manager_sees_deals_of_their_own_team_members() -> None:
    assert can_edit(EAST_MANAGER, deal(11), TEAM_OF)
    assert can_edit(EAST_MANAGER, deal(2), TEAM_OF)
    assert not can_view(EAST_MANAGER, deal(20), TEAM_OF)


def test_manager_sees_teams_that_name_them_as_manager() -> None:
    assert not can_view(EAST_MANAGER, deal(30), TEAM_OF)
    assert can_view(EAST_MANAGER, deal(30), TEAM_OF, TEAMS)
    assert managed_team_ids(EAST_MANAGER, TEAMS) == {EAST, SOUTH}
    assert visible_owner_ids(EAST_MANAGER, REPS, TEAMS) == {2, 10, 11, 30}


def test_manager_sees_team_deals_without_owner_and_deals_shared_with_members() -> None:
    assert can_view(EAST_MANAGER, deal(None, team=EAST), TEAM_OF)
    assert can_view(EAST_MANAGER, deal(20, shared=(11,)), TEAM_OF)


def test_plain_rep_gains_nothing_from_team_fields() -> None:
    assert managed_team_ids(ALICE, TEAMS) == frozenset()
    assert not can_view(ALICE, deal(None, team=EAST), TEAM_OF)


def test_inactive_people_can_do_nothing() -> None:
    gone = Rep("Gone", Role.ADMIN, id=99, active=False)
    assert not can_view(gone, deal(99), TEAM_OF)
    assert visible_owner_ids(gone, REPS) == set()


def test_require_edit_raises_permission_denied_naming_the_deal() -> None:
    require_edit(ALICE, deal(10), TEAM_OF)
    with pytest.raises(PermissionDenied) as raised:
        require_edit(ALICE, deal(20), TEAM_OF)
    assert raised.value.message("zh") == "你没有权限操作商机 #9"
    assert raised.value.message("en") == "You are not allowed to change deal #9"


def test_require_view_raises_a_view_specific_permission_denied() -> None:
    with pytest.raises(ViewDenied) as raised:
        require_view(ALICE, deal(20), TEAM_OF)
    assert isinstance(raised.value, PermissionDenied)
    assert raised.value.message("zh") == "你没有权限查看商机 #9"
