"""`[pool]` and `[[teams]] pool = {...}` in the config -> domain.pool.PoolSettings (the lead pool, issue #14),
and `[pool]`'s scan settings -> scheduler.pool.PoolScanSettings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from bot.config import Config, ConfigError
from bot.config_checks import whole
from domain.pool import DEFAULT_PROTECTED_TAGS, PoolSettings, ReclaimRules, Scope

RULE_KEYS = tuple(f.name for f in fields(ReclaimRules))
DAY_CHECK = whole(0, 3650)


def team_pool(value: Any) -> str | None:
    """`pool = {no_followup_days = 20, warn_days = 2}` in a [[teams]] block: any of the rule keys."""
    if not isinstance(value, Mapping):
        return "must be a table like {no_followup_days = 20}"
    for key, days in value.items():
        if key not in RULE_KEYS:
            return f"has an unknown key '{key}' (known: {', '.join(RULE_KEYS)})"
        if (problem := DAY_CHECK(days)) is not None:
            return f"{key} {problem}"
    return None


def _rules(values: Mapping[str, Any], base: ReclaimRules, where: str) -> ReclaimRules:
    rules = ReclaimRules(**{key: int(values.get(key, getattr(base, key))) for key in RULE_KEYS})
    deadlines = [d for d in (rules.no_followup_days, rules.no_open_deal_days, rules.no_win_days,
                             rules.lead_no_followup_days) if d]
    if deadlines and rules.warn_days >= min(deadlines):
        raise ConfigError(f"{where} warn_days ({rules.warn_days}) must be smaller than the shortest reclaim rule "
                          f"({min(deadlines)} days), or the owner is warned before they could act")
    return rules


def _tags(value: Any) -> tuple[str, ...]:
    items = value.replace("，", ",").split(",") if isinstance(value, str) else list(value)
    return tuple(t.strip() for t in items if str(t).strip())


def pool_settings(config: Config) -> PoolSettings:
    """Defaults (domain.pool.ReclaimRules) overridden by [pool], then per team by its `pool` table."""
    section = config.section("pool")
    company = _rules(section, ReclaimRules(), "[pool]")
    teams = {str(team["name"]): _rules(team["pool"], company, f"[[teams]] {team['name']} pool:")
             for team in config.list("teams") if isinstance(team.get("pool"), Mapping)}
    return PoolSettings(rules=company, scope=Scope(str(section.get("scope", "team"))),
                        protected_tags=_tags(section.get("protected_tags", DEFAULT_PROTECTED_TAGS)), teams=teams)
