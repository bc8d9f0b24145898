"""Daily reports (日报) and the morning list: the stored report, local days and times, the settings.

A rep's report for one local day is drafted by the bot from what was recorded that day (`lines`) and what
is due the next day (`plan`); the rep adds lines of their own (`note`, one line each) and confirms it
(draft -> submitted). Pure: the clock and the time zone are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.errors import DomainError, InvalidValue
from domain.people import CHANNEL_ORDER
from domain.quiet import DEFAULT_QUIET

_HHMM = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")
MAX_NOTE_LINE = 500  # characters in one added line


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


@dataclass(slots=True)
class DailyReport:
    rep_id: int
    day: date
    created_at: datetime
    team_id: int | None = None
    status: ReportStatus = ReportStatus.DRAFT
    lines: list[str] = field(default_factory=list)  # what the bot found recorded that day
    plan: list[str] = field(default_factory=list)  # what is due the next day
    note: str = ""  # the rep's own lines, one per line
    submitted_at: datetime | None = None
    id: int | None = None

    @property
    def added(self) -> list[str]:
        return [line for line in self.note.split("\n") if line.strip()]

    @property
    def submitted(self) -> bool:
        return self.status is ReportStatus.SUBMITTED

    def refresh(self, lines: list[str], plan: list[str]) -> None:
        """A draft follows the records until it is submitted; a submitted report stays as it was sent."""
        if not self.submitted:
            self.lines, self.plan = list(lines), list(plan)

    def add_line(self, text: str) -> None:
        line = " ".join(text.split())
        if self.submitted:
            raise ReportAlreadySubmitted(day=self.day.isoformat())
        if not line:
            raise InvalidValue("补充内容", "不能为空，例如：日报 补充 下午和客户开了电话会", field_en="added line",
                               reason_en="it is empty; e.g. daily report add call with the customer")
        if len(line) > MAX_NOTE_LINE:
            raise InvalidValue("补充内容", f"太长（{len(line)} 字），请控制在 {MAX_NOTE_LINE} 字以内",
                               field_en="added line",
                               reason_en=f"too long ({len(line)} characters); keep it under {MAX_NOTE_LINE}")
        self.note = "\n".join([*self.added, line])

    def submit(self, now: datetime) -> bool:
        """False when it was submitted already (a second tap changes nothing)."""
        if self.submitted:
            return False
        self.status, self.submitted_at = ReportStatus.SUBMITTED, now
        return True


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One thing due: a reminder or a deal's next step, at `due_at`."""

    due_at: datetime
    text: str
    opportunity_id: int | None = None


class ReportAlreadySubmitted(DomainError):
    zh = "{day} 的日报已经提交，不能再补充。如需更正，请直接告诉你的经理。"
    en = "The daily report of {day} has been submitted and can no longer be added to. Tell your manager directly."


def parse_hhmm(text: str, what: str = "时间", what_en: str = "time") -> time:
    """"18:30" (also 18：30) -> time(18, 30); anything else is InvalidValue (zh/en)."""
    match = _HHMM.match(str(text))
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
    if hour > 23 or minute > 59:
        raise InvalidValue(what, f"「{text}」应写成 18:30", field_en=what_en,
                           reason_en=f"'{text}' should look like 18:30")
    return time(hour, minute)


def local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day as aware datetimes (23 or 25 hours long on a DST change)."""
    zone = ZoneInfo(timezone)
    return (datetime.combine(day, time(0), zone),
            datetime.combine(day + timedelta(days=1), time(0), zone))


def is_past(now: datetime, timezone: str, at: time) -> bool:
    """True from `at` local time until the end of that local day."""
    return now.astimezone(ZoneInfo(timezone)).time().replace(tzinfo=None) >= at


@dataclass(frozen=True, slots=True)
class DailyReportSettings:
    """[daily_report]: when drafts, team reports and morning lists go out (each person's local time)."""

    draft_at: time = time(18, 30)
    deadline: time = time(20, 0)
    morning_at: time = time(8, 30)
    morning_limit: int = 10  # items shown in the morning list ("另有 N 条" for the rest)
    overdue_days: int = 7  # open reminders overdue up to this many days still show in the morning
    message_chars: int = 1800  # a team's reports are split into messages of at most this many characters
    default_quiet: str = DEFAULT_QUIET
    channel_order: tuple[str, ...] = CHANNEL_ORDER

    @classmethod
    def from_section(cls, section: Mapping[str, Any], *, default_quiet: str = DEFAULT_QUIET,
                     channel_order: tuple[str, ...] = CHANNEL_ORDER) -> DailyReportSettings:
        """From the [daily_report] config section; quiet hours and channel order come from their own."""
        base = cls()
        return cls(
            default_quiet=default_quiet, channel_order=channel_order,
            draft_at=parse_hhmm(section.get("draft_at", "18:30"), "日报草稿时间", "draft_at"),
            deadline=parse_hhmm(section.get("deadline", "20:00"), "日报截止时间", "deadline"),
            morning_at=parse_hhmm(section.get("morning_at", "08:30"), "早间清单时间", "morning_at"),
            morning_limit=int(section.get("morning_limit", base.morning_limit)),
            overdue_days=int(section.get("overdue_days", base.overdue_days)),
            message_chars=int(section.get("message_chars", base.message_chars)))
