"""Who may see and change which deals.

- admin: everything.
- manager: own deals, deals shared with them, and deals whose team, owner or a person it is shared
  with belongs to a team they manage (Team.manager_id == their id, or their own team).
- rep: own deals and deals shared with them (sharing grants view and edit).
Inactive people may do nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.errors import PermissionDenied
from domain.opportunity import Opportunity
from domain.people import Rep, Role, Team


class ViewDenied(PermissionDenied):
    zh = "你没有权限查看{what}"
    en = "You are not allowed to see {what_en}"


def managed_team_ids(rep: Rep, teams: Iterable[Team] = ()) -> frozenset[int]:
    """Teams a manager answers for: those naming them as manager, plus their own team."""
    if rep.role is not Role.MANAGER:
        return frozenset()
    ids = {t.id for t in teams if t.id is not None and rep.id is not None and t.manager_id == rep.id}
    if rep.team_id is not None:
        ids.add(rep.team_id)
    return frozenset(ids)


def _people_on(opp: Opportunity) -> set[int]:
    people = set(opp.shared_with)
    if opp.owner_id is not None:
        people.add(opp.owner_id)
    return people


def can_view(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None],
             teams: Iterable[Team] = ()) -> bool:
    """`team_of` maps a rep id to their team id; `teams` is needed to find teams managed by manager_id."""
    if not rep.active:
        return False
    if rep.role is Role.ADMIN:
        return True
    people = _people_on(opp)
    if rep.id is not None and rep.id in people:
        return True
    managed = managed_team_ids(rep, teams)
    if not managed:
        return False
    if opp.team_id in managed:
        return True
    return any(team_of.get(person) in managed for person in people)


def can_edit(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None],
             teams: Iterable[Team] = ()) -> bool:
    """Same circle as `can_view` today: whoever may see a deal may also work on it."""
    return can_view(rep, opp, team_of, teams)


def require_edit(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None],
                 teams: Iterable[Team] = ()) -> None:
    """Raise PermissionDenied unless `rep` may change `opp`."""
    if not can_edit(rep, opp, team_of, teams):
        raise PermissionDenied(what=f"商机 #{opp.id}", what_en=f"deal #{opp.id}")


def require_view(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None],
                 teams: Iterable[Team] = ()) -> None:
    """Raise ViewDenied (a PermissionDenied) unless `rep` may see `opp`."""
    if not can_view(rep, opp, team_of, teams):
        raise ViewDenied(what=f"商机 #{opp.id}", what_en=f"deal #{opp.id}")


def visible_owner_ids(rep: Rep, reps: Iterable[Rep], teams: Iterable[Team] = ()) -> set[int] | None:
    """Owner ids whose deals `rep` may list (None = everyone's). Pass the result to
    OpportunityRepository.list(owner_ids=...), which also includes deals shared with those people."""
    if rep.role is Role.ADMIN and rep.active:
        return None
    own = {rep.id} if rep.id is not None and rep.active else set()
    managed = managed_team_ids(rep, teams) if rep.active else frozenset()
    return own | {r.id for r in reps if r.id is not None and r.team_id in managed}
