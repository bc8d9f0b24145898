"""The Gantt PNG: real PNG of the announced size, one bar per task, milestones, arrows, the today line, Chinese
drawn with the CJK font, a row cap with a note, and a clear chart for a project without tasks."""

from __future__ import annotations

import io
import os
import shutil
import struct
import warnings
from datetime import date
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image

from bot.delivery.gantt import gantt_png
from bot.delivery.gantt_model import MAX_ROWS, GanttChart, RowKind
from bot.digest.charts import font_family
from bot.digest.fonts import find_cjk_font
from tests.gantt.sample import TODAY, many_rows, sample_chart

DOCS_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "gantt-example.png"


def ihdr(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_sample_is_a_1000_px_wide_png_with_one_bar_per_task_and_a_diamond_per_milestone(tmp_path: Path) -> None:
    chart = sample_chart()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would warn
        image = gantt_png(chart, find_cjk_font())
    assert ihdr(image.png) == image.size == (1000, 342)
    assert Image.open(io.BytesIO(image.png)).size == image.size
    tasks = [i for i, r in enumerate(chart.rows) if r.kind is RowKind.TASK]
    assert [b.row for b in image.bars] == tasks
    assert image.milestones == (4, 5)
    assert image.arrows == ((0, 1), (2, 3), (1, 4), (4, 5))
    develop = image.bars[1]  # 开发: 11-16 .. 12-18 (33 days), 40 % done
    assert (develop.x0, develop.x1) == (date(2026, 11, 16), date(2026, 12, 19))
    assert (develop.done_to - develop.x0).days == 13
    assert image.today_drawn
    colours = {c for _, c in Image.open(io.BytesIO(image.png)).convert("RGB").getcolors(1 << 16) or []}
    assert {(0x54, 0xA2, 0x4B), (0xE4, 0x57, 0x56), (0x4C, 0x78, 0xA8)} <= colours  # done, overdue, open bars
    (tmp_path / "gantt.png").write_bytes(image.png)
    if os.environ.get("DEALBOT_WRITE_DOCS"):  # `DEALBOT_WRITE_DOCS=1 pytest tests/gantt` refreshes the README's
        shutil.copyfile(tmp_path / "gantt.png", DOCS_EXAMPLE)


def test_the_chinese_title_is_drawn_with_the_cjk_font_which_has_every_glyph() -> None:
    font = find_cjk_font()
    image = gantt_png(sample_chart(), font)
    assert Path(image.title_font) == font and "CJK" in font_family(str(font))
    cmap = TTFont(str(font), fontNumber=0).getBestCmap()
    used = "华东物流实施甘特图需求确认开发接口联调数据迁移上线验收今天张伟王五李四赵六进行中完成逾期受阻└"
    assert {ch for ch in used if ord(ch) not in cmap} == set()


def test_the_height_grows_with_the_rows_and_stops_at_the_cap_with_a_note() -> None:
    font = find_cjk_font()
    sizes = {}
    for n in (10, 40, MAX_ROWS + 15):
        image = gantt_png(GanttChart("大项目", TODAY, many_rows(n)), font)
        assert ihdr(image.png) == image.size
        sizes[n] = image.size[1]
        assert len(image.bars) == min(n, MAX_ROWS)
        assert image.hidden == max(0, n - MAX_ROWS)
    assert sizes[10] < sizes[40] < sizes[MAX_ROWS + 15]
    assert sizes[MAX_ROWS + 15] == round(100 * (1.5 + 0.32 * MAX_ROWS + 0.3))


def test_a_project_without_tasks_gives_a_small_clear_chart() -> None:
    image = gantt_png(GanttChart("空项目", TODAY, ()), find_cjk_font())
    assert image.bars == () and image.milestones == () and image.arrows == ()
    assert ihdr(image.png) == (1000, round(100 * (1.5 + 0.32 * 3)))
    assert image.today_drawn  # an empty plan is drawn around today


def test_no_today_line_when_today_is_far_from_the_plan() -> None:
    image = gantt_png(GanttChart("去年的项目", date(2028, 1, 1), many_rows(3)), find_cjk_font())
    assert not image.today_drawn and len(image.bars) == 3
