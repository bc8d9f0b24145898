"""Reminder commands (`提醒 完成 R12`, `reminder snooze R12`, ...), the list, and the router hook that reads
the short answers: a bare "1".."4" (the numbered actions of the person's latest reminder card), a bare
`提醒`, and a time after 改时间 asked for one. Button taps arrive as the same commands (bot.reminder_actions)."""

from __future__ import annotations

from datetime import date, datetime

from bot import reminder_actions as act
from bot import values
from bot.args import Args
from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.registry import command
from bot.reply import Reply
from domain.activity import Reminder
from domain.reminder_card import (
    NUMBERED,
    Action,
    CardRef,
    card_is_open,
    card_key,
    latest_card,
    numbered_hint,
    recent_cards,
)

LIST_WORDS = frozenset({"提醒", "reminder"})
NUMBERS = {str(n): action for n, action in enumerate(NUMBERED, 1)}
NUMBER_OF = {action: n for n, action in NUMBERS.items()}
COMMAND_WORDS = {Action.DONE: ("提醒 完成", "reminder done"), Action.SNOOZE: ("提醒 延后", "reminder snooze"),
                 Action.RESCHEDULE: ("提醒 改时间", "reminder reschedule"), Action.SHOW: ("提醒 查看", "reminder show")}
TIME_USAGE = Text("提醒 改时间 R12 明天下午3点", "reminder reschedule R12 tomorrow 3pm")


def card_ref(args: Args) -> CardRef:
    for i, token in enumerate(args.tokens):
        if (ref := CardRef.parse(token)) is not None:
            del args.tokens[i]
            return ref
    raise args.fail("缺少提醒号（如 R12，发送「提醒」查看你的提醒）",
                    "missing the reminder number (like R12; send 'reminders' to see yours)")


def time_of(args: Args) -> date | datetime | None:
    """The time written, also one in the past ("昨天下午3点", which a date argument does not look for):
    the action then refuses it as past, rather than as unreadable."""
    typed = values.typed_when(args.tokens, args.now) if args.tokens else None
    if typed is not None and typed.words == len(args.tokens) and not typed.rest:
        args.tokens = []
        return typed.value
    return args.when()


@command("我的提醒", "reminders", "提醒列表", section="reminders", writes=False,
         help_zh="列出我待处理的提醒（也可以只发「提醒」）", help_en="List my open reminders",
         usage_zh="提醒", usage_en="reminders")
async def list_reminders(ctx: Context, args: Args) -> Reply:
    return await act.list_open(ctx)


@command("提醒 完成", "reminder done", section="reminders", prefix=False,
         help_zh="把提醒标记为完成（提醒卡片上的「完成」，或回复 1）",
         help_en="Mark a reminder done (the card's Done button, or reply 1)",
         usage_zh="提醒 完成 R12", usage_en="reminder done R12")
async def complete_reminder(ctx: Context, args: Args) -> Reply:
    return await act.complete(ctx, card_ref(args))


@command("提醒 延后", "提醒 延后一天", "reminder snooze", section="reminders", prefix=False,
         help_zh="提醒延后一天（或回复 2）", help_en="Snooze a reminder by one day (or reply 2)",
         usage_zh="提醒 延后 R12", usage_en="reminder snooze R12")
async def snooze_reminder(ctx: Context, args: Args) -> Reply:
    return await act.snooze(ctx, card_ref(args))


@command("提醒 改时间", "reminder reschedule", section="reminders", prefix=False,
         help_zh="修改提醒时间（或回复 3 后再发时间）", help_en="Move a reminder to another time (or reply 3)",
         usage_zh="提醒 改时间 R12 明天下午3点", usage_en="reminder reschedule R12 tomorrow 3pm")
async def reschedule_reminder(ctx: Context, args: Args) -> Reply:
    ref = card_ref(args)
    value = time_of(args)
    if value is None:
        if args.tokens:  # words that are not a time
            raise args.fail(f"看不懂时间「{' '.join(args.tokens)}」", f"cannot read the time '{' '.join(args.tokens)}'")
        return await act.ask_time(ctx, ref)
    return await act.reschedule(ctx, ref, value)


@command("提醒 查看", "reminder show", section="reminders", prefix=False, writes=False,
         help_zh="查看提醒对应的商机卡片（或回复 4）", help_en="Show the deal card of a reminder (or reply 4)",
         usage_zh="提醒 查看 R12", usage_en="reminder show R12")
async def show_reminder(ctx: Context, args: Args) -> Reply:
    return await act.show(ctx, card_ref(args))


@command("提醒 取消", "提醒 删除", "reminder cancel", "reminder delete", section="reminders", prefix=False,
         help_zh="取消自己的一条提醒", help_en="Cancel one of my reminders",
         usage_zh="提醒 取消 R12", usage_en="reminder cancel R12")
async def cancel_reminder(ctx: Context, args: Args) -> Reply:
    return await act.cancel(ctx, card_ref(args))


async def answer_reminder(ctx: Context, text: str) -> Reply | None:
    """The router's hook: None when `text` is none of the short answers this module reads."""
    word = text.strip()
    if word.casefold() in LIST_WORDS:
        return await act.list_open(ctx)
    if word in NUMBERS:
        return await _numbered(ctx, NUMBERS[word])
    head, _, rest = word.partition(" ")
    if head.casefold() in LIST_WORDS | {"reminders"} and (one := CardRef.parse(rest)) is not None:
        return await act.overview(ctx, one)  # 提醒 R12
    record = await ctx.open_question("reminder")
    ref = CardRef.parse(str(record.get("card", ""))) if record else None
    if ref is None:
        return None
    args = Args(word, TIME_USAGE, ctx.now)
    value = time_of(args)
    if value is None or args.tokens:  # not (only) a time: set the question aside
        return None
    return await act.reschedule(ctx, ref, value)


async def _numbered(ctx: Context, action: Action) -> Reply:
    """A bare number answers the person's card; when several recent cards are still open, it asks which."""
    record = await ctx.uow.settings.get(card_key(ctx.rep_id))
    ref = latest_card(record)
    if ref is None:
        raise UsageError(problem=f"没有可以用数字回复的提醒卡片（{numbered_hint('zh')} 只用于收到的提醒）",
                         problem_en=f"there is no reminder card to answer with a number ({numbered_hint('en')} "
                                    "works on a reminder you received)",
                         usage="提醒 完成 R12（发送「提醒」查看你的提醒）",
                         usage_en="reminder done R12 (send 'reminders' to see yours)")
    still_open = [(card, found) for card in recent_cards(record, ctx.now) if (found := await _open_card(ctx, card))]
    if len(still_open) > 1:
        return _which(ctx, action, [found for _, found in still_open])
    if still_open:  # the one recent card still open (the latest may have been answered already)
        ref = still_open[0][0]
    if action is Action.DONE:
        return await act.complete(ctx, ref)
    if action is Action.SNOOZE:
        return await act.snooze(ctx, ref)
    if action is Action.RESCHEDULE:
        return await act.ask_time(ctx, ref)
    return await act.show(ctx, ref)


async def _open_card(ctx: Context, ref: CardRef) -> Reminder | None:
    reminder = await ctx.uow.reminders.find(ref.reminder_id)
    if reminder is None or reminder.rep_id != ctx.rep_id or not card_is_open(reminder, ref):
        return None
    return reminder


def _which(ctx: Context, action: Action, cards: list[Reminder]) -> Reply:
    """Several cards are open: nothing is guessed; each is listed with the command that answers it."""
    zh, en = COMMAND_WORDS[action]
    lines = [f"R{r.id}  {r.text}  → " + ctx.t(f"{zh} R{r.id}", f"{en} R{r.id}") for r in cards]
    return Reply.text(ctx.t(f"你有 {len(cards)} 张提醒卡片还没处理，「{NUMBER_OF[action]}」是指哪一张？请发送：",
                            f"You have {len(cards)} open reminder cards; which one does '{NUMBER_OF[action]}' "
                            "answer? Send:"), *lines)
