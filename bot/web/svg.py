"""Geometry for the hand-built inline SVG charts (the template draws them; Jinja2 escapes every label).

Charts scale with the page (viewBox, width 100%); each has a <title> and <desc> in the template and
the numbers also appear as text, so nothing is said by colour or shape alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360  # viewBox units; about the width of a phone, scaled up on a desktop
LABEL_WIDTH = 92
VALUE_ROOM = 118  # room kept right of the longest bar for its value
ROW = 30


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 4


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    label_width: int = LABEL_WIDTH


def bar_chart(rows: Sequence[tuple[str, float, str]]) -> BarChart:
    """Horizontal bars for (label, value, value as text) rows, longest = the largest value."""
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    top = max((value for _, value, _ in rows), default=0.0)
    bars = tuple(Bar(label, text, i * ROW, max(room * value / top, 2.0) if top > 0 else 2.0)
                 for i, (label, value, text) in enumerate(rows))
    return BarChart(WIDTH, max(len(rows), 1) * ROW, bars)


@dataclass(frozen=True, slots=True)
class Progress:
    """A target bar: `done` and `elapsed` as widths of the same track (clamped to it)."""

    width: int
    done: float
    elapsed: float


def progress(achieved: float | None, elapsed: float, width: int = WIDTH) -> Progress:
    def clamp(share: float) -> float:
        return round(width * min(max(share, 0.0), 1.0), 1)

    return Progress(width, clamp(achieved or 0.0), clamp(elapsed))
