"""[risks] in the config: thresholds of the risk warnings, with defaults and checked values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.risk_config import risk_settings, scan_interval_minutes
from domain.opportunity import Stage
from domain.risks import RiskSettings


def test_without_a_risks_section_the_defaults_apply() -> None:
    settings = risk_settings(load_config(environ={}))
    assert settings == RiskSettings()
    assert settings.stage_days == {Stage.INITIAL_CONTACT: 21, Stage.PROPOSAL: 14, Stage.NEGOTIATION: 7}
    assert (settings.lead_days, settings.invoice_terms_days, settings.contract_days) == (3, 30, 7)
    assert scan_interval_minutes(load_config(environ={})) == 60.0


def test_thresholds_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text('[bot]\ntimezone = "Europe/Berlin"\n[risks]\nstalled_negotiation_days = 10\n'
                    "stalled_initial_contact_days = 0\ninvoice_terms_days = 45\n", encoding="utf-8")
    settings = risk_settings(load_config(path, environ={"DEALBOT_RISKS_LEAD_DAYS": "5"}))
    assert settings.stage_days == {Stage.PROPOSAL: 14, Stage.NEGOTIATION: 10}  # 0 turns a stage off
    assert (settings.lead_days, settings.invoice_terms_days, settings.timezone) == (5, 45, "Europe/Berlin")


@pytest.mark.parametrize(("line", "message"), [
    ("lead_days = 0", "[risks] lead_days"), ("per_message = 50", "[risks] per_message"),
    ("stalled_proposal_day = 3", "stalled_proposal_days")])
def test_a_bad_threshold_is_refused_naming_the_key(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(f"[risks]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(path, environ={})
