"""What a project page shows (the customer's portal and the team's page): progress, milestones with their
state and rating, the Gantt as SVG, recent updates, change requests; for the team also tasks with owners.

Nothing here names another customer: everything is read by the project's own id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.delivery.gantt_model import GanttChart, GanttRow, RowKind, RowState
from bot.delivery.gantt_svg import gantt_svg
from bot.portal.voice import store
from domain.customer_voice import due_state, progress, rateable
from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, Rating, Task, WorkStatus
from domain.ports import UnitOfWork

EVENTS_SHOWN = 15
REQUESTS_SHOWN = 30
GANTT_ROWS = 30  # milestones first, then as many tasks as fit: the page stays under 100 KB
TASKS_SHOWN = 60  # the team page's task table


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    milestone: Milestone
    state: str  # done | late | open
    label: str  # its status in the page's language
    rateable: bool
    rating: Rating | None


@dataclass(frozen=True, slots=True)
class TaskLine:
    task: Task
    owner: str
    state: str  # done | late | blocked | open


@dataclass(frozen=True, slots=True)
class ProjectView:
    project: Project
    progress: int
    milestones: list[MilestoneLine]
    events: Sequence[ProjectEvent]
    requests: list[ChangeRequest]
    gantt: str  # inline SVG markup, made by bot.delivery.gantt_svg (escaped there)
    tasks: list[TaskLine] = field(default_factory=list)
    more_tasks: int = 0  # tasks left out of the team page's table


def _label(line: Milestone, state: str, locale: str) -> str:
    if line.accepted_on is not None:
        return "已验收" if locale == "zh" else "accepted"
    if state == "late":
        return "已逾期" if locale == "zh" else "overdue"
    return line.status.label(locale)


def _task_state(task: Task, today: date) -> str:
    if task.status is WorkStatus.DONE:
        return "done"
    if task.blocker or task.status is WorkStatus.BLOCKED:
        return "blocked"
    return "late" if task.due_on is not None and task.due_on < today else "open"


_ROW_STATES = {"done": RowState.DONE, "late": RowState.OVERDUE, "blocked": RowState.BLOCKED, "open": RowState.OPEN}


def chart(project: Project, milestones: Sequence[Milestone], tasks: Sequence[TaskLine], today: date,
          locale: str) -> GanttChart:
    """Tasks (subtasks under their parent) then milestones, as Gantt rows."""
    rows: list[GanttRow] = []
    index: dict[int, int] = {}
    ordered = [t for t in tasks if t.task.parent_id is None]
    ordered = [x for top in ordered for x in (top, *[t for t in tasks if t.task.parent_id == top.task.id])]
    ordered = ordered[:max(0, GANTT_ROWS - len(milestones))]
    for line in ordered:
        task = line.task
        end = task.due_on or project.ends_on or today
        start = task.starts_on or project.starts_on or end
        if task.id is not None:
            index[task.id] = len(rows)
        rows.append(GanttRow(task.title, start, end, 100 if line.state == "done" else task.progress,
                             owner=line.owner, state=_ROW_STATES[line.state], level=1 if task.parent_id else 0))
    rows = [GanttRow(r.label, r.start, r.end, r.progress, r.kind,
                     tuple(index[d] for d in line.task.depends_on if d in index), r.owner, r.state, r.level)
            for r, line in zip(rows, ordered, strict=True)]
    for m in milestones:
        state = due_state(m, today)
        rows.append(GanttRow(m.name, m.starts_on or m.due_on, m.due_on, 100 if state == "done" else 0,
                             RowKind.MILESTONE, state=_ROW_STATES[state]))
    return GanttChart(project.name, today, tuple(rows), locale)


async def project_view(uow: UnitOfWork, project: Project, today: date, locale: str, *,
                       internal: bool = False, names: Mapping[int, str] | None = None) -> ProjectView:
    """The page's content. `internal`: the team's page (tasks with owners, every update); else the
    customer's (public updates only, tasks without owners)."""
    assert project.id is not None
    uow = store(uow)
    milestones = list(await uow.project_milestones.for_project(project.id))
    ratings = {r.milestone_id: r for r in await uow.ratings.for_project(project.id)}
    lines = [MilestoneLine(m, (s := due_state(m, today)), _label(m, s, locale), rateable(m), ratings.get(m.id))
             for m in milestones]
    names = names or {}
    tasks = [TaskLine(t, names.get(t.assignee_id, "") if internal and t.assignee_id else "", _task_state(t, today))
             for t in await uow.tasks.for_project(project.id) if t.status is not WorkStatus.CANCELLED]
    events = await uow.project_events.recent(project.id, EVENTS_SHOWN, public_only=not internal)
    requests = list(await uow.change_requests.for_project(project.id))[-REQUESTS_SHOWN:][::-1]
    svg = gantt_svg(chart(project, milestones, tasks, today, locale))
    return ProjectView(project, progress(milestones), lines, events, requests, svg,
                       tasks[:TASKS_SHOWN] if internal else [], max(0, len(tasks) - TASKS_SHOWN) if internal else 0)
