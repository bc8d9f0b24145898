"""A delivery project (domain.delivery) as the rows of its Gantt chart.

Order: each milestone (by seq, then due date) after its tasks, each task followed by its subtasks; tasks under
no milestone (or one not in the project) come last. Cancelled tasks are left out. A task without a start date
starts on the project's start (else on its due day); one without a due date ends on its start. Dependencies
become arrows between the rows drawn. States come from domain.delivery_rules (task_state, milestone_state).

Two readers: the team (chat's 甘特, the team's project page) sees refs (P3, T12, M5) and owners; the customer
(`plain`, the portal) sees names only, no refs and no owners. `max_rows` keeps every milestone and as many tasks,
in order, as fit (the portal's page stays small).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.delivery.gantt_model import GanttChart, GanttRow, RowKind, RowState
from domain.delivery import Milestone, Project, Task, WorkStatus
from domain.delivery_rules import milestone_state, task_progress, task_state

Names = Callable[[int | None], str]


def no_names(_: int | None) -> str:
    return ""


def gantt_chart(project: Project, milestones: Sequence[Milestone], tasks: Sequence[Task], names: Names,
                today: date, locale: str = "zh", *, plain: bool = False, max_rows: int | None = None) -> GanttChart:
    live = [t for t in tasks if t.status is not WorkStatus.CANCELLED and t.id is not None]
    children: dict[int, list[Task]] = {}
    for task in live:
        if task.parent_id is not None:
            children.setdefault(task.parent_id, []).append(task)
    ordered = _capped(_ordered(live, milestones, children), max_rows)
    row_of = {item.id: i for i, item in enumerate(ordered) if isinstance(item, Task)}
    owner = no_names if plain else names
    rows = tuple(_task_row(item, project, children.get(item.id or 0, []), row_of, owner, today, plain)
                 if isinstance(item, Task) else _milestone_row(item, today, plain) for item in ordered)
    return GanttChart(project.name if plain else f"P{project.id} {project.name}", today, rows, locale)


def _ordered(live: list[Task], milestones: Sequence[Milestone],
             children: dict[int, list[Task]]) -> list[Task | Milestone]:
    ids = {t.id for t in live}
    top = sorted((t for t in live if t.parent_id is None or t.parent_id not in ids), key=_task_order)
    stones = sorted(milestones, key=lambda m: (m.seq, m.due_on, m.id or 0))
    stone_ids = {m.id for m in stones}
    ordered: list[Task | Milestone] = []
    for stone in stones:
        ordered += _with_subtasks([t for t in top if t.milestone_id == stone.id], children)
        ordered.append(stone)
    ordered += _with_subtasks([t for t in top if t.milestone_id not in stone_ids], children)
    return ordered


def _capped(ordered: list[Task | Milestone], max_rows: int | None) -> list[Task | Milestone]:
    """Every milestone, and the first tasks (in order) while the rows stay within `max_rows`."""
    if max_rows is None or len(ordered) <= max_rows:
        return ordered
    room = max(0, max_rows - sum(1 for item in ordered if isinstance(item, Milestone)))
    kept: list[Task | Milestone] = []
    for item in ordered:
        if isinstance(item, Milestone) or room > 0:
            room -= 1 if isinstance(item, Task) else 0
            kept.append(item)
    return kept


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
              today: date, plain: bool) -> GanttRow:
    start = task.starts_on or project.starts_on or task.due_on or today
    end = task.due_on or start
    depends = tuple(row_of[d] for d in task.depends_on if d in row_of)
    return GanttRow(task.title if plain else f"T{task.id} {task.title}", min(start, end), end,
                    round(task_progress(task, subtasks)), RowKind.TASK, depends, names(task.assignee_id),
                    RowState(task_state(task, today, subtasks)), 1 if task.parent_id is not None else 0)


def _milestone_row(stone: Milestone, today: date, plain: bool) -> GanttRow:
    state = RowState(milestone_state(stone, today))
    return GanttRow(stone.name if plain else f"M{stone.id} {stone.name}", stone.due_on, stone.due_on,
                    100 if state is RowState.DONE else 0, RowKind.MILESTONE, state=state)
