"""The [sms] section (issue #16): the provider's account, templates, our own per-number limits, what goes by
SMS. Secrets (secret_id, secret_key) are redacted wherever the config is shown and never logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Config, ConfigError
from connectors.sms.tencent import DEFAULT_ENDPOINT, TencentSms, TencentSmsSettings
from domain.sms import SmsLimits

DEFAULTS: dict[str, Any] = {
    "enabled": False, "provider": "tencent", "endpoint": DEFAULT_ENDPOINT, "region": "ap-guangzhou",
    "secret_id": "", "secret_key": "", "sdk_app_id": "", "sign_name": "", "timeout": 10.0,
    "per_minute": 1, "per_hour": 5, "per_day": 10, "param_chars": 6,
    "reminders": True, "customer_payment_reminders": False, "payment_catch_up_days": 3,
}
TEMPLATES = ("reminder", "payment")  # [sms.templates] keys: the provider's approved template ids


@dataclass(frozen=True, slots=True)
class SmsSettings:
    """`reminders`: people who opted in get their due reminders by SMS too (template `reminder`);
    `customer_payment_reminders`: customers' contacts get one SMS per payment milestone falling due
    (template `payment`), also when it fell due up to `payment_catch_up_days` ago and the bot was down that
    day (0: only on the day). `param_chars`: the provider's limit per template variable."""

    provider: TencentSmsSettings
    templates: dict[str, str] = field(default_factory=dict)
    limits: SmsLimits = field(default_factory=SmsLimits)
    param_chars: int = 6
    reminders: bool = True
    customer_payment_reminders: bool = False
    timezone: str = "Asia/Shanghai"
    payment_catch_up_days: int = 3

    @property
    def reminder_template(self) -> str:
        return self.templates.get("reminder", "") if self.reminders else ""

    @property
    def payment_template(self) -> str:
        return self.templates.get("payment", "") if self.customer_payment_reminders else ""


def sms_settings(config: Config) -> SmsSettings | None:
    """None unless [sms] enabled = true; ConfigError when enabled without what it needs."""
    values = {**DEFAULTS, **config.section("sms")}
    if not values["enabled"]:
        return None
    if (problem := sms_problem(values)) is not None:
        raise ConfigError(f"[sms] {problem}")
    provider = TencentSmsSettings(
        secret_id=str(values["secret_id"]), secret_key=str(values["secret_key"]),
        sdk_app_id=str(values["sdk_app_id"]), sign_name=str(values["sign_name"]), endpoint=str(values["endpoint"]),
        region=str(values["region"]), timeout=float(values["timeout"]))
    templates = values.get("templates") if isinstance(values.get("templates"), dict) else {}
    assert isinstance(templates, dict)
    return SmsSettings(provider, {k: str(v) for k, v in templates.items()},
                       SmsLimits(int(values["per_minute"]), int(values["per_hour"]), int(values["per_day"])),
                       int(values["param_chars"]), bool(values["reminders"]),
                       bool(values["customer_payment_reminders"]), str(config.get("bot", "timezone", "Asia/Shanghai")),
                       int(values["payment_catch_up_days"]))


def sms_problem(section: dict[str, Any]) -> str | None:
    """What is missing for [sms] enabled = true to work, or None (checked when the config is loaded)."""
    values = {**DEFAULTS, **section}
    if not values["enabled"]:
        return None
    missing = [key for key in ("secret_id", "secret_key", "sdk_app_id", "sign_name") if not str(values[key]).strip()]
    templates = values.get("templates") if isinstance(values.get("templates"), dict) else {}
    assert isinstance(templates, dict)
    wanted = [f"templates.{name}" for name, on in (("reminder", values["reminders"]),
                                                   ("payment", values["customer_payment_reminders"]))
              if on and not str(templates.get(name, "")).strip()]
    if missing or wanted:
        return "enabled = true needs " + ", ".join(missing + wanted)
    if not int(values["per_minute"]) <= int(values["per_hour"]) <= int(values["per_day"]):
        return "per_minute <= per_hour <= per_day, please"
    return None


def build_provider(settings: SmsSettings, clock: Callable[[], datetime] | None = None) -> TencentSms:
    if clock is None:
        return TencentSms(settings.provider)
    return TencentSms(settings.provider, lambda: clock().timestamp())


def templates_check(value: Any) -> str | None:
    """[sms.templates]: reminder / payment = "<approved template id>" (digits)."""
    if not isinstance(value, dict):
        return 'must be a table like reminder = "1234567"'
    unknown = [key for key in value if key not in TEMPLATES]
    if unknown:
        return f"knows only {', '.join(TEMPLATES)} (not {', '.join(map(str, unknown))})"
    if not all(isinstance(v, str) and v.strip().isdigit() for v in value.values()):
        return 'takes the provider\'s template ids in quotes, like reminder = "1234567"'
    return None


def endpoint_check(value: Any) -> str | None:
    ok = isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) > len("https://")
    return None if ok else 'must be the API address, like "https://sms.tencentcloudapi.com"'
