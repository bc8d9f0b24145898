"""[api] keys: defaults, DEALBOT_API_* overrides, and checked values with hints."""

from __future__ import annotations

import pytest

from bot.api.settings import ApiSettings
from bot.config import ConfigError, load_config


def test_defaults_and_environment_overrides() -> None:
    assert ApiSettings.from_config(load_config(environ={})) == ApiSettings()
    config = load_config(environ={"DEALBOT_API_RATE_PER_MINUTE": "5", "DEALBOT_API_MAX_BODY_BYTES": "2048"})
    settings = ApiSettings.from_config(config)
    assert (settings.rate_per_minute, settings.max_body_bytes, settings.idempotency_hours) == (5, 2048, 24)


def test_bad_values_and_misspelt_keys_are_refused_with_a_hint() -> None:
    with pytest.raises(ConfigError, match="rate_per_minute"):
        load_config(environ={"DEALBOT_API_RATE_PER_MINUTE": "0"})
    with pytest.raises(ConfigError, match="rate_per_minute"):
        load_config(environ={"DEALBOT_API_RATE_PER_MINUT": "5"})
