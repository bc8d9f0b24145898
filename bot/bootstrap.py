"""bootstrap(): the one place that reads config and creates engines, connectors and the scheduler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.handlers  # noqa: F401  (registers the commands)
from bot.analytics_settings import AnalyticsSettings
from bot.approval_config import approval_rules
from bot.approval_decisions import answer_reason
from bot.capture.answer import answer_capture_offer
from bot.channels import build_channels
from bot.channels import email as email_channel
from bot.config import Config, ConfigError
from bot.context import Settings
from bot.delivery.chart_settings import ChartSettings
from bot.delivery.chat_files import MediaFetcher
from bot.delivery.files import FileSettings
from bot.delivery.settings import delivery_settings
from bot.delivery.weekly import WeeklySettings
from bot.directory import assignment_rules, sync_directory
from bot.directory_cache import ensure_version
from bot.esign.settings import esign_settings
from bot.handlers.plans import answer_plan_question
from bot.handlers.reminders import answer_reminder
from bot.nlp import Parser
from bot.pool_config import pool_settings
from bot.redaction import SECRET_FILTER, install_secret_filter, mask_url
from bot.registry import registry
from bot.risk_config import risk_settings
from bot.router import Router
from bot.runtime import (
    DEFAULT_GC_THRESHOLD,
    DEFAULT_SWITCH_MS,
    DEFAULT_WARN_MS,
    GcWatch,
    LagMonitor,
    freeze_heap,
    tune_gc,
    tune_switching,
)
from bot.service import Bot
from bot.sms_config import sms_settings
from bot.understanding.known import KnownCustomers
from bot.understanding.questions import answer_question
from bot.understanding.route import answer_held, understand
from bot.usage.buffer import UsageBuffer
from bot.usage.events import stored_usage
from bot.usage.settings import UsageSettings
from bot.visits.location import answer_checkin, located
from bot.visits.record import visit_settings
from bot.web.settings import load_web_settings
from bot.work_queue import QueueSettings
from connectors.base import Connector
from domain.ports import UnitOfWork
from scheduler.outbox import OutboxDispatcher
from scheduler.proactive import ProactiveSettings, button_channels
from storage.engine import make_engine, make_session_factory
from storage.inbox import GroupCommitInbox
from storage.migrate import upgrade
from storage.uow import SqlAlchemyUnitOfWork, default_worker_id

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 15.0  # seconds to reach the database at start-up


@dataclass(slots=True)
class App:
    config: Config
    engine: Any
    uow_factory: Callable[[], UnitOfWork]
    bot: Bot
    dispatcher: OutboxDispatcher
    connectors: dict[str, Connector] = field(default_factory=dict)
    inbox: GroupCommitInbox | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    scheduler: Any = None  # set by `serve`; shut down once the sends in flight are done
    monitor: LagMonitor = field(default_factory=LagMonitor)  # started by `serve` (start_runtime)
    gc_watch: GcWatch = field(default_factory=GcWatch)
    usage_buffer: UsageBuffer | None = None  # page views and API calls, written in batches (bot.usage.buffer)

    async def start_runtime(self) -> None:
        """For a long-running process: warm what every message needs, freeze the start-up heap out of the
        garbage collector's way (`[runtime] gc_freeze`), and watch the event loop for stalls."""
        await self.bot.warm_up()
        tune_switching(float(self.config.get("runtime", "switch_interval_ms", DEFAULT_SWITCH_MS)))
        if self.config.get("runtime", "gc_freeze", True):
            log.info("start-up heap frozen: %d objects left out of collections", freeze_heap())
        self.gc_watch.install()
        self.monitor.start()

    async def start_channels(self, skip: tuple[str, ...] = ("console",)) -> None:
        """Start every channel but those in `skip` in the background; inbound messages go to bot.ingest."""
        for name, connector in self.connectors.items():
            if name not in skip:
                self.tasks.append(asyncio.create_task(connector.start(self.bot.ingest), name=f"channel-{name}"))

    async def close(self, grace: float = 0.0) -> None:
        """Stop: no new messages; the batch and the sends in progress get `grace` seconds each to finish;
        the claims on what is left (inbox and outbox) are given back to other processes."""
        for task in self.tasks:
            task.cancel()
        for connector in self.connectors.values():  # inbound that pushes (DingTalk's stream) stops first
            if (stop_intake := getattr(connector, "stop_intake", None)) is not None:
                await stop_intake()
        await self.monitor.stop()
        self.gc_watch.uninstall()
        await asyncio.gather(self.bot.close(grace), self.dispatcher.stop(grace))  # grace bounds both
        if self.usage_buffer is not None:
            await self.usage_buffer.close()  # what waits is written: a graceful stop loses no page view
        if isinstance(known := self.bot.settings.known, KnownCustomers):
            await known.close()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        for connector in self.connectors.values():
            await connector.stop()
        if self.inbox is not None:
            await self.inbox.close()
        await self.engine.dispose()

    def __repr__(self) -> str:  # never the config's secrets nor the database password
        return (f"App(config={self.config!r}, database={mask_url(str(self.engine.url))!r}, "
                f"connectors={sorted(self.connectors)!r})")


def database_url(config: Config) -> str:
    url = str(config.get("database", "url"))
    if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
        folder = Path(url.split(":///", 1)[1]).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"[database] url: cannot create the folder {folder} ({err.strerror})") from None
    return url


async def check_database(url: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Connect once; an unreachable database is a ConfigError naming the (masked) URL and the reason."""
    engine = make_engine(url)
    try:
        async with asyncio.timeout(timeout), engine.connect():
            pass
    except TimeoutError:
        raise ConfigError(f"[database] url: no answer from {mask_url(url)} within {timeout:.0f} s") from None
    except Exception as err:  # any driver's connect error: refused, unknown host, bad password, no database
        cause = getattr(err, "orig", None) or err
        reason = SECRET_FILTER.mask(mask_url((str(cause).strip() or type(cause).__name__).splitlines()[0]))
        raise ConfigError(f"[database] url: cannot connect to {mask_url(url)}: {reason}") from None
    finally:
        await engine.dispose()


async def _storage(config: Config, url: str, queue: QueueSettings,
                   migrate: bool) -> tuple[AsyncEngine, Callable[[], UnitOfWork]]:
    """The database checked (and migrated), its engine, and the unit of work every part uses."""
    await check_database(url)
    if migrate:
        await upgrade(url)
    # a stalled process's row locks end about when its leases do (at least 5 s: a busy batch is not cut short)
    engine = make_engine(url, idle_in_transaction=max(queue.lease_seconds, 5.0))
    session_factory = make_session_factory(engine)
    zone = ZoneInfo(str(config.get("bot", "timezone", "Asia/Shanghai")))  # the analytics' days

    def uow_factory() -> UnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory, zone=zone)

    return engine, uow_factory


def _dispatcher(config: Config, uow_factory: Callable[[], UnitOfWork], connectors: dict[str, Connector],
                clock: Callable[[], datetime] | None, queue: QueueSettings) -> OutboxDispatcher:
    """The outbox's sender; webhook deliveries keep a lane of their own (a slow receiver holds up no chat)."""
    proactive = ProactiveSettings.from_section(config.section("proactive"))
    return OutboxDispatcher(uow_factory, connectors, clock, lease_seconds=queue.lease_seconds,
                            give_up_after=proactive.outbox_give_up_hours * 3600,
                            patient_delay=proactive.outbox_retry_seconds, own_lane=("webhook",))


async def bootstrap(config: Config, connectors: dict[str, Connector] | None = None,
                    clock: Callable[[], datetime] | None = None, migrate: bool = True,
                    chat: bool = True) -> App:
    """`chat=False` for batch commands (import, demo): the NLP pipelines are then loaded only if used."""
    install_secret_filter(config.sections)
    url = database_url(config)
    log.debug("config: %s", config.redacted())
    queue = QueueSettings.from_section(config.section("queue"))
    engine, uow_factory = await _storage(config, url, queue, migrate)
    try:
        report = await sync_directory(uow_factory, config.list("teams"), config.list("users"))
        if report.errors:
            raise ConfigError("[[users]] " + "; ".join(report.errors))
        await ensure_version(uow_factory)
        settings = await build_settings(config, uow_factory, warm=chat, url=url)
    except BaseException:
        await engine.dispose()
        raise
    worker = default_worker_id()
    inbox = GroupCommitInbox(engine, worker=worker, lease_seconds=queue.lease_seconds,
                             max_attempts=queue.max_attempts)
    await inbox.start()
    bot = Bot(uow_factory, build_router(), settings, clock or (lambda: datetime.now(UTC)), inbox=inbox,
              queue=queue, worker=worker, usage=stored_usage)
    await email_channel.attach(bot, config, uow_factory)
    connectors = {**build_channels(config, uow_factory), **(connectors or {})}
    bot.media_fetchers.update(media_fetchers(connectors))  # files sent to a project in chat (issue #15)
    dispatcher = _dispatcher(config, uow_factory, connectors, clock, queue)
    tune_gc(int(config.get("runtime", "gc_threshold", DEFAULT_GC_THRESHOLD)))
    monitor = LagMonitor(warn_ms=float(config.get("runtime", "lag_warn_ms", DEFAULT_WARN_MS)))
    log.info("dealbot ready (config: %s, database: %s)", config.source, url.split("@")[-1])
    usage = UsageSettings.from_sections(config.section("usage"), config.section("bot"))
    return App(config, engine, uow_factory, bot, dispatcher, connectors, inbox, monitor=monitor,
               usage_buffer=UsageBuffer(uow_factory, usage.flush_seconds, usage.flush_size))


_PARSERS: dict[str, Parser] = {}
_WARM: set[Parser] = set()


async def ready_parser(tz: str, warm: bool = True) -> Parser:
    """One parser per time zone and process; `warm` loads its pipelines now, off the event loop (~1 s),
    instead of on the first free-text message."""
    parser = _PARSERS.setdefault(tz, Parser(tz=tz))
    if warm and parser not in _WARM:
        await asyncio.to_thread(parser.warm_up)
        _WARM.add(parser)
    return parser


def known_customers(uow_factory: Callable[[], UnitOfWork], warm: bool, url: str | None = None) -> KnownCustomers:
    """`warm`: build the names now, in the background, so that the first free text finds them ready.
    `url`: the database, so that a large company's names are built in a child process (not for an
    in-memory SQLite database, which only this process sees)."""
    private = url is None or (url.startswith("sqlite") and make_url(url).database in (None, "", ":memory:"))
    known = KnownCustomers(uow_factory, url=None if private else url)
    if warm:
        known.start()
    return known


def build_router() -> Router:
    return Router(registry, free_text=understand,
                  answers=(answer_held, answer_reminder, answer_plan_question, answer_capture_offer,
                           answer_checkin, answer_reason),
                  questions=answer_question, own_questions=frozenset({"业绩", "漏斗", "预测", "排行", "目标", "反馈"}),
                  located=located)


async def build_settings(config: Config, uow_factory: Callable[[], UnitOfWork], warm: bool = True,
                         url: str | None = None) -> Settings:
    """`url`: the database, for a large company's known-customer build in a child process."""
    rules = await assignment_rules(uow_factory, config.list("assignment"))
    default_team = None
    if name := config.get("bot", "default_team"):
        async with uow_factory() as uow:
            team = await uow.teams.by_name(str(name))
        if team is None:
            raise ConfigError(f"[bot] default_team names a team that does not exist: {name}")
        default_team = team.id
    return Settings(assignment_rules=rules, default_team_id=default_team,
                    max_message_chars=int(config.get("bot", "max_message_chars", 4000)),
                    parser=await ready_parser(str(config.get("bot", "timezone", "Asia/Shanghai")), warm),
                    known=known_customers(uow_factory, warm, url),
                    charts=ChartSettings.from_sections(config.section("digest")),
                    quiet_hours=ProactiveSettings.from_section(config.section("proactive")).quiet_hours,
                    analytics=AnalyticsSettings.from_section(config.section("analytics")),
                    risks=risk_settings(config), pool=pool_settings(config), visits=visit_settings(config),
                    approvals=approval_rules(config), delivery=delivery_settings(config),
                    card_channels=button_channels(config),
                    files=FileSettings.from_section(config.section("files")), weekly=WeeklySettings.from_config(config),
                    web=await load_web_settings(config.section("web"), uow_factory), sms=sms_settings(config),
                    esign=esign_settings(config))


def media_fetchers(connectors: dict[str, Connector]) -> dict[str, MediaFetcher]:
    """The channels whose connector can fetch a file a member sent (WeCom's media/get)."""
    return {name: fetch for name, connector in connectors.items()
            if callable(fetch := getattr(connector, "fetch_media", None))}
