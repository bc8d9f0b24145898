"""The table of proactive jobs `dealbot serve` runs, and the [proactive] settings they share.

One line per job: `Job(id, every_seconds, lambda now: some_job(uow_factory, now, ...))`, where the job is
a plain `async def some_job(uow_factory, now, ...) -> int` that queues its messages with scheduler.push.
Daily jobs run every `settings.tick` seconds and use scheduler.daily.local_day_due (see there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, cast

from bot.approval_config import approval_rules
from bot.channels.dingtalk import shows_cards
from bot.config import Config
from bot.delivery.weekly import WeeklySettings
from bot.digest.cli import settings_from
from bot.pool_config import pool_settings
from bot.risk_config import risk_settings, scan_interval_minutes
from bot.sms_config import sms_settings
from bot.usage.settings import UsageSettings
from domain.daily_report import DailyReportSettings
from domain.pool_ports import PoolUnitOfWork
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET, QuietHours
from domain.risk_ports import RiskUnitOfWork
from domain.win_ports import WinUnitOfWork
from scheduler.approval_reminders import remind_stale_approvals
from scheduler.daily_reports import draft_daily_reports, send_team_reports
from scheduler.digest import send_digests
from scheduler.feedback_summary import send_feedback_summaries
from scheduler.morning import send_morning_lists
from scheduler.pool import PoolScanSettings, scan_pool
from scheduler.project_summary import send_project_summaries
from scheduler.reminder_escalation import escalate_overdue_reminders
from scheduler.reminder_push import BUTTON_CHANNELS
from scheduler.risk_current import morning_risk_lines
from scheduler.risks import scan_risks
from scheduler.runner import Job, reminder_job
from scheduler.sms_jobs import ReminderSms, send_payment_sms
from scheduler.win_scores import WinSettings, refresh_win_scores

DEFAULTS: dict[str, Any] = {"quiet_hours": DEFAULT_QUIET, "tick": 60.0, "outbox_give_up_hours": 6.0,
                            "outbox_retry_seconds": 60.0}


@dataclass(frozen=True, slots=True)
class ProactiveSettings:
    """`quiet_hours`: everyone's default (a person's own setting wins); `tick`: seconds between the runs
    of daily jobs; an outbox item is dead-lettered after its attempts only once `outbox_give_up_hours`
    have passed since it was queued, retried meanwhile at least every `outbox_retry_seconds`."""

    quiet_hours: str = DEFAULT_QUIET
    tick: float = 60.0
    outbox_give_up_hours: float = 6.0
    outbox_retry_seconds: float = 60.0

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> ProactiveSettings:
        values = {**DEFAULTS, **section}
        QuietHours.parse(str(values["quiet_hours"]))  # validated at load; fails loudly here otherwise
        return cls(quiet_hours=str(values["quiet_hours"]), tick=float(values["tick"]),
                   outbox_give_up_hours=float(values["outbox_give_up_hours"]),
                   outbox_retry_seconds=float(values["outbox_retry_seconds"]))


DEFAULT_ZONE = "Asia/Shanghai"
ESCALATION_EVERY = 300.0  # seconds between looks for reminders left unanswered too long
APPROVAL_EVERY = 600.0  # seconds between looks for approval requests left waiting (issue #14)


def button_channels(config: Config) -> tuple[str, ...]:
    """Channels whose reminder cards carry buttons: WeCom, and DingTalk when it shows cards."""
    return (*BUTTON_CHANNELS, "dingtalk") if shows_cards(config) else BUTTON_CHANNELS


def proactive_jobs(uow_factory: Callable[[], UnitOfWork], settings: ProactiveSettings,
                   reminder_interval: float = 30.0, config: Config | None = None) -> list[Job]:
    """Every proactive job, one line each; daily ones tick every `settings.tick` seconds and check the
    local time of each person themselves. `config`: the other sections ([reminders], [daily_report],
    [digest], [risks], [bot] timezone); None: their defaults."""
    config = config or Config()
    quiet = settings.quiet_hours
    escalate_after = timedelta(hours=float(config.get("reminders", "escalate_after_hours", 24)))
    daily = DailyReportSettings.from_section(config.section("daily_report"), default_quiet=quiet)
    digest = replace(settings_from(config), quiet_hours=quiet)
    risks, risk_uow = risk_settings(config), cast(Callable[[], RiskUnitOfWork], uow_factory)
    morning_risks = morning_risk_lines(risks)
    tick = settings.tick
    win = WinSettings.from_sections(config.section("win"), config.section("bot"))
    win_uow = cast(Callable[[], WinUnitOfWork], uow_factory)
    pool_scan = PoolScanSettings.from_sections(config.section("pool"), config.section("bot"))
    pool = pool_settings(config)
    approvals = approval_rules(config)
    weekly = WeeklySettings.from_config(config)
    usage = UsageSettings.from_sections(config.section("usage"), config.section("bot"))
    sms = sms_settings(config)
    return [
        reminder_job(uow_factory, reminder_interval, button_channels(config), ReminderSms(sms) if sms else None),
        Job("reminder-escalation", ESCALATION_EVERY, lambda now: escalate_overdue_reminders(
            uow_factory, now, escalate_after, default_quiet=quiet)),
        Job("daily-report-drafts", tick, lambda now: draft_daily_reports(uow_factory, now, daily)),
        Job("daily-report-team", tick, lambda now: send_team_reports(uow_factory, now, daily)),
        Job("morning-lists", tick, lambda now: send_morning_lists(uow_factory, now, daily, morning_risks)),
        Job("digests", digest.interval, lambda now: send_digests(uow_factory, now, digest)),
        Job("risks", scan_interval_minutes(config) * 60, lambda now: scan_risks(
            risk_uow, now, risks, default_quiet=quiet)),
        Job("win-scores", win.interval, lambda now: refresh_win_scores(win_uow, now, win)),
        Job("pool-scan", pool_scan.interval, lambda now: scan_pool(
            cast(Callable[[], PoolUnitOfWork], uow_factory), now, pool_scan, pool, default_quiet=quiet)),
        Job("approval-reminders", APPROVAL_EVERY, lambda now: remind_stale_approvals(
            uow_factory, now, approvals, default_quiet=quiet, button_channels=button_channels(config))),
        Job("project-summary", weekly.interval, lambda now: send_project_summaries(
            uow_factory, now, weekly, default_quiet=quiet)),
        Job("feedback-summary", usage.interval, lambda now: send_feedback_summaries(
            uow_factory, now, usage, default_quiet=quiet)),
        *([Job("sms-payments", tick, lambda now: send_payment_sms(uow_factory, now, sms, default_quiet=quiet))]
          if sms is not None and sms.payment_template else []),
    ]
