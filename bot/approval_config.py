"""[approvals] in the config -> domain.approvals.ApprovalRules (issue #14). Off unless `enabled = true`;
a threshold of 0 turns its rule off."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.config import Config
from domain.approvals import ApprovalRules

THRESHOLDS = ("max_discount", "min_margin", "contract_amount", "min_first_payment")


def _threshold(section: dict[str, Any], key: str, default: Decimal | None) -> Decimal | None:
    if key not in section:
        return default
    value = Decimal(str(section[key]))
    return None if value == 0 else value


def approval_rules(config: Config) -> ApprovalRules:
    section, defaults = dict(config.section("approvals")), ApprovalRules()
    thresholds = {key: _threshold(section, key, getattr(defaults, key)) for key in THRESHOLDS}
    return ApprovalRules(enabled=bool(section.get("enabled", defaults.enabled)), **thresholds,
                         team_transfer=bool(section.get("team_transfer", defaults.team_transfer)),
                         approver=str(section.get("approver", defaults.approver)),
                         stale_hours=float(section.get("stale_hours", defaults.stale_hours)))
