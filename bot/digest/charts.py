"""The digest's charts as PNG bytes (matplotlib, Agg, no pyplot state): the funnel and the weekly trend.

Chinese labels need a CJK font: `[digest] font` if set, else Debian's fonts-noto-cjk if installed, else
Noto Sans CJK SC shipped in the `mplfonts` wheel (a dependency, so `make run` installs it). Nothing is
downloaded at run time. Rendering is CPU work: call these from a thread (asyncio.to_thread).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.digest.model import Digest
from bot.digest.words import one_amount, percent, say

CHART_SIZE = (7.2, 3.6)  # inches; at DPI 100 a 720 × 360 PNG
DPI = 100
_LOCK = threading.Lock()  # rc_context changes matplotlib's global rcParams: one chart at a time
COLORS = ("#4C78A8", "#72B7B2", "#F58518", "#54A24B", "#E45756")


@lru_cache(maxsize=8)
def font_family(path: str) -> str:
    """Register the font file with matplotlib once; its family name."""
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


@contextmanager
def cjk_style(font: Path) -> Iterator[None]:
    family = font_family(str(font))
    with _LOCK, rc_context({"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"],
                            "axes.unicode_minus": False, "axes.spines.top": False,
                            "axes.spines.right": False}):
        yield


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _wan(amount: Decimal) -> float:
    return float(amount) / 10000


def funnel_png(d: Digest, locale: str, font: Path) -> bytes:
    """Open deals per stage as horizontal bars (count, amount in the label), conversions beside them."""
    stages = list(d.funnel.stages)
    labels = [s.stage.label(locale) for s in stages]
    counts = [s.count for s in stages]
    with cjk_style(font):
        fig = Figure(figsize=CHART_SIZE, dpi=DPI)
        ax = fig.add_subplot()
        bars = ax.barh(labels[::-1], counts[::-1], color=COLORS[: len(stages)][::-1])
        for bar, stage in zip(bars, stages[::-1], strict=True):
            text = f" {stage.count} · {one_amount(stage.amounts.get('CNY', Decimal(0)), 'CNY', locale)}"
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=9)
        rates = " · ".join(f"{c.source.label(locale)}→{c.target.label(locale)} {percent(c.rate)}"
                           for c in d.funnel.conversions)
        ax.set_title(f"{say('funnel', locale)} — {d.scope_name(locale)}", fontsize=12)
        ax.set_xlabel(rates or say("deals", locale), fontsize=9)
        ax.margins(x=0.35)
        fig.subplots_adjust(left=0.15, right=0.97, top=0.88, bottom=0.16)  # fixed: tight_layout costs half
        return _png(fig)


def trend_png(d: Digest, locale: str, font: Path) -> bytes:
    """Weekly won amount (bars, CNY) and new deals (line, right axis) over the last weeks."""
    weeks = [p.start.strftime("%m-%d") for p in d.trend]
    won = [_wan(p.won_amounts.get("CNY", Decimal(0))) for p in d.trend]
    new = [p.new_deals for p in d.trend]
    with cjk_style(font):
        fig = Figure(figsize=CHART_SIZE, dpi=DPI)
        ax = fig.add_subplot()
        spots = list(range(len(weeks)))
        ax.bar(spots, won, color=COLORS[0], label=say("week_won", locale))
        ax.set_xticks(spots, weeks)
        ax.set_ylabel(f"{say('week_won', locale)}（万元）" if locale == "zh" else "Won (¥10k)")
        right = ax.twinx()
        right.plot(spots, new, color=COLORS[2], marker="o", label=say("week_new", locale))
        right.set_ylabel(say("week_new", locale))
        right.set_ylim(bottom=0)
        ax.set_title(f"{say('trend', locale, weeks=len(weeks))} — {d.scope_name(locale)}", fontsize=12)
        handles = [*ax.get_legend_handles_labels()[0], *right.get_legend_handles_labels()[0]]
        fig.legend(handles=handles, loc="lower center", ncols=2, fontsize=8, frameon=False)
        fig.subplots_adjust(left=0.11, right=0.9, top=0.88, bottom=0.2)
        return _png(fig)


def charts(d: Digest, locale: str, font: Path) -> Sequence[tuple[str, bytes]]:
    """(content id, PNG) for the email: the funnel, then the trend."""
    return [("funnel", funnel_png(d, locale, font)), ("trend", trend_png(d, locale, font))]
