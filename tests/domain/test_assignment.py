from decimal import Decimal

import pytest

from domain.assignment import Assignment, AssignmentRule, assign_lead
from domain.errors import InvalidValue
from domain.lead import Lead, LeadStatus
from domain.money import Money

EAST_TEAM, NORTH_TEAM = 1, 2
MEMBERS = {EAST_TEAM: [11, 12, 13], NORTH_TEAM: [21]}


def lead(region: str = "华东", industry: str = "制造", budget: str | None = "300000") -> Lead:
    return Lead(customer_id=1, region=region, industry=industry,
                budget=Money(Decimal(budget)) if budget is not None else None)


def test_first_matching_rule_wins() -> None:
    rules = [AssignmentRule(rep_id=99, regions=("华北",)),
             AssignmentRule(rep_id=21, regions=("华东",)),
             AssignmentRule(rep_id=11)]
    result = assign_lead(lead(), rules, MEMBERS, {})
    assert result == Assignment(owner_id=21, team_id=NORTH_TEAM, rule_index=1, cursor=None)


def test_rep_rule_outside_any_team_leaves_team_empty() -> None:
    assert assign_lead(lead(), [AssignmentRule(rep_id=99)], MEMBERS, {}) == Assignment(99, None, 0)


def test_team_rule_rotates_through_members_in_order() -> None:
    rules = [AssignmentRule(team_id=EAST_TEAM)]
    cursors: dict[int, int] = {}
    owners = []
    for _ in range(4):
        result = assign_lead(lead(), rules, MEMBERS, cursors)
        owners.append(result.owner_id)
        assert result.team_id == EAST_TEAM and result.cursor is not None
        cursors[EAST_TEAM] = result.cursor
    assert owners == [11, 12, 13, 11]


def test_cursor_beyond_a_shrunken_team_wraps_around() -> None:
    result = assign_lead(lead(), [AssignmentRule(team_id=EAST_TEAM)], {EAST_TEAM: [11, 12]}, {EAST_TEAM: 5})
    assert (result.owner_id, result.cursor) == (12, 0)


def test_empty_team_gets_the_lead_without_an_owner() -> None:
    result = assign_lead(lead(), [AssignmentRule(team_id=3)], MEMBERS, {}, default_rep_id=11)
    assert result == Assignment(owner_id=None, team_id=3, rule_index=0, cursor=None)


def test_region_and_industry_match_exactly_ignoring_case_and_width() -> None:
    rule = AssignmentRule(rep_id=11, regions=("East China", "华东"), industries=("ＩＴ",))
    assert rule.matches(lead(region=" east china ", industry="it"))
    assert rule.matches(lead(region="华东", industry="IT"))
    assert not rule.matches(lead(region="华东南", industry="IT"))
    assert not rule.matches(lead(region="华东", industry="制造"))


def test_empty_criteria_match_anything() -> None:
    assert AssignmentRule(team_id=1).matches(lead(region="", industry="", budget=None))


def test_budget_bounds_are_inclusive() -> None:
    rule = AssignmentRule(rep_id=11, min_budget=Decimal(100000), max_budget=Decimal(500000))
    assert rule.matches(lead(budget="100000")) and rule.matches(lead(budget="500000"))
    assert not rule.matches(lead(budget="99999.99")) and not rule.matches(lead(budget="500000.01"))


def test_budget_rule_never_matches_a_lead_without_budget() -> None:
    assert not AssignmentRule(rep_id=11, min_budget=Decimal(0)).matches(lead(budget=None))


def test_big_deals_go_to_a_senior_rep_before_regional_rotation() -> None:
    rules = [AssignmentRule(rep_id=13, min_budget=Decimal(1_000_000)),
             AssignmentRule(team_id=EAST_TEAM, regions=("华东",))]
    assert assign_lead(lead(budget="2000000"), rules, MEMBERS, {}).owner_id == 13
    assert assign_lead(lead(budget="200000"), rules, MEMBERS, {EAST_TEAM: 1}).owner_id == 12


def test_fallback_team_rotates_when_no_rule_matches() -> None:
    rules = [AssignmentRule(rep_id=99, regions=("华南",))]
    result = assign_lead(lead(), rules, MEMBERS, {EAST_TEAM: 2}, default_team_id=EAST_TEAM)
    assert result == Assignment(owner_id=13, team_id=EAST_TEAM, rule_index=None, cursor=0)


def test_fallback_team_goes_before_the_fallback_rep() -> None:
    result = assign_lead(lead(), [], MEMBERS, {}, default_team_id=NORTH_TEAM, default_rep_id=11)
    assert result == Assignment(owner_id=21, team_id=NORTH_TEAM, rule_index=None, cursor=0)


def test_fallback_rep_when_the_default_team_is_empty_or_missing() -> None:
    result = assign_lead(lead(), [], MEMBERS, {}, default_team_id=3, default_rep_id=11)
    assert result == Assignment(owner_id=11, team_id=3)
    assert assign_lead(lead(), [], MEMBERS, {}, default_rep_id=11) == Assignment(11, EAST_TEAM)


def test_empty_default_team_without_fallback_rep_gets_the_lead_without_owner() -> None:
    assert assign_lead(lead(), [], MEMBERS, {}, default_team_id=3) == Assignment(None, 3)


def test_nothing_matches_and_no_fallback_leaves_the_lead_unassigned() -> None:
    rules = [AssignmentRule(rep_id=1, regions=("华南",))]
    assert assign_lead(lead(), rules, MEMBERS, {}) == Assignment(None, None)


def test_applying_an_assignment_updates_the_lead() -> None:
    target = lead()
    Assignment(owner_id=12, team_id=EAST_TEAM, rule_index=0, cursor=2).apply_to(target)
    assert (target.owner_id, target.team_id, target.status) == (12, EAST_TEAM, LeadStatus.ASSIGNED)


@pytest.mark.parametrize("kwargs", [
    {}, {"rep_id": 1, "team_id": 2}, {"rep_id": 1, "min_budget": Decimal(5), "max_budget": Decimal(1)},
])
def test_rule_needs_exactly_one_target_and_sane_bounds(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidValue) as raised:
        AssignmentRule(**kwargs)  # type: ignore[arg-type]
    assert raised.value.message("zh").startswith("分配规则无效")
    assert raised.value.message("en").startswith("Invalid assignment rule")
