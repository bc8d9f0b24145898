import pytest

from domain.errors import NotFound
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Role, Team
from domain.permissions import (
    ControlDenied,
    Right,
    can_add_note,
    can_control,
    can_edit,
    can_view,
    can_work,
    managed_team_ids,
    require_control,
    require_edit,
    require_view,
    require_work,
    right_on,
    split_visible,
    stage_right,
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


def test_manager_sees_team_deals_without_owner_but_not_deals_merely_shared_with_members() -> None:
    assert can_view(EAST_MANAGER, deal(None, team=EAST), TEAM_OF)
    assert not can_view(EAST_MANAGER, deal(20, shared=(11,), team=NORTH), TEAM_OF)


def test_plain_rep_gains_nothing_from_team_fields() -> None:
    assert managed_team_ids(ALICE, TEAMS) == frozenset()
    assert not can_view(ALICE, deal(None, team=EAST), TEAM_OF)


def test_inactive_people_can_do_nothing() -> None:
    gone = Rep("Gone", Role.ADMIN, id=99, active=False)
    assert not can_view(gone, deal(99), TEAM_OF)
    assert visible_owner_ids(gone, REPS) == set()


def test_require_edit_of_an_invisible_deal_answers_like_a_missing_one() -> None:
    require_edit(ALICE, deal(10), TEAM_OF)
    with pytest.raises(NotFound) as raised:
        require_edit(ALICE, deal(20), TEAM_OF)
    assert raised.value.message("zh") == "找不到商机 #9"
    assert raised.value.message("en") == "No deal #9 found"
    with pytest.raises(NotFound):
        require_view(ALICE, deal(20), TEAM_OF)


@pytest.mark.parametrize(("who", "expected"), [
    (ADMIN, Right.CONTROL), (EAST_MANAGER, Right.CONTROL), (ALICE, Right.CONTROL), (BOB, Right.WORK),
    (CAROL, None), (DAVE, None)])
def test_rights_by_circle(who: Rep, expected: Right | None) -> None:
    opp = deal(10, shared=(11,), team=EAST)  # Alice owns it, shared with Bob
    assert right_on(who, opp, TEAM_OF) is expected
    assert can_work(who, opp, TEAM_OF) is (expected is not None and expected >= Right.WORK)
    assert can_control(who, opp, TEAM_OF) is (expected is Right.CONTROL)


def test_sharee_works_but_does_not_control_with_a_reason_in_both_languages() -> None:
    shared = deal(20, shared=(10,), team=NORTH)
    require_work(ALICE, shared, TEAM_OF)
    with pytest.raises(ControlDenied) as raised:
        require_control(ALICE, shared, TEAM_OF, action="handover")
    assert "转交" in raised.value.message("zh") and "hand over" in raised.value.message("en")


def test_closing_or_reopening_a_deal_is_control_moving_between_open_stages_is_work() -> None:
    assert stage_right(Stage.PROPOSAL, Stage.NEGOTIATION) is Right.WORK
    assert stage_right(Stage.NEGOTIATION, Stage.WON) is Right.CONTROL
    assert stage_right(Stage.PROPOSAL, Stage.LOST) is Right.CONTROL


def test_split_visible_counts_the_others() -> None:
    seen, hidden = split_visible(ALICE, [deal(10), deal(11), deal(20, shared=(10,))], TEAM_OF)
    assert [d.owner_id for d in seen] == [10, 20] and hidden == 1


def test_a_note_may_be_added_to_any_open_deal_by_an_active_colleague_but_not_to_a_closed_one() -> None:
    assert can_add_note(BOB, deal(10), TEAM_OF) and can_add_note(DAVE, deal(10), TEAM_OF)
    assert not can_view(BOB, deal(10), TEAM_OF)  # adding a note gives no view of the deal
    closed = deal(10)
    closed.stage = Stage.WON
    assert not can_add_note(BOB, closed, TEAM_OF) and can_add_note(ALICE, closed, TEAM_OF)  # the owner may
    gone = Rep("Gone", team_id=EAST, active=False, id=12)
    assert not can_add_note(gone, deal(10), TEAM_OF)
