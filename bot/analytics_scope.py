"""Whose numbers a question or command answers: from the words naming a team, region or rep, limited to
what the asker may see (domain.permissions: a rep sees their own numbers, a manager their teams and the
reps in them, an admin everything). Asking for anyone else answers "not yours", without numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context import Context
from domain.analytics import Scope
from domain.errors import DomainError
from domain.people import Rep, Role, Team
from domain.permissions import managed_team_ids

_SUFFIX = re.compile(r"(?:团队|部门|销售部|区域|大区|地区|区|组|team|region|area|sales)$", re.IGNORECASE)


class NotYours(DomainError):
    zh = "「{name}」不在你的查看范围内，不能给出数字。你可以问自己{own}的数字。"
    en = "Not yours: you may not see the numbers of '{name}'. You may ask about {own_en}."


class UnknownSubject(DomainError):
    zh = "不认识「{name}」：它不是团队、区域或同事的名字。请写团队名（如 {example}）或同事的名字。"
    en = "'{name}' is not a team, region or colleague. Write a team name (e.g. {example}) or a colleague's name."


@dataclass(frozen=True, slots=True)
class Asked:
    """A resolved scope: the filter, and what it is (all, teams, rep) for targets and labels."""

    scope: Scope
    kind: str  # all, teams, rep
    team_ids: tuple[int, ...] = ()
    rep_id: int | None = None


def own_scope(ctx: Context) -> Asked:
    """Everything the asker may see: admin the company, a manager their teams, a rep themselves."""
    rep = ctx.rep
    if not rep.active or rep.id is None:
        return Asked(Scope(frozenset(), frozenset(), "无", "nobody"), "teams")
    if rep.role is Role.ADMIN:
        return Asked(Scope(label="全公司", label_en="whole company"), "all")
    managed = managed_team_ids(rep, ctx.directory.teams)
    if managed:
        teams = _teams(ctx, managed)
        members = {r.id for r in ctx.directory.reps if r.id is not None and r.team_id in managed} | {rep.id}
        names = "、".join(t.name for t in teams)
        return Asked(Scope(frozenset(managed), frozenset(members), names, ", ".join(t.name for t in teams)),
                     "teams", tuple(sorted(managed)))
    return _rep_scope(rep)


def rank_scope(ctx: Context) -> Asked:
    """Whom a place on the leaderboard counts among: what the asker may see, and for a rep, their team (a
    rank among oneself says nothing). The answer shows the place, the number ranked and the asked rep's own
    numbers only, never a colleague's."""
    asked = own_scope(ctx)
    team = next((t for t in ctx.directory.teams if t.id == ctx.rep.team_id), None)
    if asked.kind != "rep" or team is None or team.id is None:
        return asked
    return Asked(Scope(team_ids=frozenset({team.id}), label=team.name, label_en=team.name), "teams", (team.id,))


def resolve_scope(ctx: Context, subject: str) -> Asked:
    """The scope `subject` names ("" = the asker's own), or NotYours / UnknownSubject."""
    name = subject.strip()
    if not name:
        return own_scope(ctx)
    if (rep := _rep_named(ctx, name)) is not None:
        if not may_see_rep(ctx, rep):
            raise _not_yours(ctx, name)
        return _rep_scope(rep)
    teams = _teams_named(ctx, name)
    if not teams:
        example = next((t.name for t in ctx.directory.teams), "华东一组")
        raise UnknownSubject(name=name, example=example)
    allowed = visible_team_ids(ctx)
    shown = [t for t in teams if allowed is None or t.id in allowed]
    if not shown:
        raise _not_yours(ctx, name)
    ids = frozenset(t.id for t in shown if t.id is not None)
    return Asked(Scope(team_ids=ids, label="、".join(t.name for t in shown), label_en=", ".join(t.name for t in shown)),
                 "teams", tuple(sorted(ids)))


def visible_team_ids(ctx: Context) -> frozenset[int] | None:
    """Teams whose numbers the asker may see; None = all (admin)."""
    if ctx.rep.role is Role.ADMIN and ctx.rep.active:
        return None
    return managed_team_ids(ctx.rep, ctx.directory.teams) if ctx.rep.active else frozenset()


def may_see_rep(ctx: Context, rep: Rep) -> bool:
    if not ctx.rep.active:
        return False
    if ctx.rep.id == rep.id:
        return True
    allowed = visible_team_ids(ctx)
    return allowed is None or (rep.team_id is not None and rep.team_id in allowed)


def _rep_scope(rep: Rep) -> Asked:
    assert rep.id is not None
    return Asked(Scope(rep_ids=frozenset({rep.id}), label=rep.name, label_en=rep.name), "rep", rep_id=rep.id)


def _rep_named(ctx: Context, name: str) -> Rep | None:
    folded = name.casefold()
    return next((r for r in ctx.directory.reps if r.name.casefold() == folded and r.id is not None), None)


def _teams_named(ctx: Context, name: str) -> list[Team]:
    """A team by its exact name; else the teams of a region; else teams whose name holds the words."""
    folded = name.casefold()
    teams = list(ctx.directory.teams)
    exact = [t for t in teams if t.name.casefold() == folded]
    if exact:
        return exact
    core = _SUFFIX.sub("", folded).strip() or folded
    region = [t for t in teams if t.region and t.region.casefold() in (folded, core)]
    return region or [t for t in teams if core and core in t.name.casefold()]


def _teams(ctx: Context, ids: frozenset[int]) -> list[Team]:
    return sorted((t for t in ctx.directory.teams if t.id in ids), key=lambda t: t.id or 0)


def _not_yours(ctx: Context, name: str) -> NotYours:
    own = own_scope(ctx)
    return NotYours(name=name, own=f"（{own.scope.label}）", own_en=f"your own ({own.scope.label_en})")
