"""The Gantt SVG for the web page: well-formed, accessible (role, titles), scalable (viewBox, no fixed size),
self-contained (no external references), every text escaped, and the same rows as the PNG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from bot.delivery.gantt_model import MAX_ROWS, GanttChart, GanttRow
from bot.delivery.gantt_svg import gantt_svg
from tests.gantt.sample import TODAY, many_rows, sample_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_one_bar_per_task_a_diamond_per_milestone_an_arrow_per_dependency_and_today() -> None:
    root = parse(gantt_svg(sample_chart()))
    assert len(root.findall(f".//{NS}rect[@class='bar']")) == 4
    assert len(root.findall(f".//{NS}rect[@class='done']")) == 4
    assert len(root.findall(f".//{NS}polygon[@class='milestone']")) == 2
    assert len(root.findall(f".//{NS}g[@class='dependency']")) == 4
    assert len(root.findall(f".//{NS}g[@class='today']")) == 1
    bars = root.findall(f".//{NS}rect[@class='bar']")
    done = root.findall(f".//{NS}rect[@class='done']")
    widths = [(float(b.get("width", 0)), float(d.get("width", 0))) for b, d in zip(bars, done, strict=True)]
    assert [round(100 * d / b) for b, d in widths] == [100, 40, 80, 0]  # the filled part is the progress


def test_it_is_an_accessible_scalable_self_contained_image() -> None:
    svg = gantt_svg(sample_chart())
    root = parse(svg)
    assert root.get("role") == "img" and root.get("viewBox", "").startswith("0 0 1000 ")
    assert root.get("width") is None and root.get("height") is None
    title = root.find(f"{NS}title")
    assert title is not None and title.text == "华东物流 WMS 实施 — 甘特图"
    assert len(root.findall(f".//{NS}g/{NS}title")) >= 4 + 2 + 4  # each bar, milestone and arrow explains itself
    assert not re.search(r"href|url\(|@import|<image|<script|https?://(?!www\.w3\.org/2000/svg)", svg)


def test_names_with_markup_are_escaped_and_cannot_break_out() -> None:
    rows = (GanttRow('<script>alert(1)</script>"&', date(2026, 12, 1), date(2026, 12, 3), owner="</text><a>"),)
    svg = gantt_svg(GanttChart("A&B <项目>", TODAY, rows))
    root = parse(svg)  # still well-formed
    assert "<script>" not in svg and "<a>" not in svg
    assert root.find(f"{NS}title") is not None and root.find(f"{NS}title").text == "A&B <项目> — 甘特图"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "</text><a> 0%" in texts


def test_the_row_cap_and_the_empty_project_say_so() -> None:
    root = parse(gantt_svg(GanttChart("大项目", TODAY, many_rows(MAX_ROWS + 5))))
    assert len(root.findall(f".//{NS}rect[@class='bar']")) == MAX_ROWS
    assert "… 还有 5 项未显示" in [t.text for t in root.iter(f"{NS}text")]
    empty = parse(gantt_svg(GanttChart("空项目", TODAY, (), "en")))
    assert empty.findall(f".//{NS}rect[@class='bar']") == []
    assert "No tasks or milestones yet" in [t.text for t in empty.iter(f"{NS}text")]
