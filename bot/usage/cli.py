"""`dealbot usage --month 2026-11 [--lang en] [--json] [--top N]`: the month's usage (bot.usage.report),
read with SQL aggregates; the month is local to the company's time zone ([bot] timezone)."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.cli import Subcommands
    from bot.config import Config

_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


def add_arguments(sub: Subcommands) -> None:
    usage = sub.add("usage", help="a month's usage: features, undo rate, latency / 使用情况统计")
    usage.add_argument("--month", type=month_arg, required=True, help="YYYY-MM, e.g. 2026-11 / 月份")
    usage.add_argument("--lang", choices=("zh", "en"), default="zh")
    usage.add_argument("--json", action="store_true", help="one JSON object / 输出 JSON")
    usage.add_argument("--top", type=top_arg, default=5, metavar="N",
                       help="features listed as most and least used (1-50, default 5)")


def month_arg(text: str) -> date:
    """2026-11, 2026/11 or 2026年11月 -> its first day."""
    found = _MONTH.fullmatch(text.strip())
    if found and 1 <= int(found[2]) <= 12:
        return date(int(found[1]), int(found[2]), 1)
    raise argparse.ArgumentTypeError(f"月份应写成 2026-11 / a month is written like 2026-11, not {text!r}")


def top_arg(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 50:
        return int(text)
    raise argparse.ArgumentTypeError(f"应为 1 到 50 的整数 / a whole number from 1 to 50, not {text!r}")


async def usage(args: argparse.Namespace, config: Config) -> int:
    from bot.bootstrap import bootstrap
    from bot.registry import registry
    from bot.usage.report import next_month, read_usage, usage_json, usage_text

    app = await bootstrap(config, chat=False)
    try:
        zone = ZoneInfo(str(config.get("bot", "timezone", "Asia/Shanghai")))
        names = tuple(cmd.name for cmd in registry.commands)
        async with app.uow_factory() as uow:
            found = await read_usage(uow, args.month, next_month(args.month), zone, names)
    finally:
        await app.close()
    print(json.dumps(usage_json(found, args.top), ensure_ascii=False) if args.json
          else usage_text(found, args.lang, args.top))
    return 0
