"""The `[digest]` config section as one value (read by bootstrap / the CLI, passed to the job)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from domain.errors import InvalidValue
from domain.insights import DEFAULT_STALL_DAYS
from domain.opportunity import Stage
from domain.quiet import DEFAULT_QUIET

STALL_KEYS = {"stalled_initial_contact": Stage.INITIAL_CONTACT, "stalled_proposal": Stage.PROPOSAL,
              "stalled_negotiation": Stage.NEGOTIATION}


@dataclass(frozen=True, slots=True)
class DigestSettings:
    enabled: bool = True
    time: time = time(18, 0)  # local time of each manager (their time zone)
    timezone: str = "Asia/Shanghai"  # for a team without a manager (the CLI preview)
    conversion_days: int = 90  # stage-to-stage conversion and cycle time over this window
    top_reps: int = 5
    list_limit: int = 10  # lines listed per stalled / overdue section (counts are always complete)
    at_risk_limit: int = 5  # customers listed under 客户健康预警 (lowest health first)
    movers_limit: int = 5  # deals listed under 赢单概率变化 (largest move first)
    movement_limit: int = 30
    trend_weeks: int = 8
    stall_days: Mapping[Stage, int] = field(default_factory=lambda: dict(DEFAULT_STALL_DAYS))
    font: str = ""  # a CJK font file for the charts; "" = the bundled Noto Sans CJK SC
    interval: float = 300.0  # seconds between runs of the job (for scheduler.runner)
    quiet_hours: str = DEFAULT_QUIET  # [proactive] quiet_hours: the default for managers without their own
    # [digest] team_groups: team name -> the chat channels whose group robot of that team also gets its digest
    group_channels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    locale: str = "zh"  # [bot] locale: the language of what a team's group gets

    @classmethod
    def from_section(cls, section: Mapping[str, Any], timezone: str = "Asia/Shanghai") -> DigestSettings:
        base = cls()
        stall = dict(base.stall_days)
        stall.update({stage: int(section[key]) for key, stage in STALL_KEYS.items() if key in section})
        return cls(
            enabled=bool(section.get("enabled", base.enabled)),
            time=parse_time(str(section.get("time", "18:00"))), timezone=timezone,
            conversion_days=int(section.get("conversion_days", base.conversion_days)),
            top_reps=int(section.get("top_reps", base.top_reps)),
            list_limit=int(section.get("list_limit", base.list_limit)),
            movement_limit=int(section.get("movement_limit", base.movement_limit)),
            trend_weeks=int(section.get("trend_weeks", base.trend_weeks)),
            stall_days=stall, font=str(section.get("font", "")),
            interval=float(section.get("interval", base.interval)))


def parse_time(text: str) -> time:
    """"18:00" -> 18:00; anything else raises InvalidValue saying how to write it."""
    hours, _, minutes = text.strip().partition(":")
    if hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2:
        return time(int(hours), int(minutes))
    raise InvalidValue("每日简报发送时间", f"「{text}」应写成 18:00", field_en="digest time",
                       reason_en=f"'{text}' should look like 18:00")
