"""What each `dealbot` subcommand does, on top of bootstrap()."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import App, bootstrap, database_url
from bot.config import Config
from bot.console_session import deliver_own
from bot.housekeeping_cli import build_housekeeper
from bot.http import make_web_app, start_http
from connectors.console import ConsoleConnector
from domain.people import Rep, Role
from scheduler.proactive import ProactiveSettings, proactive_jobs
from scheduler.runner import build_scheduler
from storage.migrate import upgrade

ADMIN = "admin"


async def console_identity(app: App, user: str) -> str | None:
    """The console id of `user` (an id or a name); a known person gets one on first use."""
    async with app.uow_factory() as uow:
        rep = await uow.reps.by_identity("console", user) or await uow.reps.by_name(user)
        if rep is None and user == ADMIN and not await uow.reps.list():
            rep = await uow.reps.add(Rep(name=ADMIN, role=Role.ADMIN))  # zero set-up: first user is admin
        if rep is None:
            return None
        if "console" not in rep.identities:
            rep.identities["console"] = user
            await uow.reps.save(rep)
        await uow.commit()
        return rep.identities["console"]


async def serve(args: argparse.Namespace, config: Config) -> int:
    user = str(config.get("console", "user", ADMIN))
    console = ConsoleConnector(user)
    app = await bootstrap(config, {"console": console})
    try:
        runner = await start_http(make_web_app(app), str(config.get("http", "host")), int(config.get("http", "port")))
    except BaseException:  # a port in use: close what bootstrap started (its threads, the database) before exiting
        await app.close()
        raise
    jobs = proactive_jobs(app.uow_factory, ProactiveSettings.from_section(config.section("proactive")),
                          float(config.get("scheduler", "reminder_interval", 30.0)), config)
    scheduler = app.scheduler = build_scheduler(
        app.uow_factory, app.dispatcher, float(config.get("scheduler", "outbox_interval", 2.0)),
        sweep_interval=float(config.get("queue", "sweep_interval", 5.0)),
        housekeeper=build_housekeeper(app.engine, config, app.bot.queue.worker), jobs=jobs)
    scheduler.start()
    await app.start_runtime()  # directory warm, start-up heap frozen, event-loop lag monitor on
    app.bot.start()  # sweeps the inbox at once, then every sweep_interval: nothing accepted is stranded
    await app.start_channels()
    print(f"dealbot: http://{config.get('http', 'host')}:{config.get('http', 'port')}/healthz "
          f"({config.source})", file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    tasks: list[asyncio.Task[Any]] = [asyncio.create_task(stop.wait())]
    if sys.stdin.isatty() and (ident := await console_identity(app, user)):
        console.user = ident

        async def deliver() -> None:
            await app.dispatcher.drain()

        console.after_each = deliver
        tasks.append(asyncio.create_task(console.start(app.bot.receive)))
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    await runner.cleanup()  # no more callbacks
    await app.close(float(config.get("scheduler", "shutdown_grace", 10.0)))
    return 0


async def chat(args: argparse.Namespace, config: Config) -> int:
    console = ConsoleConnector(args.user)
    app = await bootstrap(config, {"console": console})
    ident = await console_identity(app, args.user)
    if ident is None:
        print(f"「{args.user}」不是已知用户。/ '{args.user}' is not a known user "
              "(dealbot users import FILE, or dealbot demo).", file=sys.stderr)
        await app.close()
        return 2
    console.user = ident

    async def deliver() -> None:
        await deliver_own(app, console)  # only this user's messages, never a colleague's

    console.after_each = deliver
    await deliver()
    try:
        await console.start(app.bot.receive)
    finally:
        await app.close()
    return 0


async def db_upgrade(args: argparse.Namespace, config: Config) -> int:
    await upgrade(database_url(config))
    if args.db_command == "recount":
        from storage import deal_totals
        from storage.engine import make_engine

        engine = make_engine(database_url(config))
        try:
            async with engine.begin() as connection:
                await connection.run_sync(deal_totals.refill)
            await deal_totals.vacuum(engine)
        finally:
            await engine.dispose()
        print("deal totals recounted / 商机合计已重新统计", file=sys.stderr)
        return 0
    print("database is up to date / 数据库已是最新", file=sys.stderr)
    return 0


def _timezone(config: Config) -> ZoneInfo:
    return ZoneInfo(str(config.get("bot", "timezone", "Asia/Shanghai")))


async def import_customers(args: argparse.Namespace, config: Config) -> int:
    """`dealbot import customers|targets|deals FILE`: a dry run unless --commit."""
    from bot.importing import import_customers_file
    from bot.importing_deals import import_deals_file
    from bot.importing_targets import import_targets_file

    what = getattr(args, "import_command", "customers")
    app = await bootstrap(config, chat=False)
    try:
        if what == "deals":
            report: Any = await import_deals_file(app.uow_factory, args.file, commit=args.commit,
                                                  now=app.bot.clock(), tz=_timezone(config))
        else:
            load = import_targets_file if what == "targets" else import_customers_file
            report = await load(app.uow_factory, args.file, commit=args.commit, now=app.bot.clock())
    finally:
        await app.close()
    print(report.render())
    return 2 if report.fatal else 0


async def export_deals(args: argparse.Namespace, config: Config) -> int:
    """`dealbot export deals FILE`: every deal, in the columns `import deals` reads."""
    from bot.exporting_deals import UnwritableFile, export_deals_file

    app = await bootstrap(config, chat=False)
    try:
        count = await export_deals_file(app.uow_factory, args.file, tz=_timezone(config))
    except UnwritableFile as err:
        print(f"无法导出：{err.zh}\nCannot export: {err.en}", file=sys.stderr)
        return 2
    finally:
        await app.close()
    print(f"已导出 {count} 个商机到 {args.file} / Exported {count} deals to {args.file}")
    return 0


async def import_users(args: argparse.Namespace, config: Config) -> int:
    from bot.directory import read_users_file, sync_directory

    app = await bootstrap(config, chat=False)
    try:
        teams, users = read_users_file(args.file)
        report = await sync_directory(app.uow_factory, teams, users,
                                      create_teams=not str(args.file).lower().endswith(".toml"))
    finally:
        await app.close()
    if report.errors:
        print(f"nothing was written 未写入任何内容: errors 错误 {len(report.errors)}")
    else:
        print(f"created 新建 {len(report.created)}, updated 更新 {len(report.updated)}")
    for error in report.errors:
        print("  " + error)
    return 0 if not report.errors else 1


async def demo(args: argparse.Namespace, config: Config) -> int:
    from bot.demo import load_demo

    if args.deals is not None:
        return await scaled_demo(args, config)
    app = await bootstrap(config, chat=False)
    try:
        summary = await load_demo(app.uow_factory, seed=args.seed, now=app.bot.clock())
    finally:
        await app.close()
    print(summary)
    return 0


async def scaled_demo(args: argparse.Namespace, config: Config) -> int:
    """`dealbot demo --deals N`: migrate, then bulk-load the scaled company (progress on stderr)."""
    from datetime import UTC, datetime

    from bot.demo_scale import load_scaled_demo
    from storage.bulk import open_bulk_writer

    url = database_url(config)
    await upgrade(url)
    writer = await open_bulk_writer(url)
    try:
        summary = await load_scaled_demo(writer, deals=args.deals, seed=args.seed, now=datetime.now(UTC))
    finally:
        await writer.close()
    print(summary)
    return 0
