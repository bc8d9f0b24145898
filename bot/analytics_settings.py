"""[analytics]: how questions and the numbers commands answer (funnel window, list sizes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AnalyticsSettings:
    funnel_days: int = 90  # stage-to-stage conversion and cycle time over the last N days
    leaderboard_size: int = 10  # reps listed by 排行 / leaderboard
    list_size: int = 10  # deals listed by stalled / overdue answers (the count is always the true total)

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> AnalyticsSettings:
        return cls(funnel_days=int(section.get("funnel_days", 90)),
                   leaderboard_size=int(section.get("leaderboard_size", 10)),
                   list_size=int(section.get("list_size", 10)))
