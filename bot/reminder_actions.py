"""What a person does with their own reminders: complete, snooze a day, reschedule, cancel, view.

One home for every route (typed commands, button taps, numbered replies). A reminder is its recipient's
alone: anyone else's ref answers exactly like a reminder that does not exist, and nothing changes. An
action on a card that is no longer open (done, cancelled, or postponed since) changes nothing and says so.
Every change goes through `ctx.update`, so undo restores it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import reminders
from bot.context import Context
from bot.handlers.common import when
from bot.handlers.deals import as_datetime, is_past
from bot.handlers.queries import show_deal
from bot.i18n import Text
from bot.reply import Reply
from domain.activity import Reminder, ReminderStatus
from domain.errors import InvalidValue, NotFound
from domain.reminder_card import CardRef, card_is_open

ASK_EXPIRY = timedelta(minutes=30)


async def own_reminder(ctx: Context, ref: CardRef) -> Reminder:
    reminder = await ctx.uow.reminders.find(ref.reminder_id)
    if reminder is None or reminder.rep_id != ctx.rep_id:
        raise NotFound("提醒", f"R{ref.reminder_id}", "reminder")
    ctx.remember("reminder", reminder)
    return reminder


def _closed(ctx: Context, reminder: Reminder) -> Reply:
    """The answer to an action on a card that is no longer open: what the reminder is now; nothing changed."""
    rid = f"R{reminder.id}"
    if reminder.status is ReminderStatus.DONE:
        return Reply.text(ctx.t(f"{rid} 已经完成了，这次没有改动。", f"{rid} is already done; nothing changed."))
    if reminder.status is ReminderStatus.CANCELLED:
        return Reply.text(ctx.t(f"{rid} 已经取消了，这次没有改动。", f"{rid} was cancelled; nothing changed."))
    due = when(reminder.due_at, ctx)
    return Reply.text(ctx.t(f"这张提醒卡片已经处理过：{rid} 现在是 {due} 提醒，这次没有改动。",
                            f"This reminder card was already answered: {rid} is now due {due}; nothing changed."))


async def _change(ctx: Context, reminder: Reminder, status: ReminderStatus, *, due_at: datetime | None = None,
                  done_at: datetime | None = None) -> None:
    before = (reminder.status.value, reminder.due_at, reminder.done_at, reminder.escalated_at)
    reminder.status = status
    if due_at is not None:  # re-armed: pushed again at its new time, and may escalate again after it
        reminder.due_at, reminder.escalated_at = due_at, None
    reminder.done_at = done_at if done_at is not None else reminder.done_at
    await close_question(ctx)  # an open 改时间 question is answered by any action
    await ctx.update("reminder", reminder, status=[before[0], status.value], due_at=[before[1], reminder.due_at],
                     done_at=[before[2], reminder.done_at], escalated_at=[before[3], reminder.escalated_at])


async def complete(ctx: Context, ref: CardRef) -> Reply:
    reminder = await own_reminder(ctx, ref)
    if not card_is_open(reminder, ref):
        return _closed(ctx, reminder)
    await _change(ctx, reminder, ReminderStatus.DONE, done_at=ctx.now)
    done = Reply.text(ctx.t(f"✅ 已完成 R{reminder.id}：{reminder.text}", f"✅ Done R{reminder.id}: {reminder.text}"))
    if (opp := await reminders.finish_step(ctx, reminder)) is not None:
        done += Reply.text(ctx.t(f"商机 #{opp.id} 的下一步已完成。", f"Deal #{opp.id}'s next step is done."))
    return done.settling(Text("✅ 已完成", "✅ Done"))


async def snooze(ctx: Context, ref: CardRef) -> Reply:
    """A day later than it was due (or than now, when it was due more than a day ago)."""
    reminder = await own_reminder(ctx, ref)
    if not card_is_open(reminder, ref):
        return _closed(ctx, reminder)
    due = reminder.due_at + timedelta(days=1)
    if due <= ctx.now:
        due = ctx.now + timedelta(days=1)
    return await _rearm(ctx, reminder, due, Text("已延后", "Snoozed"))


async def reschedule(ctx: Context, ref: CardRef, value: date | datetime) -> Reply:
    reminder = await own_reminder(ctx, ref)
    if not card_is_open(reminder, ref):
        return _closed(ctx, reminder)
    if is_past(value, ctx.now):
        raise InvalidValue("提醒时间", f"{when(value, ctx)} 已经过去了", field_en="reminder time",
                           reason_en=f"{when(value, ctx)} is in the past")
    reminders.check_time(value, ctx.now)
    return await _rearm(ctx, reminder, as_datetime(value, ctx.now), Text("已改时间", "Rescheduled"))


async def _rearm(ctx: Context, reminder: Reminder, due: datetime, verb: Text) -> Reply:
    """The reminder moves to `due`; the deal's next step it stands for moves by as much."""
    delta = due - reminder.due_at
    await _change(ctx, reminder, ReminderStatus.PENDING, due_at=due)
    at = when(due, ctx)
    moved = Reply.text(ctx.t(f"⏰ {verb.zh} R{reminder.id}，{at} 再提醒你：{reminder.text}",
                             f"⏰ {verb.en} R{reminder.id}; you will be reminded {at}: {reminder.text}"))
    if (opp := await reminders.move_step(ctx, reminder, delta)) is not None:
        step_at = when(opp.next_at, ctx)
        moved += Reply.text(ctx.t(f"商机 #{opp.id} 的下一步改到 {step_at}。",
                                  f"Deal #{opp.id}'s next step moved to {step_at}."))
    return moved.settling(Text(f"{verb.zh}至 {due.astimezone(ctx.now.tzinfo):%m-%d %H:%M}",
                                      f"{verb.en} to {due.astimezone(ctx.now.tzinfo):%m-%d %H:%M}"))


async def ask_time(ctx: Context, ref: CardRef) -> Reply:
    """改时间 without a time: ask for it; the next message that is a time answers (for 30 minutes)."""
    reminder = await own_reminder(ctx, ref)
    if not card_is_open(reminder, ref):
        return _closed(ctx, reminder)
    await ctx.uow.settings.put(ctx.question_key("reminder"),
                               {"card": str(ref), "expires": (ctx.now + ASK_EXPIRY).isoformat()})
    return Reply.text(ctx.t(f"R{reminder.id} 改到什么时候？请直接回复时间，如「明天下午3点」或「2026-12-01 10:00」。",
                            f"When should R{reminder.id} remind you? Reply with the time, like 'tomorrow 3pm' "
                            "or '2026-12-01 10:00'."))


async def close_question(ctx: Context) -> None:
    if await ctx.uow.settings.get(ctx.question_key("reminder")):
        await ctx.uow.settings.put(ctx.question_key("reminder"), None)


async def cancel(ctx: Context, ref: CardRef) -> Reply:
    reminder = await own_reminder(ctx, ref)
    if not card_is_open(reminder, ref):
        return _closed(ctx, reminder)
    await _change(ctx, reminder, ReminderStatus.CANCELLED)
    return Reply.text(ctx.t(f"已取消提醒 R{reminder.id}：{reminder.text}",
                            f"Reminder R{reminder.id} cancelled: {reminder.text}")).settling(
        Text("已取消", "Cancelled"))


async def show(ctx: Context, ref: CardRef) -> Reply:
    """The deal card of the reminder's deal (read only; any card of one's own reminder, open or not)."""
    reminder = await own_reminder(ctx, ref)
    line = Reply.text(ctx.t(f"提醒 R{reminder.id}（{when(reminder.due_at, ctx)}）：{reminder.text}",
                            f"Reminder R{reminder.id} ({when(reminder.due_at, ctx)}): {reminder.text}"))
    if reminder.opportunity_id is None:
        return line
    return line + await show_deal(ctx, reminder.opportunity_id)


STATES = {ReminderStatus.PENDING: ("待提醒", "pending"), ReminderStatus.SENT: ("已提醒，待处理", "sent, waiting"),
          ReminderStatus.DONE: ("已完成", "done"), ReminderStatus.CANCELLED: ("已取消", "cancelled")}


async def overview(ctx: Context, ref: CardRef) -> Reply:
    """`提醒 R12`: the reminder, its state and, while it is open, the commands that act on it."""
    reminder = await own_reminder(ctx, CardRef(ref.reminder_id))
    rid, state = f"R{reminder.id}", STATES[reminder.status]
    lines = [f"{when(reminder.due_at, ctx)}  {reminder.text}", ctx.t(f"状态：{state[0]}", f"State: {state[1]}")]
    if reminder.status in (ReminderStatus.PENDING, ReminderStatus.SENT):
        lines.append(ctx.t(f"操作：提醒 完成 {rid} / 提醒 延后 {rid} / 提醒 改时间 {rid} 明天下午3点 / "
                           f"提醒 查看 {rid} / 提醒 取消 {rid}",
                           f"Actions: reminder done {rid} / reminder snooze {rid} / reminder reschedule {rid} "
                           f"tomorrow 3pm / reminder show {rid} / reminder cancel {rid}"))
    return Reply.card(ctx.t(f"提醒 {rid}", f"Reminder {rid}"), lines=lines)


async def list_open(ctx: Context) -> Reply:
    found = list(await ctx.uow.reminders.open_for(ctx.rep_id))
    if not found:
        return Reply.text(ctx.t("你没有待处理的提醒。", "You have no open reminders."))
    sent = ctx.t("已提醒", "sent")
    lines = [f"R{r.id}  {when(r.due_at, ctx)}  {r.text}" + (f"  [{sent}]" if r.status is ReminderStatus.SENT else "")
             for r in found]
    hint = ctx.t("操作：提醒 完成 R12 / 提醒 延后 R12 / 提醒 改时间 R12 明天下午3点 / 提醒 取消 R12",
                 "Actions: reminder done R12 / reminder snooze R12 / reminder reschedule R12 tomorrow 3pm / "
                 "reminder cancel R12")
    return Reply.card(ctx.t(f"我的提醒（{len(found)}）", f"My reminders ({len(found)})"), lines=[*lines, hint])
