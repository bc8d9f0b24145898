"""The arguments of `dealbot digest` (kept light: the parser is built for every command)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--team", required=True, help="team name or id; 'all' for the company / 团队名称或编号")
    parser.add_argument("--date", help="the day, YYYY-MM-DD (default: today) / 日期")
    parser.add_argument("--preview", action="store_true", help="print it instead of sending / 只预览，不发送")
    parser.add_argument("--html", metavar="FILE", help="write the email version (with charts) to FILE")
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    parser.add_argument("--locale", choices=("zh", "en"), default=None, help="language (default: [bot] locale)")
