"""[risks] in the config -> domain.risks.RiskSettings (thresholds of the risk warnings, issue #11)."""

from __future__ import annotations

from typing import Any

from bot.config import Config
from domain.opportunity import Stage
from domain.risks import RiskSettings

STAGE_KEYS = {"stalled_initial_contact_days": Stage.INITIAL_CONTACT, "stalled_proposal_days": Stage.PROPOSAL,
              "stalled_negotiation_days": Stage.NEGOTIATION}
PLAIN_KEYS = ("lead_days", "payment_soon_days", "invoice_terms_days", "contract_days", "lookback_days",
              "per_message", "top_items")


def risk_settings(config: Config) -> RiskSettings:
    """Defaults (RiskSettings) overridden by [risks]; days counted in [bot] timezone. A stage set to 0
    never counts as stalled."""
    section = config.section("risks")
    defaults = RiskSettings()
    stage_days = dict(defaults.stage_days)
    for key, stage in STAGE_KEYS.items():
        if key in section:
            stage_days[stage] = int(section[key])
    values: dict[str, Any] = {key: int(section[key]) for key in PLAIN_KEYS if key in section}
    return RiskSettings(**values, stage_days={s: d for s, d in stage_days.items() if d > 0},
                        timezone=str(config.get("bot", "timezone", defaults.timezone)),
                        enabled=bool(section.get("enabled", True)),
                        incremental=bool(section.get("incremental", True)))


def scan_interval_minutes(config: Config) -> float:
    """How often `dealbot serve` should run scheduler.risks.scan_risks ([risks] interval_minutes, 60)."""
    return float(config.get("risks", "interval_minutes", 60.0))
