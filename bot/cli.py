"""The `dealbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import Config, load_config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealbot", description="Chat-ops sales bot / 销售机器人")
    parser.add_argument("--config", help="TOML config file (default: embedded defaults)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the bot: HTTP, channels, scheduler")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--as", dest="user", required=True, help="who you are (a console identity or name)")
    db = sub.add_parser("db", help="database tasks").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations")
    imp = sub.add_parser("import", help="bulk import").add_subparsers(dest="import_command", required=True)
    customers = imp.add_parser("customers", help="customers from .xlsx or .csv (dry run unless --commit)")
    customers.add_argument("file")
    customers.add_argument("--commit", action="store_true", help="write the good rows")
    users = sub.add_parser("users", help="people and teams").add_subparsers(dest="users_command", required=True)
    users.add_parser("import", help="users from .csv or .toml").add_argument("file")
    demo = sub.add_parser("demo", help="load a realistic sample company")
    demo.add_argument("--seed", type=int, default=7)
    parse = sub.add_parser("parse", help="read messages on stdin, print what they mean as JSON lines")
    parse.add_argument("--now", required=True, help="reference time, ISO 8601")
    parse.add_argument("--tz", default="Asia/Shanghai")
    mail = sub.add_parser("mail", help="email tools").add_subparsers(dest="mail_command", required=True)
    mail.add_parser("inspect", help="print how the bot reads one .eml file").add_argument("file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "apscheduler", "jieba", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if args.command == "parse":
        from bot.nlp.cli import main as parse_main

        return parse_main(["parse", "--now", args.now, "--tz", args.tz])
    if args.command == "mail":
        from connectors.email.inspect import main as inspect_main

        return inspect_main([args.file])
    config = load_config(args.config)
    try:
        return asyncio.run(run(args, config))
    except KeyboardInterrupt:
        return 130


async def run(args: argparse.Namespace, config: Config) -> int:
    from bot import commands_cli

    handlers = {
        "serve": commands_cli.serve, "chat": commands_cli.chat, "db": commands_cli.db_upgrade,
        "import": commands_cli.import_customers, "users": commands_cli.import_users, "demo": commands_cli.demo,
    }
    return await handlers[args.command](args, config)


if __name__ == "__main__":
    sys.exit(main())
