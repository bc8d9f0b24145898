"""What the bot pushes about reminders: the reminder card at its due time, the escalation to the manager."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.activity import Reminder
from domain.people import Rep
from domain.reminder_card import buttons, card_of, numbered_hint, stamp
from scheduler.push import Push

BUTTON_CHANNELS = ("wecom",)  # channels that render `extra["buttons"]` as tappable buttons


def reminder_push(reminder: Reminder, locale: str, with_buttons: bool) -> Push:
    """The card for one due reminder: urgent (at the time asked for), unique per reminder and due time, so a
    postponed reminder is pushed again at its new time. Without buttons, the text says what to reply."""
    assert reminder.id is not None
    head = (f"⏰ Reminder R{reminder.id}: " if locale == "en" else f"⏰ 提醒 R{reminder.id}：") + reminder.text
    text = head if with_buttons else f"{head}\n{numbered_hint(locale, reminder.id)}"
    return Push(kind="reminder", period=f"{reminder.id}:{reminder.due_at.isoformat()}", text=text, urgent=True,
                buttons=buttons(reminder, locale) if with_buttons else (), extra={"card": str(card_of(reminder))})


def escalation_push(reminder: Reminder, owner: Rep, manager: Rep, now: datetime) -> Push:
    """To the owner's manager: who, what, when it was due and how late. Not urgent (quiet hours apply)."""
    assert reminder.id is not None
    due = reminder.due_at.astimezone(ZoneInfo(manager.timezone))
    late = _late(now - reminder.due_at, manager.locale)
    if manager.locale == "en":
        text = (f"⚠️ Overdue reminder R{reminder.id} of {owner.name}: {reminder.text} — due "
                f"{due:%Y-%m-%d %H:%M}, {late} late and still not done.")
    else:
        text = (f"⚠️ 逾期提醒：{owner.name} 的提醒 R{reminder.id}「{reminder.text}」应于 {due:%Y-%m-%d %H:%M} 处理，"
                f"已逾期 {late}，仍未完成。")
    return Push(kind="reminder_escalation", period=f"{reminder.id}:{stamp(reminder.due_at)}", text=text)


def _late(delta: timedelta, locale: str) -> str:
    hours = max(0, int(delta.total_seconds() // 3600))
    days, hours = divmod(hours, 24)
    if locale == "en":
        return " ".join(part for part in (f"{days} d" if days else "", f"{hours} h" if hours or not days else "")
                        if part)
    return (f"{days}天" if days else "") + (f"{hours}小时" if hours or not days else "")
