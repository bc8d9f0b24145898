"""A small delivery plan (Chinese names, subtasks, milestones, dependencies) the Gantt tests draw."""

from __future__ import annotations

from datetime import date, timedelta

from bot.delivery.gantt_model import GanttChart, GanttRow, RowKind, RowState

TODAY = date(2026, 12, 7)


def sample_rows() -> tuple[GanttRow, ...]:
    return (
        GanttRow("需求确认", date(2026, 11, 2), date(2026, 11, 13), 100, owner="张伟", state=RowState.DONE),
        GanttRow("开发", date(2026, 11, 16), date(2026, 12, 18), 40, depends_on=(0,), owner="王五",
                 state=RowState.OVERDUE),
        GanttRow("接口联调", date(2026, 11, 16), date(2026, 11, 30), 80, owner="李四", level=1),
        GanttRow("数据迁移", date(2026, 12, 1), date(2026, 12, 10), 0, depends_on=(2,), owner="赵六", level=1,
                 state=RowState.BLOCKED),
        GanttRow("上线", date(2026, 12, 21), date(2026, 12, 21), kind=RowKind.MILESTONE, depends_on=(1,)),
        GanttRow("验收", date(2027, 1, 8), date(2027, 1, 8), kind=RowKind.MILESTONE, depends_on=(4,)),
    )


def sample_chart(title: str = "华东物流 WMS 实施", locale: str = "zh") -> GanttChart:
    return GanttChart(title, TODAY, sample_rows(), locale)


def many_rows(n: int) -> tuple[GanttRow, ...]:
    start = date(2026, 11, 2)
    return tuple(GanttRow(f"任务 {i}", start + timedelta(days=i), start + timedelta(days=i + 5), i % 101,
                          depends_on=(i - 1,) if i else ()) for i in range(n))
