"""A project's Gantt chart as an SVG string for the web page: the same content as the PNG, hand-built.

Every text is XML-escaped; the root has `role="img"`, a `<title>` (and each bar, milestone and arrow its own
`<title>` for screen readers and hover); a viewBox without fixed width/height so it scales to a phone's width;
no external references (no fonts, images, links or ids shared with the page). Pure string work: fast enough
to run on the event loop for the row cap (MAX_ROWS).
"""

from __future__ import annotations

from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from bot.delivery.gantt_model import (
    STATE_COLORS,
    TODAY_COLOR,
    GanttChart,
    GanttRow,
    Layout,
    RowKind,
    bar_note,
    layout,
    short_label,
    tick_days,
    word,
)

WIDTH = 1000
LEFT = 250  # label column
RIGHT = 90  # room for the notes beside the last bars
TOP = 64
ROW = 30
BOTTOM = 56
FONT = "'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif"


def gantt_svg(chart: GanttChart) -> str:
    plan = layout(chart)
    height = TOP + ROW * max(len(plan.rows), 3) + BOTTOM + (20 if plan.hidden else 0)
    heading = f"{chart.title} — {word('gantt', chart.locale)}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'font-family="{FONT}" font-size="12" class="gantt">',
             f"<title>{escape(heading)}</title>",
             f'<text x="10" y="24" font-size="18" fill="#222">{escape(heading)}</text>',
             *_axis(plan, height)]
    if not plan.rows:
        parts.append(f'<text x="{WIDTH // 2}" y="{TOP + ROW * 1.5:.0f}" text-anchor="middle" fill="#666" '
                     f'font-size="15">{escape(word("empty", chart.locale))}</text>')
    for i, row in enumerate(plan.rows):
        parts.extend(_row(plan, i, row, chart.locale))
    parts.extend(_link(plan, pred, succ) for pred, succ in plan.links)
    if plan.today_inside(chart.today):
        x = _x(plan, chart.today)
        parts.append(f'<g class="today"><title>{escape(word("today", chart.locale))} {chart.today}</title>'
                     f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{height - BOTTOM}" stroke="{TODAY_COLOR}" '
                     f'stroke-width="1.5" stroke-dasharray="5 4"/>'
                     f'<text x="{x:.1f}" y="{TOP - 12}" text-anchor="middle" fill="{TODAY_COLOR}" font-size="11">'
                     f'{escape(word("today", chart.locale))}</text></g>')
    parts.append(_legend(chart.locale, height))
    if plan.hidden:
        parts.append(f'<text x="{LEFT}" y="{height - 34}" fill="#555">'
                     f'{escape(word("more", chart.locale, n=plan.hidden))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _x(plan: Layout, day: date) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - plan.first).days / plan.days


def _y(i: int) -> float:
    return TOP + ROW * i + ROW / 2


def _axis(plan: Layout, height: int) -> list[str]:
    out = []
    for day in tick_days(plan.first, plan.days):
        x = _x(plan, day)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - BOTTOM}" stroke="#e2e2e2"/>'
                   f'<text x="{x:.1f}" y="{TOP - 24}" text-anchor="middle" fill="#444" font-size="11">'
                   f'{day:%m-%d}</text>')
    return out


def _row(plan: Layout, i: int, row: GanttRow, locale: str) -> list[str]:
    y, color = _y(i), STATE_COLORS[row.state]
    label = f'<text x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end" fill="#222">{escape(short_label(row))}</text>'
    what = word(row.state.value, locale)
    if row.kind is RowKind.MILESTONE:
        x = _x(plan, row.end) + (_x(plan, row.end + timedelta(days=1)) - _x(plan, row.end)) / 2
        tip = f"{word('milestone', locale)} {row.label}: {row.end} · {what}"
        shape = (f'<polygon class="milestone" points="{x:.1f},{y - 9:.1f} {x + 9:.1f},{y:.1f} {x:.1f},{y + 9:.1f} '
                 f'{x - 9:.1f},{y:.1f}" fill="{color}" stroke="#333"/>')
        note_x = x + 14
    else:
        x0, x1 = _x(plan, row.start), _x(plan, row.end + timedelta(days=1))
        done = (x1 - x0) * row.progress / 100
        tip = f"{row.label}: {row.start} – {row.end} · {row.progress}% · {what}"
        tip += f" · {row.owner}" if row.owner else ""
        shape = (f'<rect class="bar" x="{x0:.1f}" y="{y - 9:.1f}" width="{max(x1 - x0, 1):.1f}" height="18" '
                 f'fill="{color}" fill-opacity="0.35"/>'
                 f'<rect class="done" x="{x0:.1f}" y="{y - 9:.1f}" width="{done:.1f}" height="18" fill="{color}"/>')
        note_x = x1 + 6
    note = f'<text x="{note_x:.1f}" y="{y + 4:.1f}" fill="#333" font-size="11">{escape(bar_note(row))}</text>'
    return [f"<g><title>{escape(tip)}</title>{label}{shape}{note}</g>"]


def _link(plan: Layout, pred: int, succ: int) -> str:
    source, target = plan.rows[pred], plan.rows[succ]
    sx = _x(plan, source.end + timedelta(days=0 if source.kind is RowKind.MILESTONE else 1))
    tx = _x(plan, target.end if target.kind is RowKind.MILESTONE else target.start)
    sy = _y(pred) + (9 if succ > pred else -9)
    ty = _y(succ)
    if tx - sx >= 8:  # down beside the successor, then into its start from the left
        path, head = f"M{sx:.1f},{sy:.1f} V{ty:.1f} H{tx - 6:.1f}", [(tx, ty), (tx - 6, ty - 4), (tx - 6, ty + 4)]
    else:  # straight down (or up) onto its start
        edge = ty - 9 if succ > pred else ty + 9
        tip_y = edge - 6 if succ > pred else edge + 6
        path, head = f"M{tx:.1f},{sy:.1f} V{tip_y:.1f}", [(tx, edge), (tx - 4, tip_y), (tx + 4, tip_y)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in head)
    return (f'<g class="dependency"><title>{escape(source.label + " → " + target.label)}</title>'
            f'<path d="{path}" fill="none" stroke="#555" stroke-width="1.2"/>'
            f"<polygon points={quoteattr(points)} fill=\"#555\"/></g>")


def _legend(locale: str, height: int) -> str:
    items = []
    for n, (state, color) in enumerate(STATE_COLORS.items()):
        x = LEFT + 110 * n
        items.append(f'<rect x="{x}" y="{height - 20}" width="14" height="10" fill="{color}"/>'
                     f'<text x="{x + 20}" y="{height - 11}" fill="#444" font-size="11">'
                     f'{escape(word(state.value, locale))}</text>')
    return f'<g class="legend">{"".join(items)}</g>'
