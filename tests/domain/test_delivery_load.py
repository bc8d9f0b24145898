"""The resource view's arithmetic (domain.delivery_load): effort spread evenly over working days, tasks without
effort at half a person, ISO weeks of 5 days, over 100 % flagged, parents carried by their subtasks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.delivery import Task, WorkStatus
from domain.delivery_load import loads, task_days, weeks_from, working_days

TODAY = date(2026, 12, 7)  # a Monday (ISO week 50)
WEEKS = weeks_from(TODAY, 3)  # 12-07, 12-14, 12-21


def task(task_id: int, who: int, start: date | None, due: date | None, effort: str | None = None,
         status: WorkStatus = WorkStatus.DOING, project: int = 1, parent: int | None = None) -> Task:
    return Task(f"t{task_id}", project, None, who, due, status, task_id, parent, starts_on=start,
                effort_days=Decimal(effort) if effort else None)


def test_working_days_skip_the_weekend() -> None:
    assert working_days(date(2026, 12, 11), date(2026, 12, 15)) == [date(2026, 12, 11), date(2026, 12, 14),
                                                                    date(2026, 12, 15)]


def test_effort_is_spread_evenly_over_the_working_days() -> None:
    spread = task_days(task(1, 7, date(2026, 12, 10), date(2026, 12, 15), "6"), TODAY)  # Thu, Fri, Mon, Tue
    assert spread == dict.fromkeys([date(2026, 12, 10), date(2026, 12, 11), date(2026, 12, 14),
                                    date(2026, 12, 15)], Decimal("1.5"))


def test_a_task_without_effort_is_half_a_person_and_without_start_it_starts_today() -> None:
    spread = task_days(task(1, 7, None, date(2026, 12, 9)), TODAY)
    assert spread == dict.fromkeys([date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)], Decimal("0.5"))


def test_a_weekend_only_task_lands_on_the_friday_before() -> None:
    assert task_days(task(1, 7, date(2026, 12, 12), date(2026, 12, 13), "2"), TODAY) == {
        date(2026, 12, 11): Decimal(2)}


def test_weekly_percent_and_over_allocation() -> None:
    tasks = [task(1, 7, date(2026, 12, 7), date(2026, 12, 11), "5"),  # a full week 50 alone
             task(2, 7, date(2026, 12, 7), date(2026, 12, 18), "5", project=2),  # 2.5 days in each of 50 and 51
             task(3, 8, None, date(2026, 12, 25))]  # 0.5 a day for three weeks (12-25 is a Friday)
    [seven, eight] = loads(tasks, WEEKS, TODAY)
    assert (seven.person_id, seven.project_ids) == (7, (1, 2))
    assert [w.percent for w in seven.weeks] == [150, 50, 0]
    assert [w.over for w in seven.weeks] == [True, False, False] and seven.over and seven.peak == 150
    assert [w.days for w in seven.weeks] == [Decimal("7.5"), Decimal("2.5"), Decimal(0)]
    assert [w.percent for w in eight.weeks] == [50, 50, 50] and not eight.over


def test_done_cancelled_unassigned_and_undated_tasks_do_not_count() -> None:
    tasks = [task(1, 7, TODAY, date(2026, 12, 11), "5", WorkStatus.DONE),
             task(2, 7, TODAY, date(2026, 12, 11), "5", WorkStatus.CANCELLED),
             Task("nobody", 1, None, None, date(2026, 12, 11), WorkStatus.DOING, 3, effort_days=Decimal(5)),
             task(4, 7, TODAY, None, "5")]
    assert loads(tasks, WEEKS, TODAY) == []
    [listed] = loads(tasks, WEEKS, TODAY, people=[7])
    assert [w.percent for w in listed.weeks] == [0, 0, 0] and listed.project_ids == ()


def test_a_parent_with_open_subtasks_is_carried_by_them() -> None:
    tasks = [task(1, 7, TODAY, date(2026, 12, 11), "10"),
             task(2, 8, TODAY, date(2026, 12, 11), "5", parent=1),
             task(3, 7, TODAY, date(2026, 12, 11), "5", WorkStatus.DONE, parent=1)]
    by_person = {p.person_id: p for p in loads(tasks, WEEKS, TODAY)}
    assert set(by_person) == {8} and by_person[8].weeks[0].percent == 100
    alone = loads([tasks[0], tasks[2]], WEEKS, TODAY)  # its only subtask done: the parent counts again
    assert [p.weeks[0].percent for p in alone] == [200]


def test_work_outside_the_weeks_shown_is_left_out_and_a_task_partly_inside_counts_its_part() -> None:
    tasks = [task(1, 7, date(2026, 11, 30), date(2026, 12, 11), "10"),  # last week and this: 5 days in week 50
             task(2, 7, date(2027, 1, 4), date(2027, 1, 8), "5")]  # after the three weeks
    [seven] = loads(tasks, WEEKS, TODAY)
    assert [w.percent for w in seven.weeks] == [100, 0, 0] and seven.task_ids == (1,)


def test_a_parent_whose_open_subtask_was_not_read_is_still_carried_when_named() -> None:
    parent = task(1, 7, TODAY, date(2026, 12, 11), "10")
    assert loads([parent], WEEKS, TODAY, carried=[1]) == []
    assert [p.weeks[0].percent for p in loads([parent], WEEKS, TODAY)] == [200]
