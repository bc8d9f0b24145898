"""What a Gantt chart shows, independent of storage and of the drawing: rows (tasks, subtasks, milestones)
with dates, progress, owner, state and dependencies, and the layout both renderers (PNG and SVG) share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

MAX_ROWS = 60  # more rows than this and the chart says "… N more" instead
LABEL_CHARS = 26  # a row label longer than this is cut with "…"


class RowKind(StrEnum):
    TASK = "task"
    MILESTONE = "milestone"


class RowState(StrEnum):
    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"
    BLOCKED = "blocked"


STATE_COLORS = {RowState.OPEN: "#4C78A8", RowState.DONE: "#54A24B",
                RowState.OVERDUE: "#E45756", RowState.BLOCKED: "#F58518"}
TODAY_COLOR = "#B279A2"


@dataclass(frozen=True, slots=True)
class GanttRow:
    """One line of the chart. `end` is inclusive (the due day); a milestone sits on `end`.
    `depends_on` holds indices of earlier-or-later rows this one waits for; `level` 1 = subtask."""

    label: str
    start: date
    end: date
    progress: int = 0  # 0..100
    kind: RowKind = RowKind.TASK
    depends_on: tuple[int, ...] = ()
    owner: str = ""
    state: RowState = RowState.OPEN
    level: int = 0

    def __post_init__(self) -> None:
        if self.end < self.start:
            object.__setattr__(self, "start", self.end)
        object.__setattr__(self, "progress", max(0, min(100, int(self.progress))))


@dataclass(frozen=True, slots=True)
class GanttChart:
    title: str  # the project's name
    today: date
    rows: tuple[GanttRow, ...] = ()
    locale: str = "zh"


@dataclass(frozen=True, slots=True)
class Layout:
    """The rows that are drawn (at most MAX_ROWS), how many were left out, and the date range."""

    rows: tuple[GanttRow, ...]
    hidden: int
    first: date
    last: date  # exclusive: the day after the last drawn day
    links: tuple[tuple[int, int], ...] = field(default=())  # (predecessor row, successor row), both drawn

    @property
    def days(self) -> int:
        return (self.last - self.first).days

    def today_inside(self, today: date) -> bool:
        return self.first <= today < self.last


def layout(chart: GanttChart, max_rows: int = MAX_ROWS) -> Layout:
    rows = chart.rows[:max_rows]
    if not rows:
        return Layout((), 0, chart.today - timedelta(days=3), chart.today + timedelta(days=4))
    first = min(r.start for r in rows)
    last = max(r.end for r in rows) + timedelta(days=1)
    if first - timedelta(days=14) <= chart.today <= last + timedelta(days=14):  # near: show where today is
        first, last = min(first, chart.today), max(last, chart.today + timedelta(days=1))
    pad = max(1, (last - first).days // 30)
    links = tuple((p, i) for i, r in enumerate(rows) for p in r.depends_on if 0 <= p < len(rows) and p != i)
    return Layout(rows, len(chart.rows) - len(rows), first - timedelta(days=pad), last + timedelta(days=pad), links)


def short_label(row: GanttRow) -> str:
    text = " ".join(row.label.split())
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS - 1] + "…"
    return ("└ " if row.level else "") + text


def bar_note(row: GanttRow) -> str:
    """The words beside a bar: owner and progress ("王五 80%"); a milestone shows its owner only."""
    parts = [row.owner] if row.owner else []
    if row.kind is RowKind.TASK:
        parts.append(f"{row.progress}%")
    return " ".join(parts)


WORDS = {
    "gantt": ("甘特图", "Gantt"), "today": ("今天", "today"),
    "empty": ("还没有任务或里程碑", "No tasks or milestones yet"),
    "more": ("… 还有 {n} 项未显示", "… {n} more not shown"),
    "done": ("完成", "done"), "overdue": ("逾期", "overdue"), "blocked": ("受阻", "blocked"),
    "open": ("进行中", "open"), "milestone": ("里程碑", "milestone"),
}


def word(key: str, locale: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if locale == "zh" else en).format(**values)


def tick_days(first: date, days: int, most: int = 10) -> list[date]:
    """Tick dates for the axis: every 1, 2, 7, 14, 28, ... days (weekly and longer steps on Mondays)."""
    step = next((s for s in (1, 2, 7, 14, 28, 56, 91, 182, 364) if days / s <= most), 364 * (days // 3640 + 1))
    start = first if step < 7 else first + timedelta(days=(7 - first.weekday()) % 7)
    return [start + timedelta(days=i) for i in range(0, days - (start - first).days, step)]
