"""Follow-ups (what happened) and reminders (what is due next)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FollowUpKind(StrEnum):
    NOTE = "note"
    CALL = "call"  # 电话
    VISIT = "visit"  # 拜访
    MEETING = "meeting"  # 会议
    EMAIL = "email"  # 邮件
    WECHAT = "wechat"
    IMPORTED = "imported"  # 导入: a follow-up date from another system (`dealbot import deals`), kind unknown


@dataclass(slots=True)
class FollowUp:
    rep_id: int | None
    note: str
    at: datetime
    opportunity_id: int | None = None
    customer_id: int | None = None
    lead_id: int | None = None
    contact_id: int | None = None
    kind: FollowUpKind = FollowUpKind.NOTE
    next_step: str = ""
    next_at: datetime | None = None
    id: int | None = None


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"  # pushed to the recipient; waits for 完成 / 延后 (or escalates)
    DONE = "done"
    CANCELLED = "cancelled"


class ReminderKind(StrEnum):
    NEXT_STEP = "next_step"  # a deal's next step (bot.reminders)
    FOLLOWUP = "followup"  # a follow-up due
    CUSTOM = "custom"  # set by hand


@dataclass(slots=True)
class Reminder:
    rep_id: int
    due_at: datetime
    text: str
    opportunity_id: int | None = None
    followup_id: int | None = None
    status: ReminderStatus = ReminderStatus.PENDING
    kind: ReminderKind = ReminderKind.NEXT_STEP
    sent_at: datetime | None = None
    done_at: datetime | None = None
    escalated_at: datetime | None = None
    id: int | None = None
