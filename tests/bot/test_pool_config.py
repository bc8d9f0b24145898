"""`[pool]` and `[[teams]] pool = {...}` (issue #14): defaults, overrides per team, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.pool_config import pool_settings
from domain.pool import ReclaimRules, Scope


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "dealbot.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ={})


def test_defaults_then_company_then_team_rules(tmp_path: Path) -> None:
    assert pool_settings(load_config(environ={})).rules == ReclaimRules()
    path = tmp_path / "dealbot.toml"
    path.write_text('[pool]\nno_followup_days = 45\nscope = "company"\nprotected_tags = "战略客户, VIP"\n'
                    '[[teams]]\nname = "华东一组"\npool = {no_followup_days = 20, warn_days = 2}\n'
                    '[[teams]]\nname = "华南一组"\n', encoding="utf-8")
    config = load_config(path, environ={})
    settings = pool_settings(config)
    assert settings.rules.no_followup_days == 45 and settings.scope is Scope.COMPANY
    assert settings.rules_for("华东一组") == ReclaimRules(no_followup_days=20, warn_days=2)
    assert settings.rules_for("华南一组") == settings.rules and settings.rules_for(None) == settings.rules
    assert settings.tag_protects(["vip"]) and not settings.tag_protects(["重点客户"])
    assert settings.pool_of(3) is None


@pytest.mark.parametrize(("text", "said"), [
    ("[pool]\nno_followup_days = -1\n", "[pool] no_followup_days must be a whole number from 0 to 3650"),
    ('[pool]\nscope = "region"\n', "[pool] scope must be one of team, company"),
    ("[pool]\nno_followup_day = 3\n", "[pool]: unknown key 'no_followup_day' (did you mean 'no_followup_days'?)"),
    ('[pool]\nscan_at = "25:00"\n', "[pool] scan_at must be a time of day"),
    ('[[teams]]\nname = "华东一组"\npool = {no_followup = 3}\n', "pool has an unknown key 'no_followup'"),
    ('[[teams]]\nname = "华东一组"\npool = 20\n', "pool must be a table like {no_followup_days = 20}"),
    ('[[teams]]\nname = "华东一组"\npool = {warn_days = "x"}\n', "pool warn_days must be a whole number"),
])
def test_bad_pool_config_is_one_clear_error(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ConfigError, match=None) as raised:
        load(tmp_path, text)
    assert said in str(raised.value)


def test_a_warning_as_long_as_a_rule_is_refused(tmp_path: Path) -> None:
    config = load_config(environ={})
    config.sections["pool"] = {"no_followup_days": 5, "warn_days": 5}
    with pytest.raises(ConfigError, match=r"\[pool\] warn_days \(5\) must be smaller than the shortest reclaim rule"):
        pool_settings(config)
    config.sections["pool"] = {}
    config.sections["teams"] = [{"name": "华东一组", "pool": {"no_win_days": 2, "no_followup_days": 0}}]
    with pytest.raises(ConfigError, match="华东一组 pool: warn_days"):
        pool_settings(config)
