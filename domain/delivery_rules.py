"""Rules of delivery projects (issue #15): progress, overdue tasks, slipping milestones, milestones from a
template. Pure functions over domain.delivery objects; the scheduler's risk warnings and the chat card read
the same answers.

- Progress: the effort-weighted mean of the top-level tasks (a task without effort weighs one 人天); a task
  with subtasks counts as the effort-weighted mean of its subtasks. Done counts 100, cancelled tasks not at all.
- A task is overdue when it is open (not done, not cancelled) and its due date is before today.
- A milestone is slipping when it is not accepted and either its due date has passed, or an open task under
  it is overdue or due after the milestone itself.
- A project's status: 未开始 (todo) until its first task starts (progress above 0, or a task done or blocked),
  then 进行中 (doing); 已完成 (done) when every milestone it has is accepted (or closed by hand); 已取消
  (cancelled) when called off. Done and cancelled projects are closed: out of the lists, risks and summaries.
- A task marked done while a task it depends on is unfinished is still done (the team reports what happened);
  the unfinished predecessors are named so someone can look.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.delivery import Milestone, Project, ProjectTemplate, Task, WorkStatus

CLOSED = frozenset({WorkStatus.DONE, WorkStatus.CANCELLED})
ONE = Decimal(1)


def is_open(task: Task) -> bool:
    return task.status not in CLOSED


def task_overdue(task: Task, today: date) -> bool:
    return is_open(task) and task.due_on is not None and task.due_on < today


def weight(task: Task) -> Decimal:
    return task.effort_days if task.effort_days is not None and task.effort_days > 0 else ONE


def _own_progress(task: Task) -> Decimal:
    return Decimal(100) if task.status is WorkStatus.DONE else Decimal(max(0, min(100, task.progress)))


def _weighted(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    pairs = list(items)
    total = sum((w for w, _ in pairs), Decimal(0))
    if not pairs or total <= 0:
        return None
    return sum((w * p for w, p in pairs), Decimal(0)) / total


def task_progress(task: Task, subtasks: Sequence[Task] = ()) -> Decimal:
    """A task's progress in percent: its subtasks' weighted mean when it has any (not cancelled)."""
    if task.status is WorkStatus.DONE:
        return Decimal(100)
    rolled = _weighted((weight(s), _own_progress(s)) for s in subtasks if s.status is not WorkStatus.CANCELLED)
    return _own_progress(task) if rolled is None else rolled


def project_progress(tasks: Sequence[Task]) -> int:
    """The project's progress in whole percent (0 with no task)."""
    children: dict[int, list[Task]] = {}
    for task in tasks:
        if task.parent_id is not None:
            children.setdefault(task.parent_id, []).append(task)
    top = [t for t in tasks if t.parent_id is None and t.status is not WorkStatus.CANCELLED]
    mean = _weighted((weight(t), task_progress(t, children.get(t.id or 0, []))) for t in top)
    return 0 if mean is None else int(mean.to_integral_value(rounding=ROUND_HALF_UP))


def milestone_accepted(milestone: Milestone) -> bool:
    return milestone.accepted_on is not None or milestone.status is WorkStatus.DONE


def slipping_reason(milestone: Milestone, tasks: Iterable[Task], today: date) -> str | None:
    """Why the milestone is slipping: "past_due", "task_overdue", "task_after"; None when it is not."""
    if milestone_accepted(milestone) or milestone.status is WorkStatus.CANCELLED:
        return None
    if milestone.due_on < today:
        return "past_due"
    under = [t for t in tasks if t.milestone_id == milestone.id and is_open(t)]
    if any(task_overdue(t, today) for t in under):
        return "task_overdue"
    if any(t.due_on is not None and t.due_on > milestone.due_on for t in under):
        return "task_after"
    return None


def task_state(task: Task, today: date, subtasks: Sequence[Task] = ()) -> str:
    """done | blocked | overdue | open: what the Gantt and the project pages colour a task by. Done: status done
    or progress 100 (its subtasks' when it has any); blocked: status blocked or a blocker written."""
    if task.status is WorkStatus.DONE or task_progress(task, subtasks) >= 100:
        return "done"
    if task.status is WorkStatus.BLOCKED or task.blocker:
        return "blocked"
    return "overdue" if task_overdue(task, today) else "open"


def milestone_state(milestone: Milestone, today: date) -> str:
    """done (accepted or closed) | overdue (past its due day, not cancelled) | open."""
    if milestone_accepted(milestone):
        return "done"
    return "overdue" if milestone.due_on < today and milestone.status is not WorkStatus.CANCELLED else "open"


def milestone_slipping(milestone: Milestone, tasks: Iterable[Task], today: date) -> bool:
    return slipping_reason(milestone, tasks, today) is not None


def next_milestone(milestones: Iterable[Milestone]) -> Milestone | None:
    """The first milestone not yet accepted, by due date then order."""
    waiting = [m for m in milestones if not milestone_accepted(m) and m.status is not WorkStatus.CANCELLED]
    return min(waiting, key=lambda m: (m.due_on, m.seq, m.id or 0), default=None)


def task_started(task: Task) -> bool:
    """Work has begun on the task: some progress, or it is done or blocked."""
    return task.progress > 0 or task.status in (WorkStatus.DOING, WorkStatus.DONE, WorkStatus.BLOCKED)


def project_closed(project: Project) -> bool:
    return project.status in CLOSED


def unaccepted(milestones: Iterable[Milestone]) -> list[Milestone]:
    """The milestones still waiting for acceptance (cancelled ones wait for nothing)."""
    return [m for m in milestones if not milestone_accepted(m) and m.status is not WorkStatus.CANCELLED]


def all_accepted(milestones: Sequence[Milestone]) -> bool:
    """Every milestone accepted, and there is at least one: the project is done."""
    return bool(milestones) and not unaccepted(milestones)


def unfinished_predecessors(task: Task, tasks: Iterable[Task]) -> list[Task]:
    """The tasks `task` depends on that are neither done nor cancelled, in id order."""
    wanted = set(task.depends_on)
    return sorted((t for t in tasks if t.id in wanted and is_open(t)), key=lambda t: t.id or 0)


def from_template(template: ProjectTemplate, project_id: int, starts_on: date,
                  payments_by_seq: Mapping[int, int], locale: str = "zh") -> list[Milestone]:
    """The template's milestones for a project starting on `starts_on`, each linked to the payment milestone
    (id) of the seq the template names when the deal's plan has one; named in `locale` (English names where the
    template gives them)."""
    made: list[Milestone] = []
    previous = starts_on
    for seq, step in enumerate(template.milestones, start=1):
        due = starts_on + timedelta(days=step.offset_days)
        link = payments_by_seq.get(step.payment_seq) if step.payment_seq is not None else None
        made.append(Milestone(project_id, step.label(locale), due, seq=seq, starts_on=previous,
                              payment_milestone_id=link))
        previous = due
    return made


def payment_due_on(accepted_on: date, terms_days: int, planned: date) -> date:
    """When a payment released by an acceptance is due: the acceptance day plus the terms, unless the plan
    already had it due earlier."""
    return min(planned, accepted_on + timedelta(days=terms_days))
