"""What `任务 T12 …` does to a task (issue #15): progress (100% → done), done, assign (the assignee is told),
block / unblock, a dependency, a due date. Each change is audited (撤销 restores it) and written to the
project's timeline; the caller has checked the right (work, or the assignee's own progress and blocker). The
first task started puts its project under way (bot.delivery.lifecycle). A task marked done while a task it
depends on is unfinished is still marked done — the team reports what happened — and the reply names the
unfinished predecessors."""

from __future__ import annotations

from datetime import date

from bot.context import Context
from bot.delivery import events, lifecycle
from bot.delivery.access import Access
from bot.delivery.cards import person, short_day, zh_day
from bot.i18n import Text
from domain.delivery import Task, WorkStatus
from domain.delivery_rules import task_progress, task_started, unfinished_predecessors
from domain.errors import InvalidValue


async def _save(ctx: Context, task: Task, **changes: object) -> None:
    task.updated_at = ctx.now
    await ctx.update("task", task, **changes)


async def set_progress(ctx: Context, task: Task, access: Access, percent: int) -> str:
    ctx.remember("task", task)
    before = (task.progress, task.status.value)
    task.progress = percent
    if percent >= 100:
        task.status = WorkStatus.DONE
    elif task.status is not WorkStatus.BLOCKED:
        task.status = WorkStatus.DOING if percent > 0 else WorkStatus.TODO
    await _save(ctx, task, progress=[before[0], percent], status=[before[1], task.status.value])
    done = task.status is WorkStatus.DONE
    what = f"T{task.id} {task.title}"
    await events.record(ctx, access.project.id, "task", f"任务 {what} " + ("已完成" if done else f"进度 {percent}%"),
                        f"Task {what} " + ("done" if done else f"at {percent}%"),
                        public=done and task.milestone_id is not None)
    if task_started(task):
        await lifecycle.started(ctx, access)
    said = ctx.t(f"T{task.id} {task.title} 已完成" if done else f"T{task.id} {task.title} 进度更新为 {percent}%",
                 f"T{task.id} {task.title} is done" if done else f"T{task.id} {task.title} is now at {percent}%")
    return said + (await _waiting_on(ctx, task) if done else await _counted_from_subtasks(ctx, task))


async def _counted_from_subtasks(ctx: Context, task: Task) -> str:
    """A task with subtasks counts as their mean (cards, project progress): say so, with that figure."""
    subtasks = [t for t in await ctx.uow.tasks.for_project(task.project_id or 0) if t.parent_id == task.id]
    if not subtasks:
        return ""
    rolled = int(task_progress(task, subtasks))
    return ctx.t(f"\n注意：T{task.id} 有子任务，进度按子任务计算（现为 {rolled}%）；完成子任务即可推进",
                 f"\nNote: T{task.id} has subtasks; its progress is counted from them (now {rolled}%), so report "
                 f"progress on the subtasks")


async def _waiting_on(ctx: Context, task: Task) -> str:
    """Done while a task it depends on is unfinished: still done, with a warning naming them ("" none)."""
    if not task.depends_on or task.project_id is None:
        return ""
    waiting = unfinished_predecessors(task, await ctx.uow.tasks.for_project(task.project_id))
    if not waiting:
        return ""
    names = "、".join(f"T{t.id} {t.title}（{t.status.label(ctx.locale)} {t.progress}%）" for t in waiting)
    names_en = ", ".join(f"T{t.id} {t.title} ({t.status.label(ctx.locale)}, {t.progress}%)" for t in waiting)
    return ctx.t(f"\n⚠ 注意：T{task.id} 依赖的 {names}还没完成，请确认顺序（需要时：任务 T{waiting[0].id} 完成）",
                 f"\n⚠ Note: T{task.id} depends on {names_en}, not finished yet; please check the order (if it is "
                 f"done: task T{waiting[0].id} done)")


async def assign(ctx: Context, task: Task, access: Access, rep_id: int) -> str:
    ctx.remember("task", task)
    before, task.assignee_id = task.assignee_id, rep_id
    await _save(ctx, task, assignee_id=[before, rep_id])
    name = person(ctx, rep_id)
    await events.record(ctx, access.project.id, "task", f"任务 T{task.id} {task.title} 指派给 {name}",
                        f"Task T{task.id} {task.title} assigned to {name}")
    await tell_assignee(ctx, task, access)
    return ctx.t(f"已将 T{task.id} {task.title} 指派给 {name}，并通知了 TA", f"T{task.id} {task.title} assigned to "
                 f"{name}; they were told")


async def tell_assignee(ctx: Context, task: Task, access: Access) -> None:
    if task.assignee_id is None:
        return
    project, due = access.project, task.due_on
    zh_year = f"{due.year}年" if due and due.year != ctx.now.year else ""
    zh_due = f"，截止 {zh_year}{due.month}月{due.day}日" if due else ""
    en_due = f", due {due.isoformat()}" if due else ""
    await ctx.notify(task.assignee_id, Text(
        f"{ctx.rep.name} 指派给你任务 T{task.id} {task.title}（项目 P{project.id} {project.name}{zh_due}）。"
        f"更新进度：任务 T{task.id} 完成 50%",
        f"{ctx.rep.name} assigned you task T{task.id} {task.title} (project P{project.id} {project.name}{en_due}). "
        f"Report progress: task T{task.id} done 50%"))


async def block(ctx: Context, task: Task, access: Access, reason: str) -> str:
    ctx.remember("task", task)
    before = (task.status.value, task.blocker)
    task.status, task.blocker = (WorkStatus.BLOCKED, reason) if reason else (
        WorkStatus.DOING if task.progress > 0 else WorkStatus.TODO, "")
    await _save(ctx, task, status=[before[0], task.status.value], blocker=[before[1], task.blocker])
    if task_started(task):
        await lifecycle.started(ctx, access)
    zh = f"任务 T{task.id} {task.title} 受阻：{reason}" if reason else f"任务 T{task.id} {task.title} 解除阻塞"
    en = f"Task T{task.id} {task.title} blocked: {reason}" if reason else f"Task T{task.id} {task.title} unblocked"
    await events.record(ctx, access.project.id, "task", zh, en)
    return ctx.t(f"已标记 T{task.id} 受阻：{reason}" if reason else f"T{task.id} 已解除阻塞",
                 f"T{task.id} marked blocked: {reason}" if reason else f"T{task.id} unblocked")


async def depend(ctx: Context, task: Task, access: Access, other: Task) -> str:
    if other.id == task.id or other.project_id != task.project_id:
        raise InvalidValue("依赖", f"T{other.id} 不是同一项目里的另一个任务", "dependency",
                           f"T{other.id} is not another task of the same project")
    assert task.id is not None and other.id is not None
    if await _reaches(ctx, other.id, task.id, access):
        raise InvalidValue("依赖", f"T{other.id} 已经（间接）依赖 T{task.id}，会形成循环", "dependency",
                           f"T{other.id} already depends on T{task.id} (maybe indirectly): that would be a loop")
    if other.id in task.depends_on:
        return ctx.t(f"T{task.id} 已经依赖 T{other.id}，没有更改。", f"T{task.id} already depends on T{other.id}.")
    ctx.remember("task", task)
    before = list(task.depends_on)
    task.depends_on = [*before, other.id]
    await _save(ctx, task, depends_on=[before, task.depends_on])
    await events.record(ctx, access.project.id, "task", f"任务 T{task.id} 依赖 T{other.id} {other.title}",
                        f"Task T{task.id} depends on T{other.id} {other.title}")
    return ctx.t(f"已设置：T{task.id} 依赖 T{other.id} {other.title}", f"T{task.id} now depends on T{other.id} "
                 f"{other.title}")


async def _reaches(ctx: Context, start: int, target: int, access: Access) -> bool:
    """Whether `start` depends on `target` through the project's dependency chain."""
    assert access.project.id is not None
    needs = {t.id: t.depends_on for t in await ctx.uow.tasks.for_project(access.project.id)}
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == target:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(needs.get(current, []))
    return False


async def set_due(ctx: Context, task: Task, access: Access, day: date) -> str:
    ctx.remember("task", task)
    before, task.due_on = task.due_on, day
    await _save(ctx, task, due_on=[before, day])
    await events.record(ctx, access.project.id, "task", f"任务 T{task.id} {task.title} 截止日改为 {zh_day(day)}",
                        f"Task T{task.id} {task.title} now due {day.isoformat()}")
    return ctx.t(f"T{task.id} {task.title} 截止日期改为 {short_day(day, ctx)}",
                 f"T{task.id} {task.title} is now due {short_day(day, ctx)}")
