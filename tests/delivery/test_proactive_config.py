"""[proactive] and [[users]] quiet_hours are checked when the config is read; the settings and the job
table come from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from scheduler.proactive import ProactiveSettings, proactive_jobs


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_proactive_settings_are_read_with_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[proactive]\nquiet_hours = "22:00-07:30"\ntick = 30\n'), environ={})
    settings = ProactiveSettings.from_section(config.section("proactive"))
    assert settings == ProactiveSettings(quiet_hours="22:00-07:30", tick=30.0)
    assert ProactiveSettings.from_section({}).quiet_hours == "21:00-08:00"
    jobs = proactive_jobs(lambda: None, settings)  # type: ignore[arg-type,return-value]
    assert [job.id for job in jobs] == ["reminders", "reminder-escalation", "daily-report-drafts", "daily-report-team",
                                        "morning-lists", "digests", "risks", "win-scores", "pool-scan",
                                        "approval-reminders", "project-summary", "feedback-summary"]
    assert all(job.every == 30.0 for job in jobs[2:5])  # daily jobs tick every [proactive] tick


@pytest.mark.parametrize("text", ['[proactive]\nquiet_hours = "9pm-8am"\n',
                                  '[[users]]\nname = "张伟"\nquiet_hours = "21:00-25:00"\n',
                                  '[proactive]\ntick = 0\n'])
def test_bad_proactive_values_are_refused_naming_the_key(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match=r"quiet_hours|tick"):
        load_config(write(tmp_path, text), environ={})
