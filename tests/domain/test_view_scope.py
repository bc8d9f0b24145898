"""The list filter (permissions.view_scope) admits exactly the deals can_view allows; urgency order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

from domain.listing import ViewScope, urgency_sort_key
from domain.opportunity import Opportunity
from domain.people import Rep, Role, Team
from domain.permissions import can_view, view_scope

TEAMS = (Team("华东", id=1, manager_id=20), Team("华南", id=2), Team("西北", id=3, manager_id=21))
REPS = (
    Rep("管理员", role=Role.ADMIN, id=1),
    Rep("经理甲", role=Role.MANAGER, team_id=1, id=20),
    Rep("经理乙", role=Role.MANAGER, team_id=2, id=21),  # manages 华南 (own team) and 西北 (manager_id)
    Rep("经理丙", role=Role.MANAGER, id=22),  # manages nothing
    Rep("张", team_id=1, id=30), Rep("李", team_id=1, id=31), Rep("王", team_id=2, id=32),
    Rep("赵", team_id=3, id=33), Rep("钱", id=34),
    Rep("停用", team_id=1, id=35, active=False), Rep("停用管理员", role=Role.ADMIN, id=2, active=False),
)
TEAM_OF = {r.id: r.team_id for r in REPS if r.id is not None}


def _deals() -> list[Opportunity]:
    owners = (None, 20, 30, 31, 32, 33, 34, 35)
    teams = (None, 1, 2, 3)
    shares = ((), (30,), (32, 33), (35,), (21,))
    return [Opportunity(1, f"{n}", owner_id=o, team_id=t, shared_with=list(s), id=n)
            for n, (o, t, s) in enumerate(product(owners, teams, shares), start=1)]


def test_the_list_filter_admits_exactly_the_deals_each_person_may_view() -> None:
    deals = _deals()
    for rep in REPS:
        scope = view_scope(rep, REPS, TEAMS)
        admitted = {d.id for d in deals if scope.admits(d)}
        viewable = {d.id for d in deals if can_view(rep, d, TEAM_OF, TEAMS)}
        assert admitted == viewable, rep.name


def test_scopes_name_owners_teams_and_sharee_per_role() -> None:
    by_id = {r.id: r for r in REPS}
    assert view_scope(by_id[1], REPS, TEAMS) == ViewScope(everything=True)
    assert view_scope(by_id[30], REPS, TEAMS) == ViewScope(owner_ids=frozenset({30}), sharee_id=30)
    assert view_scope(by_id[21], REPS, TEAMS) == ViewScope(
        owner_ids=frozenset({21, 32, 33}), team_ids=frozenset({2, 3}), sharee_id=21)
    assert view_scope(by_id[35], REPS, TEAMS).empty and view_scope(by_id[2], REPS, TEAMS).empty


def test_urgency_puts_overdue_next_steps_first_then_later_ones_then_deals_without() -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    later = Opportunity(1, "later", next_at=now + timedelta(days=3), created_at=now, id=1)
    overdue = Opportunity(1, "overdue", next_at=now - timedelta(days=2), created_at=now, id=2)
    soon = Opportunity(1, "soon", next_at=now + timedelta(hours=1), created_at=now, id=3)
    old = Opportunity(1, "old, no next step", created_at=now - timedelta(days=30), id=4)
    new = Opportunity(1, "new, no next step", created_at=now, id=5)
    bare = Opportunity(1, "no dates", id=6)
    tie = Opportunity(1, "same time as soon", next_at=soon.next_at, id=7)
    ordered = sorted([bare, new, tie, old, later, soon, overdue], key=urgency_sort_key)
    assert [d.name for d in ordered] == ["overdue", "soon", "same time as soon", "later", "old, no next step",
                                         "new, no next step", "no dates"]
