"""A delivery project's status (issue #15): 未开始 (todo) → 进行中 (doing) when its first task starts; → 已完成
(done) when every milestone is accepted, or by hand (`项目 P3 关闭`, refused while milestones wait for acceptance
unless `强制` / `force`); → 已取消 (cancelled) by `项目 P3 取消 原因`. Done and cancelled projects leave the lists,
the risk warnings and the weekly summary. Each change is audited (撤销 restores it) and written to the timeline;
completion is public ("项目已完成" / "Project completed") and tells the deal's owner and the project's manager
in their language."""

from __future__ import annotations

from bot.context import Context
from bot.delivery import events
from bot.delivery.access import Access
from bot.i18n import Text
from domain.delivery import Milestone, Project, WorkStatus
from domain.delivery_rules import all_accepted, project_closed, unaccepted
from domain.errors import DomainError, PermissionDenied
from domain.permissions import Right


class MilestonesWaiting(DomainError):
    zh = ("项目 P{ref} 还有 {count} 个里程碑未验收：{names}。先验收（里程碑 {first} 验收）；确认不再验收就关闭，"
          "请写：项目 P{ref} 关闭 强制")
    en = ("Project P{ref} still has {count} milestone(s) not accepted: {names_en}. Accept them first (milestone "
          "{first} accept); to close it without them write: project P{ref} close force")


class CancelDone(DomainError):
    zh = "项目 P{ref} 已完成，不能再取消。"
    en = "Project P{ref} is completed; it cannot be cancelled."


def _names(stones: list[Milestone], sep: str = "、") -> str:
    return sep.join(f"M{m.id} {m.name}" for m in stones)


async def _set_status(ctx: Context, project: Project, status: WorkStatus) -> None:
    ctx.remember("project", project)
    before, project.status = project.status.value, status
    await ctx.update("project", project, status=[before, status.value])


async def started(ctx: Context, access: Access) -> None:
    """A task of the project started: a project not yet under way is now (进行中)."""
    project = access.project
    if project.status is WorkStatus.TODO:
        await _set_status(ctx, project, WorkStatus.DOING)
        await events.record(ctx, project.id, "project", "项目进入实施", "Project under way", public=True)


async def reopened(ctx: Context, access: Access) -> str:
    """A milestone added to a completed project: it is in progress again (the reply's line; "" otherwise)."""
    project = access.project
    if project.status is not WorkStatus.DONE:
        return ""
    await _set_status(ctx, project, WorkStatus.DOING)
    await events.record(ctx, project.id, "project", "新增里程碑，项目重新进入实施",
                        "New milestone: project under way again", public=True)
    return ctx.t(f"项目 P{project.id} 因新增里程碑重新进入实施",
                 f"Project P{project.id} is in progress again (new milestone)")


async def _tell(ctx: Context, access: Access, zh: str, en: str) -> bool:
    """Tell the deal's owner and the project's manager (not the one who did it); whether anyone was told."""
    people = dict.fromkeys(p for p in (access.deal.owner_id, access.project.manager_id) if p is not None)
    told = [p for p in people if p != ctx.rep.id]
    for rep_id in told:
        await ctx.notify(rep_id, Text(zh, en))
    return bool(told)


async def _complete(ctx: Context, access: Access, why: tuple[str, str]) -> str:
    project = access.project
    await _set_status(ctx, project, WorkStatus.DONE)
    await events.record(ctx, project.id, "project", "项目已完成", "Project completed", public=True)
    what = f"P{project.id} {project.name}"
    told = await _tell(ctx, access, f"交付项目 {what} 已完成（{why[0]}，{ctx.rep.name}）。",
                       f"Delivery project {what} is completed ({why[1]}, {ctx.rep.name}).")
    tell = _told(ctx) if told else ""
    return ctx.t(f"项目 {what} 已完成（{why[0]}）{tell}", f"Project {what} is completed ({why[1]}){tell}")


async def completed_by_acceptance(ctx: Context, access: Access) -> list[str]:
    """After a milestone's acceptance: the project is done when every milestone is accepted."""
    project = access.project
    if project_closed(project) or project.id is None:
        return []
    if not all_accepted(list(await ctx.uow.project_milestones.for_project(project.id))):
        return []
    return [await _complete(ctx, access, ("全部里程碑已验收", "every milestone accepted"))]


def _told(ctx: Context) -> str:
    return ctx.t("，已通知商机负责人和项目负责人", "; the deal's owner and the project manager were told")


def _already(ctx: Context, project: Project) -> str:
    state = project.status.label(ctx.locale)
    return ctx.t(f"项目 P{project.id} 已是「{state}」，没有更改。", f"Project P{project.id} is already {state}; "
                 "nothing changed.")


async def close(ctx: Context, access: Access, force: bool) -> list[str]:
    """`项目 P3 关闭 [强制]`: done by hand; refused while milestones wait for acceptance unless forced."""
    project = access.project
    assert project.id is not None
    if project_closed(project):
        return [_already(ctx, project)]
    waiting = unaccepted(list(await ctx.uow.project_milestones.for_project(project.id)))
    if waiting and not force:
        raise MilestonesWaiting(ref=project.id, count=len(waiting), names=_names(waiting),
                                names_en=_names(waiting, ", "), first=f"M{waiting[0].id}")
    lines = [await _complete(ctx, access, ("手动关闭", "closed by hand"))]
    if waiting:
        lines.append(ctx.t(f"未验收就关闭的里程碑：{_names(waiting)}（它们关联的回款不会因此到期）",
                           f"Closed without acceptance: {_names(waiting, ', ')} (their payments do not fall due)"))
    return lines


async def cancel(ctx: Context, access: Access, reason: str) -> str:
    """`项目 P3 取消 原因`: called off (the deal's controllers or the project's manager)."""
    project = access.project
    assert project.id is not None
    if access.right < Right.CONTROL and ctx.rep.id != project.manager_id:
        raise PermissionDenied(f"项目 P{project.id}", f"project P{project.id}")
    if project.status is WorkStatus.CANCELLED:
        return _already(ctx, project)
    if project.status is WorkStatus.DONE:
        raise CancelDone(ref=project.id)
    await _set_status(ctx, project, WorkStatus.CANCELLED)
    await events.record(ctx, project.id, "project", f"项目已取消：{reason}", f"Project cancelled: {reason}")
    what = f"P{project.id} {project.name}"
    told = await _tell(ctx, access, f"交付项目 {what} 已被 {ctx.rep.name} 取消：{reason}",
                       f"Delivery project {what} was cancelled by {ctx.rep.name}: {reason}")
    tell = _told(ctx) if told else ""
    return ctx.t(f"已取消项目 {what}（{reason}）{tell}。它不再出现在项目列表、风险提醒和周报里。",
                 f"Project {what} cancelled ({reason}){tell}. It leaves the project list, risk warnings and the "
                 "weekly summary.")
