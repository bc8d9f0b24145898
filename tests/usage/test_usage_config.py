"""`[usage]` is checked like every section: bad values name the key, typos get a "did you mean"."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.usage.settings import UsageSettings


def _load(tmp_path: Path, text: str) -> UsageSettings:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path, environ={})
    return UsageSettings.from_sections(config.section("usage"), config.section("bot"))


def test_usage_settings_are_read_with_their_defaults(tmp_path: Path) -> None:
    assert _load(tmp_path, "") == UsageSettings()
    found = _load(tmp_path, '[bot]\ntimezone = "UTC"\n[usage]\nretention_days = 30\nsummary_at = "08:15"\n'
                            'flush_seconds = 1.5\nflush_size = 50\nsummary = false\n')
    assert found == UsageSettings(retention_days=30, summary=False, summary_at=time(8, 15), timezone="UTC",
                                  flush_seconds=1.5, flush_size=50)


def test_an_environment_variable_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text("[usage]\nretention_days = 30\n", encoding="utf-8")
    config = load_config(path, environ={"DEALBOT_USAGE_RETENTION_DAYS": "90"})
    assert UsageSettings.from_sections(config.section("usage"), {}).retention_days == 90


@pytest.mark.parametrize(("text", "named"), [
    ("[usage]\nretention_days = -1\n", "retention_days"),
    ('[usage]\nsummary_at = "25:00"\n', "summary_at"),
    ("[usage]\nretension_days = 10\n", "retention_days"),  # did you mean
])
def test_bad_usage_settings_are_refused_naming_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=named):
        load_config(path, environ={})
