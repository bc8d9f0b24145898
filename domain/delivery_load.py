"""The resource view (issue #15): how loaded each person is per ISO week, from their open delivery tasks.

- A task's work is its `effort_days` spread evenly over its working days (Monday to Friday) from `starts_on`
  (or today, for a task without a start) to `due_on`, both included. A task whose days are all on a weekend
  puts its work on the working day before.
- A task without effort counts `default_share` of a full-time day on each of its working days (0.5: half a
  person while it runs).
- Only open tasks (not done, not cancelled) with an assignee and a due date count. A task with open subtasks
  is carried by them (counting the parent too would count the work twice).
- Capacity is `capacity_days` (5) per week; a week over 100 % is over-allocated.
Pure and standard-library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.delivery import Task, WorkStatus

CAPACITY_DAYS = Decimal(5)
DEFAULT_SHARE = Decimal("0.5")
_CLOSED = frozenset({WorkStatus.DONE, WorkStatus.CANCELLED})


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_from(day: date, count: int) -> tuple[date, ...]:
    """The Mondays of `count` ISO weeks starting with the week of `day`."""
    first = monday(day)
    return tuple(first + timedelta(weeks=i) for i in range(count))


def working_days(start: date, end: date) -> list[date]:
    """Monday to Friday from `start` to `end`, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 5]


def task_days(task: Task, today: date, default_share: Decimal = DEFAULT_SHARE) -> dict[date, Decimal]:
    """Days of work the task puts on each working day (empty for a task that does not count)."""
    if task.status in _CLOSED or task.assignee_id is None or task.due_on is None:
        return {}
    start = min(task.starts_on or today, task.due_on)
    days = working_days(start, task.due_on)
    if not days:  # only weekend days: the Friday before
        days = [task.due_on - timedelta(days=task.due_on.weekday() - 4)]
    effort = task.effort_days
    return dict.fromkeys(days, effort / len(days) if effort is not None and effort > 0 else default_share)


@dataclass(frozen=True, slots=True)
class WeekLoad:
    week: date  # its Monday
    days: Decimal  # days of work planned in it
    percent: int  # of capacity, rounded

    @property
    def over(self) -> bool:
        return self.percent > 100


@dataclass(frozen=True, slots=True)
class PersonLoad:
    person_id: int
    project_ids: tuple[int, ...]  # projects of their counted tasks, ascending
    weeks: tuple[WeekLoad, ...]
    task_ids: tuple[int, ...] = field(default=())

    @property
    def over(self) -> bool:
        return any(w.over for w in self.weeks)

    @property
    def peak(self) -> int:
        return max((w.percent for w in self.weeks), default=0)


def percent_of(days: Decimal, capacity: Decimal = CAPACITY_DAYS) -> int:
    return int((days * 100 / capacity).quantize(Decimal(1), ROUND_HALF_UP))


def loads(tasks: Iterable[Task], weeks: Sequence[date], today: date, people: Iterable[int] | None = None,
          default_share: Decimal = DEFAULT_SHARE, capacity: Decimal = CAPACITY_DAYS,
          carried: Iterable[int] = ()) -> list[PersonLoad]:
    """Each person's load over `weeks` (Mondays), most loaded first. `people`: only these (None: everyone with
    a counted task); a person listed without tasks shows 0 %. `carried`: ids of tasks known to have open
    subtasks beyond those in `tasks`."""
    counted = _counted(list(tasks), set(carried))
    wanted = None if people is None else set(people)
    per_day: dict[int, dict[date, Decimal]] = {p: {} for p in wanted or ()}
    projects: dict[int, set[int]] = {p: set() for p in wanted or ()}
    ids: dict[int, list[int]] = {p: [] for p in wanted or ()}
    span = (weeks[0], weeks[-1] + timedelta(days=7)) if weeks else (today, today)
    for task in counted:
        person = task.assignee_id
        if person is None or (wanted is not None and person not in wanted):
            continue
        spread = {d: v for d, v in task_days(task, today, default_share).items() if span[0] <= d < span[1]}
        if not spread:
            continue
        days = per_day.setdefault(person, {})
        for day, value in spread.items():
            days[day] = days.get(day, Decimal(0)) + value
        projects.setdefault(person, set()).update([task.project_id] if task.project_id is not None else [])
        ids.setdefault(person, []).append(task.id or 0)
    result = [PersonLoad(p, tuple(sorted(projects.get(p, ()))), _weeks(days, weeks, capacity), tuple(ids.get(p, ())))
              for p, days in per_day.items()]
    return sorted(result, key=lambda load: (-load.peak, load.person_id))


def _counted(tasks: list[Task], carried: set[int]) -> list[Task]:
    """Open tasks, parents with open subtasks left out."""
    parents = carried | {t.parent_id for t in tasks if t.parent_id is not None and t.status not in _CLOSED}
    return [t for t in tasks if t.status not in _CLOSED and t.id not in parents]


def _weeks(days: dict[date, Decimal], weeks: Sequence[date], capacity: Decimal) -> tuple[WeekLoad, ...]:
    out = []
    for week in weeks:
        total = sum((v for d, v in days.items() if monday(d) == week), Decimal(0))
        out.append(WeekLoad(week, total, percent_of(total, capacity)))
    return tuple(out)
