"""The arguments of `dealbot score` and `dealbot model evaluate` (bot.win_cli runs them); nothing heavy is
imported here, so that every other command starts as fast as before."""

from __future__ import annotations

import argparse
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
    evaluate.add_argument("--every", type=int, default=91, help="days between cut-offs (default 91)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--locale", choices=("zh", "en"), default="zh")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD，例如 2026-06-30 / a date looks like "
                                         f"2026-06-30, not {text!r}") from None
