"""[sms] in the config: checked with hints, DEALBOT_SMS_* overrides, secrets redacted, the channel built."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels import build_channels
from bot.config import Config, ConfigError, load_config
from bot.sms_config import sms_settings
from scheduler.sms_channel import ThrottledSms

GOOD = """
[sms]
enabled = true
endpoint = "http://127.0.0.1:9/"
secret_id = "AKIDexample"
secret_key = "s3cr3t-value"
sdk_app_id = "1400006666"
sign_name = "明途科技"
customer_payment_reminders = true
per_hour = 4

[sms.templates]
reminder = "1001"
payment = "1002"
"""


def _load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Config:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ=environ or {})


def test_a_full_section_gives_the_settings_and_the_channel(tmp_path: Path) -> None:
    config = _load(tmp_path, GOOD, {"DEALBOT_SMS_SECRET_KEY": "0123456789"})
    settings = sms_settings(config)
    assert settings is not None and settings.provider.secret_key == "0123456789"  # digits stay text
    assert (settings.reminder_template, settings.payment_template) == ("1001", "1002")
    assert (settings.limits.per_minute, settings.limits.per_hour, settings.limits.per_day) == (1, 4, 10)
    assert settings.payment_catch_up_days == 3  # the default: late payment reminders up to 3 days
    shown = repr(config) + repr(settings)
    assert "0123456789" not in shown and "AKIDexample" not in shown
    channels = build_channels(config, lambda: None)  # type: ignore[arg-type, return-value]
    assert isinstance(channels["sms"], ThrottledSms)


def test_off_by_default_and_no_channel(tmp_path: Path) -> None:
    config = load_config(environ={})
    assert sms_settings(config) is None and "sms" not in build_channels(config, lambda: None)  # type: ignore[arg-type, return-value]


@pytest.mark.parametrize(("text", "says"), [
    ("[sms]\nsign = \"x\"\n", "did you mean 'sign_name'"),
    ("[sms]\nendpoint = \"sms.tencentcloudapi.com\"\n", "must be the API address"),
    ("[sms]\nprovider = \"aliyun\"\n", "provider"),
    ("[sms]\nper_minute = 0\n", "per_minute"),
    ("[sms]\npayment_catch_up_days = -1\n", "payment_catch_up_days.*whole number from 0 to 31"),
    ("[sms]\npayment_catch_up_days = \"3\"\n", "payment_catch_up_days.*whole number from 0 to 31"),
    ("[sms.templates]\nremind = \"1001\"\n", "knows only reminder, payment"),
    ("[sms.templates]\nreminder = 1001\n", "template ids in quotes"),
])
def test_bad_values_are_refused_with_a_hint(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        _load(tmp_path, text)


def test_enabled_without_the_account_names_what_is_missing_not_the_values(tmp_path: Path) -> None:
    config = _load(tmp_path, "[sms]\nenabled = true\nsecret_key = \"s3cr3t-value\"\n")
    with pytest.raises(ConfigError) as caught:
        sms_settings(config)
    message = str(caught.value)
    assert "secret_id" in message and "sdk_app_id" in message and "templates.reminder" in message
    assert "s3cr3t-value" not in message
