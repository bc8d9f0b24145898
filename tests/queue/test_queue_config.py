"""The `[queue]` and `[scheduler] shutdown_grace` keys: defaults, the example file, the environment."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from bot.work_queue import QueueSettings
from domain.messaging import RetryPolicy


def test_defaults_are_the_documented_ones() -> None:
    config = load_config(environ={})
    assert QueueSettings.from_section(config.section("queue")) == QueueSettings(
        lease_seconds=60.0, sweep_interval=5.0, max_attempts=5, retry_base_delay=2.0)
    assert config.get("scheduler", "shutdown_grace") == 10.0


def test_small_values_from_the_environment_are_taken_as_they_are() -> None:
    config = load_config(environ={"DEALBOT_QUEUE_LEASE_SECONDS": "3", "DEALBOT_QUEUE_SWEEP_INTERVAL": "0.5",
                                  "DEALBOT_QUEUE_MAX_ATTEMPTS": "2", "DEALBOT_SCHEDULER_SHUTDOWN_GRACE": "1"})
    settings = QueueSettings.from_section(config.section("queue"))
    assert (settings.lease_seconds, settings.sweep_interval, settings.max_attempts) == (3.0, 0.5, 2)
    assert settings.policy == RetryPolicy(max_attempts=2, base_delay=2.0)
    assert config.get("scheduler", "shutdown_grace") == 1


def test_the_example_config_documents_the_queue_keys() -> None:
    config = load_config(Path(__file__).parents[2] / "config" / "dealbot.example.toml", environ={})
    assert QueueSettings.from_section(config.section("queue")) == QueueSettings()
    assert config.get("scheduler", "shutdown_grace") == 10.0
