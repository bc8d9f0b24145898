"""How projects, milestones and tasks read in chat: list lines, the project card, task lines (zh and en)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.context import Context
from bot.delivery.access import Access
from bot.reply import CardBuilder, Reply
from domain.delivery import Milestone, Project, ProjectEvent, Task, WorkStatus
from domain.delivery_rules import (
    is_open,
    milestone_accepted,
    next_milestone,
    project_closed,
    project_progress,
    slipping_reason,
    task_overdue,
    task_progress,
)

RECENT = 5
SLIP_WORDS = {"past_due": ("已过期未验收", "past due, not accepted"),
              "task_overdue": ("有任务逾期", "a task under it is overdue"),
              "task_after": ("有任务晚于里程碑", "a task under it is due after it")}


def short_day(day: date | None, ctx: Context) -> str:
    """3月15日 / Mar 15, with the year when it is not this year's."""
    if day is None:
        return ""
    year = day.year != ctx.now.year
    if ctx.locale == "en":
        return f"{day:%b} {day.day}" + (f" {day.year}" if year else "")
    return (f"{day.year}年" if year else "") + f"{day.month}月{day.day}日"


def zh_day(day: date) -> str:
    """The day as the zh timeline line writes it, whoever's locale: 3月15日."""
    return f"{day.month}月{day.day}日"


def person(ctx: Context, rep_id: int | None) -> str:
    rep = ctx.directory.rep(rep_id)
    return rep.name if rep is not None else ctx.t("未指派", "unassigned")


def late_mark(ctx: Context, stones: Sequence[Milestone], tasks: Sequence[Task]) -> str:
    today = ctx.now.date()
    slipping = sum(1 for m in stones if slipping_reason(m, tasks, today) is not None)
    overdue = sum(1 for t in tasks if task_overdue(t, today))
    marks = ([ctx.t(f"⚠ {slipping} 个里程碑延误", f"⚠ {slipping} milestone(s) slipping")] if slipping else []) + \
            ([ctx.t(f"{overdue} 个任务逾期", f"{overdue} task(s) overdue")] if overdue else [])
    return ctx.t("，", ", ").join(marks)


def list_line(ctx: Context, project: Project, stones: Sequence[Milestone], tasks: Sequence[Task]) -> str:
    """P3 MES · 40% · 下一里程碑 M5 上线 3月1日 · ⚠ 1 个里程碑延误 (a closed one: P3 MES · 100% · 已完成)"""
    parts = [f"P{project.id} {project.name}", f"{project_progress(tasks)}%"]
    if project_closed(project):
        return " · ".join([*parts, project.status.label(ctx.locale)])
    if (stone := next_milestone(stones)) is not None:
        parts.append(ctx.t(f"下一里程碑 M{stone.id} {stone.name} {short_day(stone.due_on, ctx)}",
                           f"next milestone M{stone.id} {stone.name} {short_day(stone.due_on, ctx)}"))
    if mark := late_mark(ctx, stones, tasks):
        parts.append(mark)
    return " · ".join(parts)


def milestone_line(ctx: Context, stone: Milestone, tasks: Sequence[Task],
                   seqs: Mapping[int, int] | None = None) -> str:
    """M5 上线 3月1日 · 未开始 ⚠ 有任务逾期 · 回款 #2 (`seqs`: payment milestone id → its seq in the plan)."""
    if milestone_accepted(stone):
        state = ctx.t(f"已验收 {short_day(stone.accepted_on, ctx)}", f"accepted {short_day(stone.accepted_on, ctx)}")
    else:
        reason = slipping_reason(stone, tasks, ctx.now.date())
        state = stone.status.label(ctx.locale) + (f" ⚠ {ctx.t(*SLIP_WORDS[reason])}" if reason else "")
    seq = (seqs or {}).get(stone.payment_milestone_id or 0)
    pay = ctx.t(f" · 回款 #{seq}", f" · payment #{seq}") if seq is not None else ""
    return f"M{stone.id} {stone.name} {short_day(stone.due_on, ctx)} · {state}{pay}"


def task_line(ctx: Context, task: Task, subtasks: Sequence[Task] = ()) -> str:
    """T12 接口开发 · 王五 · 12月4日 · 80% · 受阻：等客户账号"""
    parts = [f"T{task.id} {task.title}", person(ctx, task.assignee_id)]
    if task.due_on is not None:
        late = ctx.t("（逾期）", " (overdue)") if task_overdue(task, ctx.now.date()) else ""
        parts.append(short_day(task.due_on, ctx) + late)
    done = task_progress(task, subtasks)
    parts.append(task.status.label(ctx.locale) if task.status in (WorkStatus.DONE, WorkStatus.CANCELLED)
                 else f"{int(done)}%")
    if task.blocker:
        parts.append(ctx.t(f"受阻：{task.blocker}", f"blocked: {task.blocker}"))
    return " · ".join(parts)


async def project_card(ctx: Context, access: Access) -> Reply:
    project, deal = access.project, access.deal
    assert project.id is not None
    uow = ctx.uow
    stones = list(await uow.project_milestones.for_project(project.id))
    tasks = list(await uow.tasks.for_project(project.id))
    recent: Sequence[ProjectEvent] = await uow.project_events.recent(project.id, RECENT)
    customer = await ctx.uow.customers.find(deal.customer_id)
    card = CardBuilder(ctx.t(f"交付项目 P{project.id} {project.name}", f"Delivery project P{project.id} "
                             f"{project.name}"), ctx.locale)
    card.add("客户", "Customer", customer.name if customer else "").add("商机", "Deal", f"#{deal.id} {deal.name}")
    card.add("负责人", "Manager", person(ctx, project.manager_id))
    card.add("状态", "Status", project.status.label(ctx.locale))
    card.add("周期", "Dates", f"{short_day(project.starts_on, ctx)} → {short_day(project.ends_on, ctx)}")
    card.add("进度", "Progress", f"{project_progress(tasks)}%")
    open_tasks = [t for t in tasks if is_open(t)]
    card.add("未完成任务", "Open tasks", str(len(open_tasks)))
    card.add("延误", "Late", late_mark(ctx, stones, tasks))
    card.line(ctx.t("里程碑：", "Milestones:") if stones else ctx.t("还没有里程碑", "No milestones yet"))
    seqs = {p.id: p.seq for p in await ctx.uow.milestones.history(deal.id or 0) if p.id is not None}
    for stone in stones:
        card.line("  " + milestone_line(ctx, stone, tasks, seqs))
    if blocked := [t for t in open_tasks if t.blocker]:
        card.line(ctx.t("阻塞：", "Blockers:"))
        for task in blocked:
            card.line(f"  T{task.id} {task.title}：{task.blocker}")
    if recent:
        card.line(ctx.t("最近动态：", "Recent updates:"))
        for event in recent:
            text = event.text_en if ctx.locale == "en" and event.text_en else event.text
            card.line(f"  {short_day(event.at.astimezone(ctx.now.tzinfo).date(), ctx)} {text}")
    return card.build()
