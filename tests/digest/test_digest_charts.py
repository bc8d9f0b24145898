"""The email charts: real PNGs of the right size, not blank, and Chinese drawn as glyphs (not boxes)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.digest.charts import cjk_style, font_family, funnel_png, trend_png
from bot.digest.compose import compose_digest
from bot.digest.fonts import ChartFontMissing, find_cjk_font
from bot.digest.model import Digest
from bot.digest.settings import DigestSettings
from bot.digest.words import LABELS
from domain.opportunity import STAGE_LABELS
from domain.people import Rep, Team
from tests.digest.stub import AT, DAY, FakeAnalyticsReader, FakeSources
from tests.fakes.uow import FakeUnitOfWork

DEJAVU = Path(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans")))


async def digest() -> Digest:
    uow = FakeUnitOfWork()
    async with uow:
        await uow.reps.add(Rep("张伟"))
        await uow.commit()
    src = FakeSources(uow, FakeAnalyticsReader())
    return await compose_digest(src, Team("华东一组", id=5), DAY, AT, DigestSettings())


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def ink(img: Image.Image) -> float:
    """Share of pixels that are not white."""
    data = img.tobytes()
    pixels = len(data) // 3
    return sum(1 for i in range(0, len(data), 3) if data[i:i + 3] != b"\xff\xff\xff") / pixels


def glyph(text: str, font: Path) -> bytes:
    """`text` alone on a small canvas, drawn the way the charts draw text."""
    with cjk_style(font):
        fig = Figure(figsize=(1, 0.5), dpi=100)
        fig.text(0.1, 0.2, text, fontsize=20)
        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()


async def test_charts_are_720_by_360_pngs_with_colour_in_them() -> None:
    d, font = await digest(), find_cjk_font()
    for png in (funnel_png(d, "zh", font), trend_png(d, "zh", font), funnel_png(d, "en", font)):
        img = image(png)
        assert img.size == (720, 360)
        assert 0.05 < ink(img) < 0.9
        assert len(img.getcolors(maxcolors=1 << 16) or []) > 20


def test_the_font_is_a_cjk_font_that_matplotlib_resolves_itself() -> None:
    font = find_cjk_font()
    family = font_family(str(font))
    assert "CJK" in family
    assert Path(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)) == font


def test_the_font_covers_every_chinese_character_the_charts_use() -> None:
    cmap = TTFont(str(find_cjk_font()), fontNumber=0).getBestCmap()
    used = "".join(zh for zh, _ in LABELS.values()) + "".join(zh for zh, _ in STAGE_LABELS.values()) + "华东一组万元"
    missing = {ch for ch in used if ord(ch) > 0x2E80 and ord(ch) not in cmap}
    assert missing == set()


def test_chinese_is_drawn_as_distinct_glyphs_not_boxes() -> None:
    font = find_cjk_font()
    assert glyph("销", font) != glyph("售", font)  # two real glyphs
    with pytest.warns(UserWarning, match="missing from font"):
        assert glyph("销", DEJAVU) == glyph("售", DEJAVU)  # without a CJK font both are the same box


async def test_no_glyph_is_missing_with_the_cjk_font_and_many_are_without_it() -> None:
    d = await digest()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for each box
        with_font = [funnel_png(d, "zh", find_cjk_font()), trend_png(d, "zh", find_cjk_font())]
    with pytest.warns(UserWarning, match="missing from font"):
        without = funnel_png(d, "zh", DEJAVU)
    assert without != with_font[0]


def test_a_configured_font_that_is_not_there_is_reported() -> None:
    with pytest.raises(ChartFontMissing, match="not a file"):
        find_cjk_font("/nonexistent/font.otf")
