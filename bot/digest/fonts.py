"""The CJK font the digest's charts draw with, found without importing matplotlib (serve looks for it
before a digest is due; matplotlib is loaded only when a chart is drawn)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SYSTEM_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf")
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")


class ChartFontMissing(RuntimeError):
    """No CJK font: Chinese would come out as boxes, so no chart is drawn."""


def bundled_font() -> Path | None:
    try:
        path = resources.files(BUNDLED_FONT[0]).joinpath(BUNDLED_FONT[1])
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


def find_cjk_font(configured: str = "") -> Path:
    """The font file the charts use; raises ChartFontMissing (saying what to install) when there is none."""
    if configured:
        if not Path(configured).is_file():
            raise ChartFontMissing(f"[digest] font {configured!r} is not a file")
        return Path(configured)
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    found = bundled_font()
    if found is None:
        raise ChartFontMissing("no CJK font: pip install mplfonts (a dependency) or apt-get install fonts-noto-cjk")
    return found
