"""Quiet hours: when a non-urgent push may reach a person. Pure; the clock is passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidValue

DEFAULT_QUIET = "21:00-08:00"
OFF_WORDS = ("", "off", "none", "无", "关闭")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From `start` to `end` in the person's time zone; start > end spans midnight; start == end: none."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """"21:00-08:00" (also 21:00～08:00, 21:00至08:00); "" or "off"/"无" means no quiet hours."""
        if text.strip().casefold() in OFF_WORDS:
            return cls(time(0), time(0))
        match = _SPAN.match(text)
        hours = [int(g) for g in match.groups()] if match else []
        if not match or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
            raise InvalidValue("免打扰时段", f"「{text}」应写成 21:00-08:00", field_en="quiet hours",
                               reason_en=f"'{text}' should look like 21:00-08:00")
        return cls(time(hours[0], hours[1]), time(hours[2], hours[3]))

    @property
    def off(self) -> bool:
        return self.start == self.end

    def render(self) -> str:
        """"21:00-08:00", or "off": what is stored for a person ("" there means the configured default)."""
        return "off" if self.off else f"{self.start:%H:%M}-{self.end:%H:%M}"

    def covers(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, now: datetime, timezone: str) -> datetime | None:
        """None when `now` is outside quiet hours; else the moment they end (aware, same tz as `now`)."""
        local = now.astimezone(ZoneInfo(timezone))
        if not self.covers(local.time().replace(tzinfo=None)):
            return None
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(now.tzinfo)


def quiet_hours_of(own: str, default: str = DEFAULT_QUIET) -> QuietHours:
    """A person's quiet hours: their own setting, else the configured default."""
    return QuietHours.parse(own if own.strip() else default)
