"""A delivery project as Gantt rows: milestones after their tasks, subtasks under their parent, cancelled tasks
left out, dependencies as row indices, states from status / blocker / dates, owners by name."""

from __future__ import annotations

from datetime import date

from bot.delivery.gantt import gantt_png
from bot.delivery.gantt_model import RowKind, RowState
from bot.delivery.gantt_rows import gantt_chart
from bot.digest.fonts import find_cjk_font
from domain.delivery import Milestone, Project, Task, WorkStatus
from domain.delivery_rules import milestone_state, task_state

TODAY = date(2026, 12, 7)
NAMES = {1: "张伟", 2: "王五"}


def plan() -> tuple[Project, list[Milestone], list[Task]]:
    project = Project(7, "华东物流 WMS", starts_on=date(2026, 11, 2), id=3)
    stones = [Milestone(3, "上线", date(2026, 12, 21), id=11, seq=2),
              Milestone(3, "需求确认", date(2026, 11, 13), id=10, seq=1, accepted_on=date(2026, 11, 13))]
    tasks = [Task("调研", 3, 10, 1, date(2026, 11, 13), WorkStatus.DONE, 20, starts_on=date(2026, 11, 2)),
             Task("开发", 3, 11, 2, date(2026, 12, 18), WorkStatus.DOING, 21, starts_on=date(2026, 11, 16),
                  depends_on=[20]),
             Task("接口", 3, 11, 2, date(2026, 11, 30), WorkStatus.DOING, 22, parent_id=21, progress=80,
                  starts_on=date(2026, 11, 16)),
             Task("迁移", 3, 11, 1, date(2026, 12, 10), WorkStatus.DOING, 23, parent_id=21, blocker="等客户数据",
                  depends_on=[22]),
             Task("作废", 3, 11, 1, date(2026, 12, 1), WorkStatus.CANCELLED, 24),
             Task("培训", 3, None, None, date(2026, 12, 4), WorkStatus.TODO, 25)]
    return project, stones, tasks


def test_rows_follow_the_milestones_with_subtasks_under_their_parent() -> None:
    project, stones, tasks = plan()
    chart = gantt_chart(project, stones, tasks, lambda i: NAMES.get(i or 0, ""), TODAY)
    assert chart.title == "P3 华东物流 WMS"
    assert [r.label for r in chart.rows] == ["T20 调研", "M10 需求确认", "T21 开发", "T22 接口", "T23 迁移",
                                             "M11 上线", "T25 培训"]
    assert [r.level for r in chart.rows] == [0, 0, 0, 1, 1, 0, 0]
    assert [r.kind for r in chart.rows].count(RowKind.MILESTONE) == 2
    assert [r.state for r in chart.rows] == [RowState.DONE, RowState.DONE, RowState.OPEN, RowState.OVERDUE,
                                             RowState.BLOCKED, RowState.OPEN, RowState.OVERDUE]
    assert chart.rows[2].depends_on == (0,) and chart.rows[4].depends_on == (3,)
    assert chart.rows[2].progress == 40  # rolled up from its subtasks: (80 + 0) / 2
    assert [r.owner for r in chart.rows] == ["张伟", "", "王五", "王五", "张伟", "", ""]
    migration = chart.rows[4]
    assert (migration.start, migration.end) == (date(2026, 11, 2), date(2026, 12, 10))  # no start: the project's


def test_the_chart_of_a_project_draws_one_bar_per_live_task() -> None:
    project, stones, tasks = plan()
    image = gantt_png(gantt_chart(project, stones, tasks, lambda i: NAMES.get(i or 0, ""), TODAY), find_cjk_font())
    assert len(image.bars) == 5 and len(image.milestones) == 2 and image.arrows == ((0, 2), (3, 4))


def test_a_project_without_tasks_or_milestones_gives_an_empty_chart() -> None:
    chart = gantt_chart(Project(7, "空", id=4), [], [], lambda i: "", TODAY)
    assert chart.rows == () and chart.title == "P4 空"


def test_the_customer_sees_names_only_and_the_cap_keeps_every_milestone() -> None:
    project, stones, tasks = plan()
    chart = gantt_chart(project, stones, tasks, lambda i: NAMES.get(i or 0, ""), TODAY, plain=True, max_rows=4)
    assert chart.title == "华东物流 WMS"
    assert [r.label for r in chart.rows] == ["调研", "需求确认", "开发", "上线"]
    assert [r.owner for r in chart.rows] == ["", "", "", ""]
    assert [r.state for r in chart.rows] == [RowState.DONE, RowState.DONE, RowState.OPEN, RowState.OPEN]
    assert chart.rows[2].depends_on == (0,)


def test_task_and_milestone_states_come_from_one_rule() -> None:
    _, stones, tasks = plan()
    by_id = {t.id: t for t in tasks}
    assert task_state(by_id[20], TODAY) == "done"
    assert task_state(by_id[23], TODAY) == "blocked"
    assert task_state(by_id[22], TODAY) == "overdue"
    assert task_state(by_id[21], TODAY, [by_id[22], by_id[23]]) == "open"
    assert task_state(Task("满", 3, None, None, None, WorkStatus.DOING, 30, progress=100), TODAY) == "done"
    late = Milestone(3, "验收", date(2026, 12, 1), id=12)
    assert [milestone_state(m, TODAY) for m in (*stones, late)] == ["open", "done", "overdue"]
    assert milestone_state(Milestone(3, "取消", date(2026, 12, 1), status=WorkStatus.CANCELLED), TODAY) == "open"
