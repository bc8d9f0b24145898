"""The weekly project summary's settings (`[delivery] weekly_summary = "fri 17:00"`, local time) and where
each project's summary goes: `项目 P3 绑定群` / `project P3 bind group` stores the conversation it was sent
in (a DingTalk group, the console) or a group robot named after it (`项目 P3 绑定群 交付群`, a robot of
[wecom] / [dingtalk] robots: WeCom's app chats are one-to-one) in the settings row `project-group:<id>`.
A project with no group gets its summary in its manager's chat (else the deal owner's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from scheduler.daily import parse_local_time

if TYPE_CHECKING:
    from bot.config import Config

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
        "周一": 0, "周二": 1, "周三": 2, "周四": 3, "周五": 4, "周六": 5, "周日": 6}
GROUP_KEY = "project-group:{id}"
OFF = ("", "off", "none", "false")
GROUP_CHANNELS = ("dingtalk", "console")  # channels whose conversation can be a group the bot writes to


def parse_weekly(text: str) -> tuple[int, time]:
    """"fri 17:00" -> (4, 17:00); ValueError when it is not "<day> HH:MM"."""
    day, _, clock = text.strip().lower().partition(" ")
    key = day if day in DAYS else day[:3]
    if key in DAYS:
        return DAYS[key], parse_local_time(clock)
    raise ValueError(f"{text!r} is not a day and a time like \"fri 17:00\"")


@dataclass(frozen=True, slots=True)
class WeeklySettings:
    enabled: bool = True
    weekday: int = 4  # Friday
    at: time = time(17, 0)
    timezone: str = "Asia/Shanghai"
    locale: str = "zh"  # what a group reads ([bot] locale)
    interval: float = 300.0  # seconds between looks
    robots: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (channel, robot name)

    @classmethod
    def from_config(cls, config: Config) -> WeeklySettings:
        section = config.section("delivery")
        text = str(section.get("weekly_summary", "fri 17:00"))
        if text.strip().lower() in OFF:
            return cls(enabled=False)
        weekday, at = parse_weekly(text)  # checked when the config was loaded (bot.config_schema)
        robots = frozenset((channel, str(name)) for channel in ("wecom", "dingtalk")
                           for name in _robots(config.section(channel)))
        return cls(True, weekday, at, str(config.get("bot", "timezone", "Asia/Shanghai")),
                   str(config.get("bot", "locale", "zh")), 300.0, robots)

    def due_day(self, now: datetime) -> date | None:
        """This week's summary day once its time has passed (until Sunday night), else None."""
        local = now.astimezone(ZoneInfo(self.timezone))
        day = local.date() - timedelta(days=local.weekday()) + timedelta(days=self.weekday)
        return day if self.enabled and local >= datetime.combine(day, self.at, local.tzinfo) else None


def weekly_problem(value: Any) -> str | None:
    """The config check of `[delivery] weekly_summary`."""
    if isinstance(value, str) and value.strip().lower() in OFF:
        return None
    try:
        parse_weekly(str(value)) if isinstance(value, str) else parse_weekly("")
    except ValueError:
        return 'must be a day and a time in quotes, like "fri 17:00", or "off"'
    return None


def _robots(section: dict[str, Any]) -> list[str]:
    robots = section.get("robots")
    return list(robots) if isinstance(robots, dict) else []


def week_period(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
