"""The arguments of `dealbot score` and `dealbot model evaluate` (bot.win_cli runs them); nothing heavy is
imported here, so that every other command starts as fast as before."""

from __future__ import annotations

import argparse
import re
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.cli import Subcommands


def add_arguments(sub: Subcommands) -> None:
    """`score` and `model evaluate` on the CLI's subcommands."""
    score = sub.add("score", help="win probability of every open deal / 商机赢单概率")
    score.add_argument("--as-of", dest="as_of", type=_date, default=None,
                       help="score as known at the start of DATE (YYYY-MM-DD) / 按该日期当时的数据打分")
    score.add_argument("--json", action="store_true", help="one JSON object per line / 每行一个 JSON")
    score.add_argument("--locale", choices=("zh", "en"), default="zh")
    model = sub.group("model", "model_command", help="the win model / 赢单模型")
    evaluate = model.add("evaluate", help="backtest on the company's own history / 用历史数据回测")
    evaluate.add_argument("--from", dest="start", type=_date, default=None,
                          help="first cut-off (default: once a quarter of closed deals had closed)")
    evaluate.add_argument("--every", type=_days, default=91, help="days between cut-offs, 7–366 (default 91)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--locale", choices=("zh", "en"), default="zh")


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _date(text: str) -> date:
    """2026-06-30, 2026/6/30, 2026.6.30 or 2026年6月30日; never after today (nothing is known of it yet)."""
    found = _DATE.fullmatch(text.strip())
    try:
        day = date(int(found[1]), int(found[2]), int(found[3])) if found else None
    except ValueError:
        day = None
    if day is None:
        raise argparse.ArgumentTypeError(f"日期格式应为 2026-06-30（或 2026/6/30、2026年6月30日），不是「{text}」 / "
                                         f"a date looks like 2026-06-30, not {text!r}")
    if day > date.today():
        raise argparse.ArgumentTypeError(f"{day} 还没到：只能按今天或以前的数据打分 / {day} is in the future: "
                                         "a score can only use what is known by today")
    return day


def _days(text: str) -> int:
    if not text.strip().isdigit() or not 7 <= int(text) <= 366:
        raise argparse.ArgumentTypeError(f"--every 应为 7 到 366 之间的天数，不是「{text}」 / --every takes a "
                                         f"number of days from 7 to 366, not {text!r}")
    return int(text)
