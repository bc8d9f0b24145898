"""Whose numbers the dashboard shows, and which choices its team picker offers (domain.permissions).

- admin: the whole company (default) or any one team;
- manager: each team they manage (their own and those naming them manager); with more than one, also
  all of them together (the default);
- rep: only their own numbers (their deals), with their place on their team's leaderboard; no picker.
  A rep opening the dashboard expects their own pipeline, so they get it rather than a refusal.
A `team` value outside one's choices (another team, an unknown id, anything for a rep) is answered as
not found, exactly like a team that does not exist (no name, no id echoed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.web.base import not_found
from domain.analytics import Scope
from domain.people import Rep, Role, Team
from domain.permissions import managed_team_ids

ALL = "all"


@dataclass(frozen=True, slots=True)
class TeamChoice:
    value: str  # "all" or a team id
    label_zh: str
    label_en: str

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_zh


@dataclass(frozen=True, slots=True)
class DashScope:
    """The resolved scope: `kind` company | teams | team | rep; `team_ids` for targets and ranks."""

    scope: Scope
    kind: str
    selected: str
    choices: tuple[TeamChoice, ...]
    team_ids: tuple[int, ...] = ()
    rep_id: int | None = None

    def label(self, locale: str) -> str:
        return self.scope.label_en if locale == "en" else self.scope.label


def choices_for(rep: Rep, teams: Sequence[Team]) -> tuple[TeamChoice, ...]:
    """The team picker's options for `rep`, the default first; empty for a rep."""
    if not rep.active:
        return ()
    if rep.role is Role.ADMIN:
        shown = [t for t in teams if t.id is not None]
        return (TeamChoice(ALL, "全公司", "Whole company"), *(TeamChoice(str(t.id), t.name, t.name) for t in shown))
    managed = managed_team_ids(rep, teams)
    shown = sorted((t for t in teams if t.id in managed), key=lambda t: t.id or 0)
    own = tuple(TeamChoice(str(t.id), t.name, t.name) for t in shown)
    return (TeamChoice(ALL, "我管理的全部团队", "All my teams"), *own) if len(own) > 1 else own


def resolve(rep: Rep, teams: Sequence[Team], asked: str) -> DashScope:
    """The scope for `asked` (the `team` query value, "" = the default); not_found() outside one's choices."""
    assert rep.id is not None
    choices = choices_for(rep, teams)
    if not choices:
        if asked:
            raise not_found()
        return DashScope(Scope(rep_ids=frozenset({rep.id}), label=rep.name, label_en=rep.name), "rep", "", (),
                         (rep.team_id,) if rep.team_id is not None else (), rep.id)
    picked = next((c for c in choices if c.value == (asked or choices[0].value)), None)
    if picked is None:
        raise not_found()
    if picked.value != ALL:
        team_id = int(picked.value)
        scope = Scope(team_ids=frozenset({team_id}), label=picked.label_zh, label_en=picked.label_en)
        return DashScope(scope, "team", picked.value, choices, (team_id,))
    if rep.role is Role.ADMIN:
        ids = tuple(sorted(t.id for t in teams if t.id is not None))
        return DashScope(Scope(label="全公司", label_en="Whole company"), "company", ALL, choices, ids)
    ids = tuple(int(c.value) for c in choices if c.value != ALL)
    names_zh = "、".join(c.label_zh for c in choices if c.value != ALL)
    names_en = ", ".join(c.label_en for c in choices if c.value != ALL)
    return DashScope(Scope(team_ids=frozenset(ids), label=names_zh, label_en=names_en), "teams", ALL, choices, ids)
