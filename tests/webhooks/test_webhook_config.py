"""[webhooks] (issue #16): checked keys with "did you mean", environment overrides, the connector built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels import build_channels
from bot.config import ConfigError, load_config
from connectors.webhook.connector import WebhookConnector
from storage.uow import SqlAlchemyUnitOfWork


def never() -> SqlAlchemyUnitOfWork:
    raise AssertionError("building the channel reads no database")


def test_the_channel_takes_its_settings_from_config_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text("[webhooks]\ntimeout = 3\nretry_base_seconds = 1.5\n", encoding="utf-8")
    config = load_config(path, environ={"DEALBOT_WEBHOOKS_MAX_ATTEMPTS": "4"})
    hook = build_channels(config, never)["webhook"]
    assert isinstance(hook, WebhookConnector)
    assert (hook.rules.max_attempts, hook.rules.base_delay, hook.rules.max_delay) == (4, 1.5, 21600.0)
    assert hook.timeout.total == 3.0


def test_on_by_default_and_off_when_disabled() -> None:
    assert isinstance(build_channels(load_config(environ={}), never)["webhook"], WebhookConnector)
    off = load_config(environ={"DEALBOT_WEBHOOKS_ENABLED": "false"})
    assert "webhook" not in build_channels(off, never)


@pytest.mark.parametrize(("text", "problem"), [
    ("[webhooks]\nretry_bas_seconds = 1\n", "unknown key 'retry_bas_seconds' (did you mean 'retry_base_seconds'?)"),
    ("[webhooks]\nmax_attempts = 11\n", "max_attempts"), ("[webhooks]\ntimeout = -1\n", "timeout")])
def test_bad_values_are_refused_by_name(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert problem in str(caught.value) and "[webhooks]" in str(caught.value)


@pytest.mark.parametrize(("text", "environ", "problem"), [
    ("[webhooks]\nretry_base_seconds = 600\nretry_max_seconds = 300\n", {},
     "[webhooks] retry_base_seconds must not be larger than retry_max_seconds (got 600 > 300)"),
    ("[webhooks]\nretry_base_seconds = 30000\n", {},
     "[webhooks] retry_base_seconds must not be larger than retry_max_seconds (got 30000 > 21600, the default)"),
    ("[webhooks]\nretry_max_seconds = 10\n", {},
     "[webhooks] retry_max_seconds must not be smaller than retry_base_seconds (got 10 < 30, the default)"),
    ("[webhooks]\nretry_max_seconds = 300\n", {"DEALBOT_WEBHOOKS_RETRY_BASE_SECONDS": "301"},
     "(got 301 > 300): the first wait would be longer than the longest; lower retry_base_seconds or raise "
     "retry_max_seconds (from environment variable DEALBOT_WEBHOOKS_RETRY_BASE_SECONDS)")])
def test_a_first_wait_longer_than_the_longest_is_refused_at_load(tmp_path: Path, text: str, environ: dict[str, str],
                                                                  problem: str) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ=environ)
    assert problem in str(caught.value) and "lower retry_base_seconds or raise retry_max_seconds" in str(caught.value)


def test_a_first_wait_as_long_as_the_longest_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text("[webhooks]\nretry_base_seconds = 300\nretry_max_seconds = 300\n", encoding="utf-8")
    hook = build_channels(load_config(path, environ={}), never)["webhook"]
    assert isinstance(hook, WebhookConnector) and (hook.rules.base_delay, hook.rules.max_delay) == (300.0, 300.0)
