"""Every config section and key dealbot reads, with the kind of value each takes.

A new key goes here (or into bot.config.DEFAULTS, whose keys are known with the kind of their default).
Unknown sections and keys are errors with a "did you mean" hint: a misspelt key would otherwise be
silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import config_checks as c
from bot.channels.webhooks import retry_problem
from bot.delivery.settings import templates_problem
from bot.delivery.weekly import weekly_problem
from bot.pool_config import team_pool
from bot.sms_config import endpoint_check, templates_check

CHANNELS = ("wecom", "dingtalk", "email", "console")
Rule = Callable[[Mapping[str, Any]], tuple[str, str] | None]  # a table's values together: (key, problem) or None


@dataclass(frozen=True, slots=True)
class Table:
    """A TOML table ([name]) or, with `array`, an array of tables ([[name]]). `rules` check keys together,
    once each key's own value passed (like a smallest wait not above the largest)."""

    keys: Mapping[str, c.Check | Table]
    array: bool = False
    required: tuple[str, ...] = ()
    hint: str = ""
    rules: tuple[Rule, ...] = ()


_PERSON = {"name": c.name, "role": c.choice("rep", "manager", "admin"), "team": c.name, "regions": c.words,
           "locale": c.choice("zh", "en"), "timezone": c.timezone, "quiet_hours": c.quiet_hours,
           **{ch: c.name for ch in CHANNELS}}

_IMAP_ACCOUNT = Table({"host": c.text, "user": c.text, "password": c.text, "address": c.text,
                       "port": c.whole(1, 65535), "ssl": c.flag, "starttls": c.flag, "mailboxes": c.folders},
                      array=True, required=("host", "user", "password"))



def _clock(value: Any) -> str | None:
    """"18:00": a local time of day."""
    hours, _, minutes = str(value).partition(":") if isinstance(value, str) else ("", "", "")
    ok = hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60
    return None if ok else "must be a time of day in quotes, like \"18:00\""


# The managers' daily digest (slice digest; bot.digest.settings.DigestSettings).
_DIGEST = Table({"enabled": c.flag, "time": _clock, "conversion_days": c.whole(1, 3650), "top_reps": c.whole(1, 50),
                 "list_limit": c.whole(1, 200), "movement_limit": c.whole(0, 500), "trend_weeks": c.whole(1, 52),
                 "stalled_initial_contact": c.whole(1), "stalled_proposal": c.whole(1),
                 "stalled_negotiation": c.whole(1), "font": c.text, "interval": c.positive,
                 "team_groups": c.flag})

def _public_url(value: Any) -> str | None:
    """"https://crm.example.cn": where people open the bot's pages."""
    ok = isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > len("https://")
    return None if ok else "must be the address people open, like \"https://dealbot.example.cn\""


def _provider_url(example: str) -> Callable[[Any], str | None]:
    """An http(s) address; the hint shows what this key's address looks like."""
    def check(value: Any) -> str | None:
        ok = isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > len("https://")
        return None if ok else f"must be an http(s) address, like \"{example}\""
    return check


# the web pages (issue #15, bot.web.settings): public address, link secret ("" = generated and shared), lifetimes
_WEB = Table({"public_url": _public_url, "secret": c.text, "link_days": c.whole(1, 3650),
              "login_minutes": c.whole(1, 1440), "session_hours": c.whole(1, 720)})

SCHEMA: dict[str, Table] = {
    "database": Table({"url": c.database_url}),
    "http": Table({"host": c.text, "port": c.whole(0, 65535), "bench_console": c.flag}),
    "bot": Table({"locale": c.choice("zh", "en"), "timezone": c.timezone, "max_message_chars": c.whole(1),
                  "default_team": c.name}),
    "scheduler": Table({"enabled": c.flag, "outbox_interval": c.positive, "reminder_interval": c.positive,
                        "shutdown_grace": c.positive}),
    "reminders": Table({"escalate_after_hours": c.positive}),
    "queue": Table({"lease_seconds": c.positive, "sweep_interval": c.positive, "max_attempts": c.whole(1),
                    "retry_base_delay": c.positive}),
    # days to keep each kind of row, 0 = forever; `chunk` rows per transaction (ids in one IN list)
    "retention": Table({"inbox_days": c.whole(0), "outbox_days": c.whole(0), "failed_days": c.whole(0),
                        "audit_days": c.whole(0), "interval_hours": c.positive, "chunk": c.whole(1, 30000)}),
    "console": Table({"user": c.name}),
    # daily reports and morning lists, in each person's time zone (slice daily)
    "daily_report": Table({"draft_at": c.time_of_day, "deadline": c.time_of_day, "morning_at": c.time_of_day,
                           "morning_limit": c.whole(1, 50), "overdue_days": c.whole(0, 60),
                           "message_chars": c.whole(300, 20000)}),
    # what the bot sends unasked (slice delivery): default quiet hours, daily-job tick, outbox patience
    "proactive": Table({"quiet_hours": c.quiet_hours, "tick": c.positive, "outbox_give_up_hours": c.positive,
                        "outbox_retry_seconds": c.positive}),
    # questions and the numbers commands (slice analytics)
    "analytics": Table({"funnel_days": c.whole(1, 3650), "leaderboard_size": c.whole(1, 50),
                        "list_size": c.whole(1, 50)}),
    "digest": _DIGEST,
    "web": _WEB,
    # the open API (issue #16, bot.api.settings): per-token rate, body limit, idempotency retention, last-use writes
    "api": Table({"enabled": c.flag, "rate_per_minute": c.whole(1, 1_000_000),
                  "max_body_bytes": c.whole(1024, 10_000_000), "idempotency_hours": c.whole(1, 720),
                  "last_used_seconds": c.whole(1, 86400)}),
    # risk warnings (issue #11, scheduler.risks): thresholds in days; a stalled_* of 0 turns that stage off
    "risks": Table({"enabled": c.flag, "incremental": c.flag, "interval_minutes": c.positive, "lead_days": c.whole(1),
                    "stalled_initial_contact_days": c.whole(0), "stalled_proposal_days": c.whole(0),
                    "stalled_negotiation_days": c.whole(0), "payment_soon_days": c.whole(0),
                    "invoice_terms_days": c.whole(1), "contract_days": c.whole(1), "lookback_days": c.whole(1),
                    "per_message": c.whole(1, 10), "top_items": c.whole(1, 20)}),
    # win probability (issue #13, scheduler.win_scores): the nightly scoring, local time in `timezone`
    "win": Table({"enabled": c.flag, "score_at": c.time_of_day, "timezone": c.timezone, "interval": c.positive}),
    # the lead pool (issue #14, bot.pool_config): reclaim rules in days (0 = off), claims, the nightly scan
    "pool": Table({"no_followup_days": c.whole(0, 3650), "no_open_deal_days": c.whole(0, 3650),
                   "no_win_days": c.whole(0, 3650), "warn_days": c.whole(0, 3650), "daily_claims": c.whole(0, 3650),
                   "cooldown_days": c.whole(0, 3650),
                   "lead_no_followup_days": c.whole(0, 3650), "scope": c.choice("team", "company"),
                   "protected_tags": c.words, "enabled": c.flag, "scan_at": c.time_of_day,
                   "timezone": c.timezone, "interval": c.positive}),
    # visit check-in (issue #14): far flag in metres; how long a shared location waits for the customer's name
    "visits": Table({"far_metres": c.whole(10, 1_000_000), "location_minutes": c.whole(1, 1440),
                     "repeat_minutes": c.whole(0, 1440)}),
    # approvals (issue #14, bot.approval_config): thresholds; 0 turns a rule off
    "approvals": Table({"enabled": c.flag, "max_discount": c.share, "min_margin": c.share,
                        "contract_amount": c.money_limit, "min_first_payment": c.share, "team_transfer": c.flag,
                        "approver": c.choice("manager", "admin"), "stale_hours": c.positive}),
    # delivery projects (issue #15, bot.delivery.settings): opened on 赢单, payment terms after 验收, templates
    "delivery": Table({"auto_project": c.flag, "payment_terms_days": c.whole(0, 3650), "default_template": c.text,
                       "templates": templates_problem, "weekly_summary": weekly_problem}),
    "runtime": Table({"lag_warn_ms": c.positive, "gc_threshold": c.whole(100), "gc_freeze": c.flag,
                      "switch_interval_ms": c.positive}),
    "teams": Table({"name": c.name, "region": c.name, "pool": team_pool}, array=True, required=("name",),
                   hint="one [[teams]] block per team"),
    "users": Table(_PERSON, array=True, required=("name",), hint="one [[users]] block per person"),
    "assignment": Table({"team": c.name, "rep": c.name, "regions": c.words, "region": c.words,
                         "industries": c.words, "industry": c.words, "min_budget": c.amount,
                         "max_budget": c.amount}, array=True, hint="one [[assignment]] block per rule"),
    "wecom": Table({"corp_id": c.text, "agent_id": c.whole(1), "secret": c.text, "token": c.text,
                    "encoding_aes_key": c.text, "api_base": c.text, "webhook_base": c.text,
                    "callback_path": c.text, "freshness_window": c.positive, "http_timeout": c.positive,
                    "token_margin": c.positive, "max_body": c.whole(1), "max_token_retries": c.whole(0),
                    "duplicate_check_interval": c.whole(0), "robots": c.text_table}),
    "dingtalk": Table({"client_id": c.text, "client_secret": c.text, "robot_code": c.text,
                       "mode": c.choice("stream", "http"), "openapi_base": c.text, "oapi_base": c.text,
                       "card_template_id": c.text, "watchdog_seconds": c.positive, "http_timeout": c.positive,
                       "token_margin": c.positive, "callback_path": c.text, "robots": c.robot_table}),
    "email": Table({"from_address": c.text, "from_name": c.text, "domain": c.text,
                    "imap_host": c.text, "imap_port": c.whole(1, 65535), "imap_user": c.text,
                    "imap_password": c.text, "imap_address": c.text, "imap_mailboxes": c.folders,
                    "imap_ssl": c.flag, "imap_starttls": c.flag,
                    "smtp_host": c.text, "smtp_port": c.whole(1, 65535), "smtp_user": c.text,
                    "smtp_password": c.text, "smtp_starttls": c.flag, "smtp_ssl": c.flag,
                    "flood_limit": c.whole(1), "flood_window_hours": c.positive, "poll_interval": c.positive,
                    "use_idle": c.flag, "batch_size": c.whole(1), "backfill": c.flag,
                    # mail capture caps (slice mailcap) and Authentication-Results trust (slice mailtrust)
                    "max_mail_mb": c.positive, "batch_mb": c.positive, "max_mime_parts": c.whole(1),
                    "max_references": c.whole(1), "authserv_id": c.text,
                    "accounts": _IMAP_ACCOUNT}),
    # SMS (issue #16, bot.sms_config): the provider's account (Tencent Cloud SMS), template ids, our own limits
    # per number, what goes by SMS; secret_id / secret_key are redacted wherever the config is shown
    "sms": Table({"enabled": c.flag, "provider": c.choice("tencent"), "endpoint": endpoint_check, "region": c.text,
                  "secret_id": c.text, "secret_key": c.text, "sdk_app_id": c.text, "sign_name": c.text,
                  "timeout": c.positive, "per_minute": c.whole(1, 1000), "per_hour": c.whole(1, 10000),
                  "per_day": c.whole(1, 100000), "param_chars": c.whole(1, 100), "reminders": c.flag,
                  "customer_payment_reminders": c.flag, "payment_catch_up_days": c.whole(0, 31),
                  "templates": templates_check}),
    # files attached to delivery projects (issue #15, bot.delivery.files): where they are kept, the size limit
    "files": Table({"dir": c.text, "max_mb": c.positive}),
    # outgoing webhooks (issue #16, bot.channels.webhooks): the POST's timeout, retries and backoff
    "webhooks": Table({"enabled": c.flag, "timeout": c.positive, "max_attempts": c.whole(1, 10),
                       "retry_base_seconds": c.positive, "retry_max_seconds": c.positive},
                      rules=(retry_problem,)),
    # feedback and usage analytics (issue #16, bot.usage.settings): usage events kept `retention_days` (0 =
    # forever); the admins' monthly feedback summary; page views / API calls written in batches
    "usage": Table({"retention_days": c.whole(0, 36500), "summary": c.flag, "summary_at": c.time_of_day,
                    "flush_seconds": c.positive, "flush_size": c.whole(1, 10000)}),
    # e-signature of contracts through e签宝's open API v3 (issue #16, bot.esign.settings)
    "esign": Table({"app_id": c.text, "app_secret": c.text, "base_url": _provider_url("https://openapi.esign.cn"),
                    "callback_url": _provider_url("https://crm.example.cn/esign/callback"),
                    "company": c.text, "timeout": c.positive, "callback_max_age": c.positive,
                    "upload_wait": c.positive, "sms_notice": c.flag, "poll_minutes": c.whole(0)}),
}

NOT_YET: dict[str, str] = {}  # sections of features still on the roadmap: "<what to do for now>"


def schema_with(defaults: Mapping[str, Mapping[str, Any]]) -> dict[str, Table]:
    """SCHEMA plus any section or key that only DEFAULTS knows (checked by the kind of its default)."""
    merged = dict(SCHEMA)
    for name, values in defaults.items():
        table = merged.get(name, Table({}))
        missing = {key: c.inferred(value) for key, value in values.items() if key not in table.keys}
        if missing:
            merged[name] = Table({**table.keys, **missing}, table.array, table.required, table.hint, table.rules)
    return merged


def key_kind(schema: Mapping[str, Table], section: str, key: str) -> c.Check | Table | None:
    table = schema.get(section)
    return table.keys.get(key) if table is not None else None
