"""Who may see and change which deals: one rule set for every command, free-text route and mail path.

Circles around a deal (the widest one a person is in wins):
- admin: control.
- owner: control.
- manager of the owner's team (Team.manager_id == them, or their own team), or of the deal's team: control.
- sharee (the deal is shared with them): work.
- anyone else (a colleague of the same team, a manager of another team): nothing; the deal does not exist
  for them.
Inactive people may do nothing.

Rights, each including the ones before it:
- VIEW: see the deal card, its quotes, money and follow-ups; find it in lists and customer lookups.
- WORK: follow up, quote, record a contract, payment plan, payment or invoice, mail the contact,
  move between open stages (初步接触 ↔ 方案 ↔ 谈判).
- CONTROL: hand over, share, unshare, mark won or lost (closing a deal), delete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum

from domain.approvals import ApprovalRequest
from domain.delivery import Project, Task
from domain.errors import DomainError, NotFound, PermissionDenied
from domain.listing import ViewScope
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Role, Team


class Right(IntEnum):
    VIEW = 1
    WORK = 2
    CONTROL = 3


class ControlDenied(PermissionDenied):
    zh = "只有负责人、负责人所在团队的经理或管理员可以{action}商机 #{ref}；你可以跟进、报价和登记回款。"
    en = ("Only the owner, a manager of the owner's team or an admin may {action_en} deal #{ref}; "
          "you may follow up, quote and record money.")

    def __init__(self, action: str, action_en: str, ref: int | None) -> None:
        DomainError.__init__(self, action=action, action_en=action_en, ref=ref)


ACTIONS = {"handover": ("转交", "hand over"), "share": ("共享", "share"), "unshare": ("取消共享", "unshare"),
           "won": ("标记赢单", "mark won"), "lost": ("标记输单", "mark lost"), "delete": ("删除", "delete"),
           "stage": ("改变阶段", "change the stage of")}


def managed_team_ids(rep: Rep, teams: Iterable[Team] = ()) -> frozenset[int]:
    """Teams a manager answers for: those naming them as manager, plus their own team."""
    if rep.role is not Role.MANAGER:
        return frozenset()
    ids = {t.id for t in teams if t.id is not None and rep.id is not None and t.manager_id == rep.id}
    if rep.team_id is not None:
        ids.add(rep.team_id)
    return frozenset(ids)


def pool_team_ids(rep: Rep, teams: Iterable[Team] = ()) -> frozenset[int] | None:
    """The lead pool (公海): the team pools one may see and claim from, beside the company's pool, which
    everyone active sees. Admin: every pool (None); a manager: the teams they manage; a rep: their team's."""
    if rep.role is Role.ADMIN:
        return None
    if rep.role is Role.MANAGER:
        return managed_team_ids(rep, teams)
    return frozenset({rep.team_id}) if rep.team_id is not None else frozenset()


def may_protect(rep: Rep, team_id: int | None, teams: Iterable[Team] = ()) -> bool:
    """Marking a customer protected (never reclaimed): an admin, or a manager of the team it belongs to
    (its owner's team, or the pool it is in)."""
    if not rep.active:
        return False
    return rep.role is Role.ADMIN or (team_id is not None and team_id in managed_team_ids(rep, teams))


def may_claim_protected(rep: Rep, pool_team_id: int | None, teams: Iterable[Team] = ()) -> bool:
    """Claiming a protected customer from the pool (reps may not): an admin, or a manager of the pool's team."""
    return may_protect(rep, pool_team_id, teams)


def right_on(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None],
             teams: Iterable[Team] = ()) -> Right | None:
    """The widest right `rep` has on `opp`, None if they may not even see it.
    `team_of` maps a rep id to their team id; `teams` is needed to find teams managed by manager_id."""
    if not rep.active or rep.id is None:
        return None
    if rep.role is Role.ADMIN or rep.id == opp.owner_id:
        return Right.CONTROL
    managed = managed_team_ids(rep, teams)
    if managed and (opp.team_id in managed
                    or (opp.owner_id is not None and team_of.get(opp.owner_id) in managed)):
        return Right.CONTROL
    if rep.id in opp.shared_with:
        return Right.WORK
    return None


def can_view(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None], teams: Iterable[Team] = ()) -> bool:
    return right_on(rep, opp, team_of, teams) is not None


def can_work(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None], teams: Iterable[Team] = ()) -> bool:
    """Follow up, quote, record money, move between open stages."""
    return (right_on(rep, opp, team_of, teams) or 0) >= Right.WORK


def can_control(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None],
                teams: Iterable[Team] = ()) -> bool:
    """Hand over, share, unshare, win, lose, delete."""
    return (right_on(rep, opp, team_of, teams) or 0) >= Right.CONTROL


can_edit = can_work  # the former name


def can_add_note(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None], teams: Iterable[Team] = ()) -> bool:
    """A follow-up note on a deal: whoever may work on it, and any active colleague on an OPEN deal (the
    capture dedupe offer "add my note to #62"). A note only adds to the deal's history: it changes no
    amount, stage, next step, owner or sharing, and gives no right to see the deal; the owner is notified."""
    if can_work(rep, opp, team_of, teams):
        return True
    return rep.active and rep.id is not None and not opp.stage.is_closed


def stage_right(source: Stage, target: Stage) -> Right:
    """Moving between open stages is work; closing (won/lost) or touching a closed deal is control."""
    return Right.CONTROL if source.is_closed or target.is_closed else Right.WORK


def require(rep: Rep, opp: Opportunity, needed: Right, team_of: Mapping[int, int | None],
            teams: Iterable[Team] = (), action: str = "") -> None:
    """NotFound if `rep` may not see `opp` (exactly as if it did not exist); PermissionDenied if they may
    see it but not do what `needed` asks."""
    held = right_on(rep, opp, team_of, teams)
    if held is None:
        raise NotFound("商机", f"#{opp.id}", "deal")
    if held >= needed:
        return
    if needed is Right.CONTROL:
        zh, en = ACTIONS.get(action, ("操作", "control"))
        raise ControlDenied(action=zh, action_en=en, ref=opp.id)
    raise PermissionDenied(what=f"商机 #{opp.id}", what_en=f"deal #{opp.id}")


def require_work(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None], teams: Iterable[Team] = ()) -> None:
    require(rep, opp, Right.WORK, team_of, teams)


def require_control(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None], teams: Iterable[Team] = (),
                    action: str = "") -> None:
    require(rep, opp, Right.CONTROL, team_of, teams, action)


require_edit = require_work  # the former name


def require_view(rep: Rep, opp: Opportunity, team_of: Mapping[int, int | None], teams: Iterable[Team] = ()) -> None:
    require(rep, opp, Right.VIEW, team_of, teams)


def visible_owner_ids(rep: Rep, reps: Iterable[Rep], teams: Iterable[Team] = ()) -> set[int] | None:
    """A superset filter for listing (None = everyone's): pass it to OpportunityRepository.list(owner_ids=...),
    then keep only the deals `can_view` allows (the repository also returns deals shared with those people)."""
    if rep.role is Role.ADMIN and rep.active:
        return None
    own = {rep.id} if rep.id is not None and rep.active else set()
    managed = managed_team_ids(rep, teams) if rep.active else frozenset()
    return own | {r.id for r in reps if r.id is not None and r.team_id in managed}


def view_scope(rep: Rep, reps: Iterable[Rep], teams: Iterable[Team] = ()) -> ViewScope:
    """The deals `rep` may view, as a filter for lists: the circles of `right_on` (admin: everything;
    owner; manager of the owner's team or of the deal's team; sharee). Kept equal to `can_view` by
    tests/domain/test_view_scope.py."""
    if not rep.active or rep.id is None:
        return ViewScope()
    if rep.role is Role.ADMIN:
        return ViewScope(everything=True)
    managed = managed_team_ids(rep, teams)
    members = {r.id for r in reps if r.id is not None and r.team_id is not None and r.team_id in managed}
    return ViewScope(owner_ids=frozenset({rep.id, *members}), team_ids=managed, sharee_id=rep.id)


def split_visible(rep: Rep, deals: Iterable[Opportunity], team_of: Mapping[int, int | None],
                  teams: Iterable[Team] = ()) -> tuple[list[Opportunity], int]:
    """(the deals `rep` may see, how many others there are) — for customer lookups."""
    seen: list[Opportunity] = []
    hidden = 0
    for opp in deals:
        if can_view(rep, opp, team_of, teams):
            seen.append(opp)
        else:
            hidden += 1
    return seen, hidden


def handover_refusal(asker: Rep, leaver: Rep, successor: Rep, teams: Iterable[Team] = ()) -> tuple[str, str] | None:
    """Why `asker` may not hand `leaver`'s whole book to `successor` (zh, en); None when they may.
    An admin may, between any two people; a manager, only when both are in teams they manage."""
    if not asker.active or asker.role is Role.REP:
        return ("只有管理员或团队经理可以做离职交接", "Only an admin or a team manager may hand over a person's book")
    if asker.id is not None and asker.id == leaver.id:
        return ("不能交接自己的客户，请由你的经理或管理员操作",
                "You cannot hand over your own book; ask your manager or an admin")
    if asker.role is Role.ADMIN:
        return None
    managed = managed_team_ids(asker, teams)
    if leaver.team_id not in managed:
        return (f"{leaver.name} 不在你管理的团队，交接需要管理员操作",
                f"{leaver.name} is not in a team you manage; an admin must do this handover")
    if successor.team_id not in managed:
        return (f"{successor.name} 在其他团队，跨团队交接需要管理员操作",
                f"{successor.name} is in another team; a handover across teams needs an admin")
    return None


def can_place_customer(rep: Rep, owner_id: int | None, team_of: Mapping[int, int | None],
                       teams: Iterable[Team] = (), works_a_deal: bool = False) -> bool:
    """Set a customer's address and coordinates (visit check-in, issue #14): an admin, its owner, a manager
    of the owner's team, whoever may work on an open deal with it; any active person when it has no owner."""
    if not rep.active or rep.id is None:
        return False
    if rep.role is Role.ADMIN or owner_id is None or rep.id == owner_id or works_a_deal:
        return True
    return team_of.get(owner_id) in managed_team_ids(rep, teams)


# Approvals (domain.approvals): the approver or an admin decides; the requester sees their own request;
# to anyone else a request answers like one that does not exist.
class NotYourApproval(PermissionDenied):
    zh = "{ref} 等待 {approver} 审批，只有 {approver} 或管理员可以决定。"
    en = "{ref} is waiting for {approver} to decide; only {approver} or an admin can decide it."

    def __init__(self, ref: str, approver: str) -> None:
        DomainError.__init__(self, ref=ref, approver=approver)


def approval_right(rep: Rep, request: ApprovalRequest) -> Right | None:
    """CONTROL: may decide (the approver, any admin); VIEW: the requester; None: may not see it."""
    if not rep.active or rep.id is None:
        return None
    if rep.role is Role.ADMIN or rep.id == request.approver_id:
        return Right.CONTROL
    return Right.VIEW if rep.id == request.requester_id else None


def require_decide(rep: Rep, request: ApprovalRequest, approver_name: str) -> None:
    """NotFound for someone who may not see the request; NotYourApproval for the requester."""
    right = approval_right(rep, request)
    if right is None:
        raise NotFound("审批", request.ref, "approval")
    if right < Right.CONTROL:
        raise NotYourApproval(ref=request.ref, approver=approver_name)


# Delivery projects (issue #15): the deal's circles, plus the project's manager (work) and the people with a
# task in it (view; each may update their own task's progress and blocker). To anyone else a project answers
# like one that does not exist.
def project_right(rep: Rep, opp: Opportunity, project: Project, team_of: Mapping[int, int | None],
                  teams: Iterable[Team] = (), assigned: bool = False) -> Right | None:
    """The widest right `rep` has on the delivery project of `opp`; `assigned`: they hold a task in it."""
    held = right_on(rep, opp, team_of, teams)
    if not rep.active or rep.id is None:
        return None
    if rep.id == project.manager_id:
        return max(held or Right.WORK, Right.WORK)
    if held is None and assigned:
        return Right.VIEW
    return held


def may_update_task(rep: Rep, held: Right | None, task: Task) -> bool:
    """Progress, done, blocker of a task: whoever may work on the project, or the task's own assignee."""
    if held is not None and held >= Right.WORK:
        return True
    return held is not None and rep.id is not None and task.assignee_id == rep.id
