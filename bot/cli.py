"""The `dealbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

from bot import inbox_cli, outbox_cli, win_cli_args
from bot.config import Config, ConfigError, load_config
from bot.digest.cli_args import add_arguments as add_digest_arguments
from bot.redaction import SECRET_FILTER, install_secret_filter
from bot.usage import cli as usage_cli


def add_housekeeping(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted / 只统计，不删除")
    parser.add_argument("--archive", metavar="DIR", help="write pruned rows to DIR as JSON lines / 删除前导出")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)  # accepted before or after the subcommand
    common.add_argument("--config", default=argparse.SUPPRESS, help="TOML config file (default: embedded defaults)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="dealbot", description="Chat-ops sales bot / 销售机器人", parents=[common])
    sub = Subcommands(parser, "command", common)
    sub.add("serve", help="run the bot: HTTP, channels, scheduler")
    chat = sub.add("chat", help="talk to the bot in this terminal")
    chat.add_argument("--as", dest="user", required=True, help="who you are (a console identity or name)")
    db = sub.group("db", "db_command", help="database tasks")
    db.add("upgrade", help="apply migrations")
    db.add("recount", help="recount the deal totals summary from the deals / 重新统计商机合计")
    add_bulk(sub)
    users = sub.group("users", "users_command", help="people and teams")
    users.add("import", help="users from .csv or .toml").add_argument("file")
    demo = sub.add("demo", help="load a realistic sample company")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--deals", type=_deal_count, default=None,
                      help="a scaled company with N deals (bulk load), e.g. 10k, 1m / 按商机数生成大规模示例公司")
    parse = sub.add("parse", help="read messages on stdin, print what they mean as JSON lines")
    parse.add_argument("--now", required=True, help="reference time, ISO 8601")
    parse.add_argument("--tz", default="Asia/Shanghai")
    inbox_cli.add_arguments(sub.add("inbox", help="failed inbox messages: list, retry / 处理失败的消息"))
    outbox_cli.add_arguments(sub.add("outbox", help="undelivered messages: pending, failed, dead / 未送达的消息"))
    add_housekeeping(sub.add("housekeeping", help="prune old inbox, outbox and audit rows once / 清理过期数据"))
    add_digest_arguments(sub.add("digest", help="a team's daily digest: preview, --json, --html / 每日简报"))
    win_cli_args.add_arguments(sub)
    usage_cli.add_arguments(sub)  # issue #16: dealbot usage --month
    mail = sub.group("mail", "mail_command", help="email tools")
    mail.add("inspect", help="print how the bot reads one .eml file").add_argument("file")
    return parser


def add_bulk(sub: Subcommands) -> None:
    """`import customers|targets|deals FILE [--commit]` and `export deals FILE`."""
    imports = sub.group("import", "import_command", help="bulk import")
    sheets = {
        "customers": "customers from .xlsx or .csv (dry run unless --commit)",
        "targets": "sales targets from .xlsx or .csv: team or rep, period, target (dry run unless --commit) / 业绩目标",
        "deals": "an existing pipeline from .xlsx or .csv: ref, customer, owner, amount, stage, dates, stage "
                 "history, follow-ups (dry run unless --commit) / 导入商机",
    }
    for name, text in sheets.items():
        sheet = imports.add(name, help=text)
        sheet.add_argument("file")
        sheet.add_argument("--commit", action="store_true", help="write the good rows")
    exports = sub.group("export", "export_command", help="bulk export")
    exports.add("deals", help="every deal to .xlsx or .csv, in the columns import deals reads / 导出商机").add_argument(
        "file")


def _deal_count(text: str) -> int:
    """`2000`, `10k`, `1m` -> a positive number of deals."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    digits = text[:-1] if scale > 1 else text
    try:
        value = int(float(digits) * scale)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"商机数应为正整数，例如 2000、10k、1m / deals must be a positive "
                                         f"number such as 2000, 10k or 1m, not {text!r}")
    return value


class Subcommands:
    """Subcommands that all accept the common options (--config, -v)."""

    def __init__(self, parser: argparse.ArgumentParser, dest: str, common: argparse.ArgumentParser) -> None:
        self.actions = parser.add_subparsers(dest=dest, required=True)
        self.common = common

    def add(self, name: str, **kw: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self.actions.add_parser(name, parents=[self.common], **kw)
        return parser

    def group(self, name: str, dest: str, **kw: Any) -> Subcommands:
        return Subcommands(self.add(name, **kw), dest, self.common)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.config = getattr(args, "config", None)
    args.verbose = getattr(args, "verbose", False)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "apscheduler", "jieba", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    install_secret_filter()
    config: Config | None = None
    try:
        config = load_config(args.config)
        install_secret_filter(config.sections)
        return dispatch(args, config)
    except KeyboardInterrupt:
        return 130
    except ConfigError as err:
        where = "" if config is None or config.source in str(err) else f"{config.source}: "
        return fail(f"config error 配置错误: {where}{err}")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as err:  # a file named on the command line
        return fail(SECRET_FILTER.mask(f"{err.strerror or err}" + (f": {err.filename}" if err.filename else "")))


def fail(message: str) -> int:
    print(f"dealbot: {message}", file=sys.stderr)
    return 2


def dispatch(args: argparse.Namespace, config: Config) -> int:
    if args.command == "parse":
        from bot.nlp.cli import main as parse_main

        return parse_main(["parse", "--now", args.now, "--tz", args.tz])
    if args.command == "mail":
        from connectors.email.inspect import main as inspect_main

        return inspect_main([args.file])
    return asyncio.run(run(args, config))


async def run(args: argparse.Namespace, config: Config) -> int:
    from bot import commands_cli, win_cli
    from bot.housekeeping_cli import housekeeping

    if args.command == "digest":  # matplotlib is imported only for this command
        from bot.digest.cli import digest

        return await digest(args, config)
    handlers = {
        "serve": commands_cli.serve, "chat": commands_cli.chat, "db": commands_cli.db_upgrade,
        "import": commands_cli.import_customers, "users": commands_cli.import_users, "demo": commands_cli.demo,
        "export": commands_cli.export_deals, "inbox": inbox_cli.inbox, "outbox": outbox_cli.outbox,
        "housekeeping": housekeeping, "score": win_cli.score, "model": win_cli.model, "usage": usage_cli.usage,
    }
    return await handlers[args.command](args, config)


if __name__ == "__main__":
    sys.exit(main())
