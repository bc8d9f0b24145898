"""Task lists for the people who run delivery (issue #15): `任务 P3 [第2页]` lists a project's open tasks and
subtasks; `团队任务 [第2页]` / `team tasks` the open tasks held by the members of the teams a manager manages
(an admin: everyone's), in the projects they may see. Overdue first, then by due date; 10 a page. Each line:
task, assignee, due date (逾期 / overdue), progress, blocker."""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery.access import lists, open_project
from bot.delivery.cards import task_line
from bot.delivery.words import page_of
from bot.handlers.common import view_scope
from bot.registry import command
from bot.reply import Reply
from domain.delivery import Task
from domain.errors import DomainError
from domain.people import Role
from domain.permissions import managed_team_ids

PAGE = 10


class NotAManager(DomainError):
    zh = "团队任务只给团队经理和管理员看。你自己的任务请写：我的任务"
    en = "Team tasks are for team managers and admins. For your own tasks write: my tasks"


def _line(ctx: Context, task: Task, with_project: bool) -> str:
    under = ctx.t(f"（T{task.parent_id} 的子任务）", f" (subtask of T{task.parent_id})") if task.parent_id else ""
    return (f"P{task.project_id} · " if with_project else "") + task_line(ctx, task) + under


def _pages(ctx: Context, number: int, total: int, again: tuple[str, str]) -> list[str]:
    pages = (total + PAGE - 1) // PAGE
    if number >= pages:
        return []
    return [ctx.t(f"第 {number}/{pages} 页，下一页：{again[0]} 第{number + 1}页",
                  f"page {number}/{pages}; next: {again[1]} page {number + 1}")]


async def project_tasks(ctx: Context, args: Args, ref: str) -> Reply:
    """`任务 P3 [第2页]`: the project's open tasks (whoever may see the project)."""
    access = await open_project(ctx, ref)
    project = access.project
    assert project.id is not None
    number = page_of(args, (f"任务 P{project.id} 第2页", f"task P{project.id} page 2"))
    found, total = await lists(ctx).project_tasks(project.id, ctx.now.date(), (number - 1) * PAGE, PAGE)
    title = ctx.t(f"P{project.id} {project.name} 的未完成任务（{total}）",
                  f"Open tasks of P{project.id} {project.name} ({total})")
    if not found:
        return Reply.text(ctx.t(f"P{project.id} 没有未完成的任务。新增：任务 P{project.id} 新增 接口开发 负责人 王五",
                                f"P{project.id} has no open tasks. Add one: task P{project.id} add API work")
                          if total == 0 else ctx.t(f"共 {total} 个任务，没有第 {number} 页。",
                                                   f"{total} tasks in all; there is no page {number}."))
    lines = [_line(ctx, t, False) for t in found]
    return Reply.card(title, lines=lines + _pages(ctx, number, total, (f"任务 P{project.id}", f"task P{project.id}")))


def _assignees(ctx: Context) -> list[int] | None:
    """Whose tasks a manager sees (their teams' members); None for an admin (everyone's)."""
    if ctx.rep.role is Role.ADMIN:
        return None
    if ctx.rep.role is not Role.MANAGER:
        raise NotAManager()
    teams = managed_team_ids(ctx.rep, ctx.directory.teams)
    return [r.id for r in ctx.directory.reps if r.id is not None and r.team_id is not None and r.team_id in teams]


@command("团队任务", "team tasks", "teamtasks", section="delivery", writes=False,
         help_zh="我管理的团队成员的未完成任务（逾期的在前；管理员看全部）",
         help_en="Open tasks of the members of the teams I manage, overdue first (an admin sees everyone's)",
         usage_zh="团队任务 [第2页]", usage_en="team tasks [page 2]")
async def team_tasks(ctx: Context, args: Args) -> Reply:
    assignees = _assignees(ctx)
    number = page_of(args, ("团队任务 第2页", "team tasks page 2"))
    found, total = await lists(ctx).team_tasks(view_scope(ctx), ctx.rep_id, assignees, ctx.now.date(),
                                               (number - 1) * PAGE, PAGE)
    if not found:
        return Reply.text(ctx.t("团队没有未完成的任务。", "Your teams have no open tasks.") if total == 0
                          else ctx.t(f"共 {total} 个任务，没有第 {number} 页。",
                                     f"{total} tasks in all; there is no page {number}."))
    lines = [_line(ctx, t, True) for t in found] + _pages(ctx, number, total, ("团队任务", "team tasks"))
    return Reply.card(ctx.t(f"团队任务（{total}）", f"Team tasks ({total})"), lines=lines)
