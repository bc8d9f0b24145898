"""Start-up config mistakes found in review: they stop start-up with a message naming the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import bootstrap
from bot.cli import main
from bot.config import Config, ConfigError, load_config

TEAMS = [{"name": "华东一组", "region": "华东"}]
GOOD_USER = {"name": "张伟", "role": "rep", "team": "华东一组", "console": "zhangwei"}


def config_with(tmp_path: Path, **sections: Any) -> Config:
    config = load_config(environ={})
    config.sections["database"]["url"] = f"sqlite+aiosqlite:///{tmp_path / 'dealbot.db'}"
    config.sections.update({"teams": TEAMS, "users": [GOOD_USER], **sections})
    return config


async def test_start_up_refuses_a_user_with_an_unknown_role(tmp_path: Path) -> None:
    config = config_with(tmp_path, users=[GOOD_USER, {"name": "李娜", "role": "sales", "team": "华东一组"}])
    with pytest.raises(ConfigError, match="role"):
        await bootstrap(config)


async def test_start_up_refuses_a_user_with_an_unknown_time_zone(tmp_path: Path) -> None:
    config = config_with(tmp_path, users=[{**GOOD_USER, "timezone": "Asia/Shanghia"}])
    with pytest.raises(ConfigError, match="timezone"):
        await bootstrap(config)


async def test_start_up_refuses_an_assignment_rule_naming_an_unknown_rep(tmp_path: Path) -> None:
    config = config_with(tmp_path, assignment=[{"regions": ["华东"], "rep": "张伟伟"}])
    with pytest.raises(ConfigError, match="张伟伟"):
        await bootstrap(config)


async def test_start_up_refuses_an_assignment_rule_naming_an_unknown_team(tmp_path: Path) -> None:
    config = config_with(tmp_path, assignment=[{"regions": ["华东"], "team": "华东二组"}])
    with pytest.raises(ConfigError, match="华东二组"):
        await bootstrap(config)


async def test_start_up_refuses_a_budget_bound_that_is_not_a_number(tmp_path: Path) -> None:
    config = config_with(tmp_path, assignment=[{"regions": ["华东"], "team": "华东一组", "min_budget": "abc"}])
    with pytest.raises(ConfigError, match="budget"):
        await bootstrap(config)


async def test_start_up_refuses_an_unknown_default_team(tmp_path: Path) -> None:
    config = config_with(tmp_path)
    config.sections["bot"]["default_team"] = "华东二组"
    with pytest.raises(ConfigError, match="default_team"):
        await bootstrap(config)


def test_cli_reports_a_config_error_without_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dealbot.toml").write_text(
        '[[assignment]]\nregions = ["华东"]\nrep = "nobody"\n', encoding="utf-8")
    assert main(["--config", str(tmp_path / "dealbot.toml"), "demo"]) == 2
    assert "nobody" in capsys.readouterr().err
