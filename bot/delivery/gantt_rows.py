"""A delivery project (domain.delivery) as the rows of its Gantt chart.

Order: each milestone (by seq, then due date) after its tasks, each task followed by its subtasks; tasks under
no milestone (or one not in the project) come last. Cancelled tasks are left out. A task without a start date
starts on the project's start (else on its due day); one without a due date ends on its start. Dependencies
become arrows between the rows drawn. States: done (status done, progress 100, a milestone accepted), blocked
(status blocked or a blocker written), overdue (open and past its due day; a milestone not accepted by its
due day), else open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.delivery.gantt_model import GanttChart, GanttRow, RowKind, RowState
from domain.delivery import Milestone, Project, Task, WorkStatus
from domain.delivery_rules import task_overdue, task_progress

Names = Callable[[int | None], str]


def gantt_chart(project: Project, milestones: Sequence[Milestone], tasks: Sequence[Task], names: Names,
                today: date, locale: str = "zh") -> GanttChart:
    live = [t for t in tasks if t.status is not WorkStatus.CANCELLED and t.id is not None]
    children: dict[int, list[Task]] = {}
    for task in live:
        if task.parent_id is not None:
            children.setdefault(task.parent_id, []).append(task)
    ids = {t.id for t in live}
    top = sorted((t for t in live if t.parent_id is None or t.parent_id not in ids), key=_task_order)
    stones = sorted(milestones, key=lambda m: (m.seq, m.due_on, m.id or 0))
    stone_ids = {m.id for m in stones}
    ordered: list[Task | Milestone] = []
    for stone in stones:
        ordered += _with_subtasks([t for t in top if t.milestone_id == stone.id], children)
        ordered.append(stone)
    ordered += _with_subtasks([t for t in top if t.milestone_id not in stone_ids], children)
    row_of = {item.id: i for i, item in enumerate(ordered) if isinstance(item, Task)}
    rows = tuple(_task_row(item, project, children.get(item.id or 0, []), row_of, names, today)
                 if isinstance(item, Task) else _milestone_row(item, today) for item in ordered)
    return GanttChart(f"P{project.id} {project.name}", today, rows, locale)


def _task_order(task: Task) -> tuple[date, date, int]:
    start = task.starts_on or task.due_on or date.max
    return start, task.due_on or start, task.id or 0


def _with_subtasks(tasks: list[Task], children: dict[int, list[Task]]) -> list[Task | Milestone]:
    out: list[Task | Milestone] = []
    for task in tasks:
        out.append(task)
        subtasks: list[Task] = sorted(children.get(task.id or 0, []), key=_task_order)
        out.extend(subtasks)
    return out


def _task_row(task: Task, project: Project, subtasks: list[Task], row_of: dict[int | None, int], names: Names,
              today: date) -> GanttRow:
    start = task.starts_on or project.starts_on or task.due_on or today
    end = task.due_on or start
    progress = round(task_progress(task, subtasks))
    if task.status is WorkStatus.DONE or progress >= 100:
        state = RowState.DONE
    elif task.status is WorkStatus.BLOCKED or task.blocker:
        state = RowState.BLOCKED
    elif task_overdue(task, today):
        state = RowState.OVERDUE
    else:
        state = RowState.OPEN
    depends = tuple(row_of[d] for d in task.depends_on if d in row_of)
    return GanttRow(f"T{task.id} {task.title}", min(start, end), end, progress, RowKind.TASK, depends,
                    names(task.assignee_id), state, 1 if task.parent_id is not None else 0)


def _milestone_row(stone: Milestone, today: date) -> GanttRow:
    if stone.accepted_on is not None or stone.status is WorkStatus.DONE:
        state = RowState.DONE
    elif stone.due_on < today:
        state = RowState.OVERDUE
    else:
        state = RowState.OPEN
    return GanttRow(f"M{stone.id} {stone.name}", stone.due_on, stone.due_on, 100 if state is RowState.DONE else 0,
                    RowKind.MILESTONE, state=state)
