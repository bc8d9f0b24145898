"""What a project page shows (the customer's portal and the team's page): progress, milestones with their
state and rating, the Gantt as SVG, recent updates, change requests; for the team also tasks with owners.

Nothing here names another customer: everything is read by the project's own id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.delivery.gantt_rows import gantt_chart
from bot.delivery.gantt_svg import gantt_svg
from domain.customer_voice import progress, rateable
from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, Rating, Task, WorkStatus
from domain.delivery_rules import milestone_state, task_state
from domain.ports import UnitOfWork

EVENTS_SHOWN = 15
REQUESTS_SHOWN = 30
GANTT_ROWS = 30  # every milestone, then as many tasks as fit: the page stays under 100 KB
TASKS_SHOWN = 60  # the team page's task table


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    milestone: Milestone
    state: str  # done | overdue | open (domain.delivery_rules.milestone_state)
    label: str  # its status in the page's language
    rateable: bool
    rating: Rating | None


@dataclass(frozen=True, slots=True)
class TaskLine:
    task: Task
    owner: str
    state: str  # done | blocked | overdue | open (domain.delivery_rules.task_state)


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
    if state == "overdue":
        return "已逾期" if locale == "zh" else "overdue"
    return line.status.label(locale)


async def project_view(uow: UnitOfWork, project: Project, today: date, locale: str, *,
                       internal: bool = False, names: Mapping[int, str] | None = None) -> ProjectView:
    """The page's content. `internal`: the team's page (tasks with owners, every update); else the
    customer's (public updates only, tasks without owners)."""
    assert project.id is not None

    milestones = list(await uow.project_milestones.for_project(project.id))
    ratings = {r.milestone_id: r for r in await uow.ratings.for_project(project.id)}
    lines = [MilestoneLine(m, (s := milestone_state(m, today)), _label(m, s, locale), rateable(m),
                           ratings.get(m.id)) for m in milestones]
    names = names or {}
    every = list(await uow.tasks.for_project(project.id))
    tasks = [TaskLine(t, names.get(t.assignee_id, "") if internal and t.assignee_id else "",
                      task_state(t, today, [s for s in every if s.parent_id == t.id]))
             for t in every if t.status is not WorkStatus.CANCELLED]
    events = await uow.project_events.recent(project.id, EVENTS_SHOWN, public_only=not internal)
    requests = list(await uow.change_requests.for_project(project.id))[-REQUESTS_SHOWN:][::-1]
    svg = gantt_svg(gantt_chart(project, milestones, every, lambda i: names.get(i or 0, ""), today, locale,
                                plain=not internal, max_rows=GANTT_ROWS))
    return ProjectView(project, progress(milestones), lines, events, requests, svg,
                       tasks[:TASKS_SHOWN] if internal else [], max(0, len(tasks) - TASKS_SHOWN) if internal else 0)
