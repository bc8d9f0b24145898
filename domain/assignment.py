"""Lead auto-assignment: the first matching rule wins; team targets rotate round-robin."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidValue
from domain.lead import Lead


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    """Match criteria (empty = match anything) and exactly one target: `rep_id` or `team_id`.

    Regions and industries match the lead's value exactly, ignoring case, width and surrounding
    spaces ("华东" matches "华东", not "华东南"). Budget bounds are inclusive and compare the amount
    only; a rule with a budget bound never matches a lead without a budget.
    """

    rep_id: int | None = None
    team_id: int | None = None
    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    min_budget: Decimal | None = None
    max_budget: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.rep_id is None) == (self.team_id is None):
            raise InvalidValue(
                "分配规则", "必须指定一个销售或一个团队（只能二选一）",
                field_en="assignment rule", reason_en="needs exactly one target: a rep or a team",
            )
        if self.min_budget is not None and self.max_budget is not None and self.min_budget > self.max_budget:
            raise InvalidValue(
                "分配规则", "预算下限大于上限",
                field_en="assignment rule", reason_en="the minimum budget is above the maximum",
            )

    def matches(self, lead: Lead) -> bool:
        if self.regions and _fold(lead.region) not in {_fold(r) for r in self.regions}:
            return False
        if self.industries and _fold(lead.industry) not in {_fold(i) for i in self.industries}:
            return False
        if self.min_budget is None and self.max_budget is None:
            return True
        if lead.budget is None:
            return False
        amount = lead.budget.amount
        if self.min_budget is not None and amount < self.min_budget:
            return False
        return self.max_budget is None or amount <= self.max_budget


@dataclass(frozen=True, slots=True)
class Assignment:
    """Outcome of `assign_lead`.

    `rule_index` is the index of the matching rule (None: fallback or nothing). `cursor` is the new
    round-robin position to store for `team_id` (None when no rotation happened).
    """

    owner_id: int | None
    team_id: int | None
    rule_index: int | None = None
    cursor: int | None = None

    def apply_to(self, lead: Lead) -> None:
        lead.assign(self.owner_id, self.team_id)


def assign_lead(
    lead: Lead,
    rules: Sequence[AssignmentRule],
    team_members: Mapping[int, Sequence[int]],
    cursors: Mapping[int, int],
    *,
    default_team_id: int | None = None,
    default_rep_id: int | None = None,
) -> Assignment:
    """Pick an owner and team for `lead`.

    `team_members` maps a team id to the ids of its ACTIVE members, in rotation order. `cursors` maps a
    team id to the index of the member whose turn is next (missing = 0; taken modulo the team size).
    When no rule matches: a rotation inside `default_team_id` if it has active members; else
    `default_rep_id` (team: `default_team_id`, else the rep's team); else `default_team_id` without an
    owner; else nobody.
    """
    for index, rule in enumerate(rules):
        if not rule.matches(lead):
            continue
        if rule.rep_id is not None:
            return Assignment(rule.rep_id, _team_of(rule.rep_id, team_members), index)
        if rule.team_id is not None:
            return _rotate(rule.team_id, team_members, cursors, index)
    if default_team_id is not None and team_members.get(default_team_id):
        return _rotate(default_team_id, team_members, cursors, None)
    if default_rep_id is not None:
        team_id = default_team_id if default_team_id is not None else _team_of(default_rep_id, team_members)
        return Assignment(default_rep_id, team_id)
    return Assignment(None, default_team_id)


def _rotate(
    team_id: int,
    team_members: Mapping[int, Sequence[int]],
    cursors: Mapping[int, int],
    index: int | None,
) -> Assignment:
    members = team_members.get(team_id, ())
    if not members:
        return Assignment(None, team_id, index)
    position = cursors.get(team_id, 0) % len(members)
    return Assignment(members[position], team_id, index, (position + 1) % len(members))


def _team_of(rep_id: int, team_members: Mapping[int, Sequence[int]]) -> int | None:
    return next((team for team, members in team_members.items() if rep_id in members), None)
