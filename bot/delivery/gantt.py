"""A project's Gantt chart as PNG bytes (matplotlib, Agg, no pyplot state), for chat and mail.

One horizontal bar per task (subtasks indented under their parent), the done part filled, milestones as
diamonds, dependencies as arrows from the predecessor's end to the successor's start, overdue / blocked / done
by colour, a "today" line, the project's name and a date axis. The height grows with the rows (at most
MAX_ROWS, then "… N more"). Chinese is drawn with the digest's CJK font (bot.digest.fonts). CPU work: call
`gantt_png` through asyncio.to_thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bot.delivery.gantt_model import (
    STATE_COLORS,
    TODAY_COLOR,
    GanttChart,
    Layout,
    RowKind,
    bar_note,
    layout,
    short_label,
    tick_days,
    word,
)
from bot.digest.charts import cjk_style

WIDTH = 10.0  # inches; at DPI 100 the PNG is 1000 px wide
ROW_HEIGHT = 0.32
FRAME = 1.5  # title, axis and notes
DPI = 100
EPOCH = date(1970, 1, 1)


def date2num(day: date) -> float:
    """x of a day: days since 1970-01-01 (the axis carries its own date labels)."""
    return float((day - EPOCH).days)


@dataclass(frozen=True, slots=True)
class DrawnBar:
    row: int
    x0: date  # first day
    x1: date  # exclusive end
    done_to: date  # where the filled (done) part ends


@dataclass(frozen=True, slots=True)
class GanttImage:
    """The PNG and what was drawn on it (tests and callers read the geometry instead of pixels)."""

    png: bytes
    bars: tuple[DrawnBar, ...]
    milestones: tuple[int, ...]  # row indices
    arrows: tuple[tuple[int, int], ...]  # (predecessor row, successor row)
    today_drawn: bool
    hidden: int
    title_font: str  # the font file the title was drawn with
    size: tuple[int, int]  # width, height in pixels


def _height(rows: int, hidden: int) -> float:
    return FRAME + ROW_HEIGHT * max(rows, 3) + (0.3 if hidden else 0)


def gantt_png(chart: GanttChart, font: Path) -> GanttImage:
    plan = layout(chart)
    height = _height(len(plan.rows), plan.hidden)
    with cjk_style(font):
        fig = Figure(figsize=(WIDTH, height), dpi=DPI)
        ax = fig.add_subplot()
        title = ax.set_title(f"{chart.title} — {word('gantt', chart.locale)}", fontsize=13, loc="left")
        bars, milestones = _rows(ax, plan)
        for pred, succ in plan.links:
            _arrow(ax, plan, pred, succ)
        today = plan.today_inside(chart.today)
        if today:
            x = date2num(chart.today)
            ax.axvline(x, color=TODAY_COLOR, linestyle="--", linewidth=1.2, zorder=4)
            ax.text(x, -0.9, word("today", chart.locale), color=TODAY_COLOR, fontsize=8, ha="center")
        _axes(ax, plan, chart)
        _notes(fig, plan, chart.locale, height)
        fig.subplots_adjust(left=0.25, right=0.95, top=1 - 0.75 / height,
                            bottom=(0.45 + 0.3 * bool(plan.hidden)) / height)
        used = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
        return GanttImage(_png(fig), tuple(bars), tuple(milestones), plan.links, today, plan.hidden, used,
                          (round(WIDTH * DPI), round(height * DPI)))


def _rows(ax: Axes, plan: Layout) -> tuple[list[DrawnBar], list[int]]:
    bars: list[DrawnBar] = []
    milestones: list[int] = []
    for i, row in enumerate(plan.rows):
        color = STATE_COLORS[row.state]
        if row.kind is RowKind.MILESTONE:
            ax.scatter([date2num(row.end)], [i], marker="D", s=90, color=color, zorder=5, edgecolors="#333333")
            milestones.append(i)
            end = date2num(row.end)
        else:
            x0, x1 = row.start, row.end + timedelta(days=1)
            span = (x1 - x0).days
            done_to = x0 + timedelta(days=span * row.progress / 100)
            ax.barh(i, span, left=date2num(x0), height=0.6, color=color, alpha=0.35, zorder=2)
            if row.progress:
                ax.barh(i, date2num(done_to) - date2num(x0), left=date2num(x0), height=0.6, color=color, zorder=3)
            bars.append(DrawnBar(i, x0, x1, done_to))
            end = date2num(x1)
        ax.text(end + plan.days / 120, i, bar_note(row), va="center", fontsize=8, color="#333333", zorder=6)
    return bars, milestones


def _arrow(ax: Axes, plan: Layout, pred: int, succ: int) -> None:
    source, target = plan.rows[pred], plan.rows[succ]
    start_x = date2num(source.end + timedelta(days=0 if source.kind is RowKind.MILESTONE else 1))
    end_x = date2num(target.end if target.kind is RowKind.MILESTONE else target.start)
    below = 0.3 if succ > pred else -0.3  # leave the bar from its edge, not through the note beside it
    ax.annotate("", xy=(end_x, succ), xytext=(start_x, pred + below), zorder=4,
                arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 0.9, "shrinkA": 0, "shrinkB": 2,
                            "connectionstyle": "angle,angleA=-90,angleB=180,rad=0"})


def _axes(ax: Axes, plan: Layout, chart: GanttChart) -> None:
    n = max(len(plan.rows), 1)
    ax.set_ylim(n - 0.4, -1.2)
    ax.set_xlim(date2num(plan.first), date2num(plan.last))
    ax.set_yticks(range(len(plan.rows)), [short_label(r) for r in plan.rows], fontsize=9)
    ticks = tick_days(plan.first, plan.days)
    ax.set_xticks([date2num(d) for d in ticks], [d.strftime("%m-%d") for d in ticks], fontsize=8)
    ax.tick_params(axis="x", labeltop=True, labelbottom=True)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    if not plan.rows:
        ax.text(0.5, 0.5, word("empty", chart.locale), transform=ax.transAxes, ha="center", va="center",
                fontsize=12, color="#666666")


def _notes(fig: Figure, plan: Layout, locale: str, height: float) -> None:
    handles = [Patch(color=color, label=word(state.value, locale)) for state, color in STATE_COLORS.items()]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.25, 0), ncols=len(handles), fontsize=7,
               frameon=False)
    if plan.hidden:
        fig.text(0.25, 0.4 / height, word("more", locale, n=plan.hidden), fontsize=9, color="#555555")


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
