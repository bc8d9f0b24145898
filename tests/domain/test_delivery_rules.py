"""Delivery rules (domain.delivery_rules): effort-weighted progress with subtasks rolled into their parent,
overdue tasks, slipping milestones, milestones from a template and the payment an acceptance makes due; the
project rights of domain.permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.delivery import STANDARD_TEMPLATE, Milestone, Project, Task, WorkStatus
from domain.delivery_rules import (
    all_accepted,
    from_template,
    milestone_slipping,
    next_milestone,
    payment_due_on,
    project_progress,
    slipping_reason,
    task_overdue,
    task_progress,
    task_started,
    unaccepted,
    unfinished_predecessors,
)
from domain.opportunity import Opportunity
from domain.people import Rep, Role
from domain.permissions import Right, may_update_task, project_right

TODAY = date(2026, 11, 24)


def task(title: str, progress: int = 0, effort: str | None = None, status: WorkStatus = WorkStatus.DOING,
         task_id: int | None = None, parent: int | None = None, due: date | None = None,
         milestone: int | None = None) -> Task:
    return Task(title, 1, milestone, None, due, status, task_id, parent, progress=progress,
                effort_days=Decimal(effort) if effort else None)


def test_progress_is_weighted_by_effort() -> None:
    assert project_progress([task("a", 100, "3"), task("b", 0, "1")]) == 75


def test_tasks_without_effort_weigh_one_day_and_done_counts_full() -> None:
    assert project_progress([task("a", 10, status=WorkStatus.DONE), task("b", 0)]) == 50


def test_subtasks_roll_into_their_parent() -> None:
    parent = task("接口", 0, "4", task_id=1)
    subs = [task("联调", 100, "1", task_id=2, parent=1), task("文档", 0, "3", task_id=3, parent=1)]
    other = task("培训", 0, "4", task_id=4)
    assert task_progress(parent, subs) == Decimal(25)
    assert project_progress([parent, *subs, other]) == 13  # (4*25 + 4*0) / 8 = 12.5, rounded half up


def test_cancelled_tasks_do_not_count_and_no_tasks_is_zero() -> None:
    assert project_progress([task("a", 40), task("b", 0, status=WorkStatus.CANCELLED)]) == 40
    assert project_progress([]) == 0


def test_overdue_is_open_and_due_before_today() -> None:
    assert task_overdue(task("a", due=date(2026, 11, 23)), TODAY)
    assert not task_overdue(task("a", due=TODAY), TODAY)
    assert not task_overdue(task("a", due=date(2026, 11, 1), status=WorkStatus.DONE), TODAY)
    assert not task_overdue(task("a"), TODAY)


def test_milestone_slips_when_past_due_unaccepted() -> None:
    stone = Milestone(1, "上线", date(2026, 11, 20), id=5)
    assert slipping_reason(stone, [], TODAY) == "past_due"
    stone.accepted_on = date(2026, 11, 21)
    assert not milestone_slipping(stone, [], TODAY)


def test_milestone_slips_when_an_open_task_under_it_is_late_or_due_after_it() -> None:
    stone = Milestone(1, "上线", date(2026, 12, 10), id=5)
    assert slipping_reason(stone, [task("a", due=date(2026, 11, 20), milestone=5)], TODAY) == "task_overdue"
    assert slipping_reason(stone, [task("a", due=date(2026, 12, 15), milestone=5)], TODAY) == "task_after"
    done_late = task("a", due=date(2026, 12, 15), milestone=5, status=WorkStatus.DONE)
    elsewhere = task("b", due=date(2026, 12, 15), milestone=6)
    assert slipping_reason(stone, [done_late, elsewhere], TODAY) is None


def test_next_milestone_is_the_first_unaccepted_by_due_date() -> None:
    first = Milestone(1, "需求确认", date(2026, 12, 1), WorkStatus.DONE, 1, seq=1, accepted_on=date(2026, 11, 30))
    second = Milestone(1, "上线", date(2027, 2, 1), id=2, seq=2)
    third = Milestone(1, "开发", date(2027, 1, 1), id=3, seq=3)
    assert next_milestone([first, second, third]) is third
    assert next_milestone([first]) is None


def test_template_milestones_follow_offsets_and_link_payments_by_seq() -> None:
    made = from_template(STANDARD_TEMPLATE, 7, date(2026, 11, 30), {1: 101, 2: 102})
    assert [(m.name, m.due_on, m.seq, m.payment_milestone_id) for m in made] == [
        ("需求确认", date(2026, 12, 14), 1, 101), ("开发", date(2027, 1, 29), 2, None),
        ("上线", date(2027, 2, 18), 3, 102), ("验收", date(2027, 2, 28), 4, None)]
    assert made[1].starts_on == date(2026, 12, 14) and made[0].starts_on == date(2026, 11, 30)


def test_template_milestones_take_the_english_names_for_an_english_creator() -> None:
    made = from_template(STANDARD_TEMPLATE, 7, date(2026, 11, 30), {}, locale="en")
    assert [m.name for m in made] == ["Requirements sign-off", "Development", "Go-live", "Acceptance"]
    assert from_template(STANDARD_TEMPLATE, 7, date(2026, 11, 30), {}, "zh")[0].name == "需求确认"


def test_a_project_starts_with_its_first_started_task_and_is_done_when_every_milestone_is_accepted() -> None:
    assert not task_started(task("a", 0, status=WorkStatus.TODO))
    assert task_started(task("a", 5, status=WorkStatus.TODO))
    assert task_started(task("a", 0, status=WorkStatus.BLOCKED)) and task_started(task("a", 0, status=WorkStatus.DONE))
    done = Milestone(1, "上线", TODAY, WorkStatus.DONE, 1, accepted_on=TODAY)
    waiting = Milestone(1, "验收", TODAY, id=2)
    dropped = Milestone(1, "培训", TODAY, WorkStatus.CANCELLED, 3)
    assert all_accepted([done, dropped]) and not all_accepted([done, waiting]) and not all_accepted([])
    assert unaccepted([done, waiting, dropped]) == [waiting]


def test_unfinished_predecessors_are_the_open_tasks_depended_on() -> None:
    first, second = task("a", 50, task_id=1), task("b", 0, status=WorkStatus.DONE, task_id=2)
    dropped, last = task("c", status=WorkStatus.CANCELLED, task_id=3), task("d", task_id=4)
    last.depends_on = [3, 2, 1]
    assert unfinished_predecessors(last, [first, second, dropped, last]) == [first]
    assert unfinished_predecessors(first, [first, second, dropped, last]) == []


def test_acceptance_makes_payment_due_after_terms_unless_planned_earlier() -> None:
    assert payment_due_on(date(2026, 12, 1), 0, date(2027, 3, 1)) == date(2026, 12, 1)
    assert payment_due_on(date(2026, 12, 1), 15, date(2027, 3, 1)) == date(2026, 12, 16)
    assert payment_due_on(date(2026, 12, 1), 30, date(2026, 12, 10)) == date(2026, 12, 10)


def test_project_rights_add_the_manager_and_assignees_to_the_deal_circles() -> None:
    owner, pm, worker, stranger = (Rep(n, Role.REP, 1, id=i) for i, n in enumerate(("张", "王", "李", "赵"), 1))
    deal = Opportunity(customer_id=1, name="MES", owner_id=1, id=9)
    project = Project(9, "MES", manager_id=2, id=3)
    team_of = {1: 1, 2: 1, 3: 1, 4: 1}
    assert project_right(owner, deal, project, team_of) is Right.CONTROL
    assert project_right(pm, deal, project, team_of) is Right.WORK
    assert project_right(worker, deal, project, team_of, assigned=True) is Right.VIEW
    assert project_right(stranger, deal, project, team_of) is None
    mine, theirs = Task("接口", 3, assignee_id=3), Task("测试", 3, assignee_id=4)
    assert may_update_task(worker, Right.VIEW, mine) and not may_update_task(worker, Right.VIEW, theirs)
    assert may_update_task(pm, Right.WORK, theirs) and not may_update_task(stranger, None, mine)
