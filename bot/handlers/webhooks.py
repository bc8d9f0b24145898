"""`推送` / `webhook`: outgoing webhook subscriptions (issue #16), admins only.

- `推送 新建 https://erp.example.cn/hook 事件 赢单,回款` / `webhook new URL events deal.won,payment.received`
  (no events: all of them): stores the subscription and answers its signing secret once (privately when asked
  in a group);
- `推送` / `推送 列表`; `推送 停用|启用|删除 W2`;
- `推送 测试 W2`, `推送 失败`, `推送 重发 D17`: bot.handlers.webhook_deliveries.
"""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery.access import store
from bot.handlers.dashboard import private_target
from bot.handlers.webhook_deliveries import dead_letters, replay, send_ping
from bot.registry import command
from bot.reply import Reply
from domain.errors import DomainError, NotFound
from domain.messaging import OutboxItem
from domain.people import Role
from domain.webhooks import Subscription, check_url, describe, new_secret, parse_events

NEW, LIST = ("新建", "新增", "添加", "new", "add", "create"), ("列表", "list")
STATES = {"停用": False, "disable": False, "pause": False, "启用": True, "enable": True, "resume": True}
DELETE, TEST = ("删除", "delete", "remove"), ("测试", "test", "ping")
FAILED, REPLAY = ("失败", "死信", "failed", "dead"), ("重发", "replay", "resend")
EVENT_WORDS = ("事件", "events", "event")


class AdminsOnly(DomainError):
    zh = "只有管理员可以管理推送（webhook）。"
    en = "Only admins can manage webhooks."


@command("推送", "webhook", "webhooks", section="general", prefix=False,
         help_zh="向外部系统推送事件（管理员）：新建 / 列表 / 停用 / 启用 / 删除 / 测试 / 失败 / 重发",
         help_en="Push events to other systems (admins): new / list / disable / enable / delete / test / failed / "
                 "replay",
         usage_zh="推送 新建 https://erp.example.cn/hook 事件 赢单,回款 | 推送 列表 | 推送 停用 W2 | 推送 启用 W2 | "
                  "推送 删除 W2 | 推送 测试 W2 | 推送 失败 | 推送 重发 D17",
         usage_en="webhook new https://erp.example.cn/hook events deal.won,payment.received | webhook list | "
                  "webhook disable W2 | webhook enable W2 | webhook delete W2 | webhook test W2 | webhook failed | "
                  "webhook replay D17")
async def manage_webhooks(ctx: Context, args: Args) -> Reply:
    if ctx.rep.role is not Role.ADMIN:
        raise AdminsOnly()
    word = args.tokens.pop(0).casefold() if args.tokens else "列表"
    if word in NEW:
        return await _create(ctx, args)
    if word in LIST:
        return await _listing(ctx, args)
    if word in FAILED:
        _nothing_more(args)
        return await dead_letters(ctx)
    if word in REPLAY:
        return await replay(ctx, _ref(args, "D", "重发记录", "delivery"))
    if word in STATES or word in DELETE or word in TEST:
        subscription = await _subscription(ctx, _ref(args, "W", "推送", "webhook"))
        if word in TEST:
            return await send_ping(ctx, subscription)
        return await (_delete(ctx, subscription) if word in DELETE else _set_active(ctx, subscription, STATES[word]))
    raise args.fail(f"不认识「{word}」", f"cannot read '{word}'")


def _nothing_more(args: Args) -> None:
    if args.tokens:
        raise args.fail(f"看不懂「{' '.join(args.tokens)}」", f"cannot read '{' '.join(args.tokens)}'")


def _ref(args: Args, prefix: str, what: str, what_en: str) -> int:
    token = args.tokens.pop(0) if args.tokens else ""
    number = token[1:] if token[:1].upper() == prefix else token
    if not token:
        raise args.fail(f"缺少{what}编号（如 {prefix}2）", f"missing the {what_en} number (like {prefix}2)")
    if not number.isdigit() or len(number) > 9:
        raise args.fail(f"「{token[:40]}」不是{what}编号，请写如 {prefix}2",
                        f"'{token[:40]}' is not a {what_en} number; write it like {prefix}2")
    _nothing_more(args)
    return int(number)


async def _subscription(ctx: Context, subscription_id: int) -> Subscription:
    found = await store(ctx.uow).webhooks.find(subscription_id)
    if found is None:
        raise NotFound("推送", f"W{subscription_id}", "webhook")
    return found


def _event_word_apart(first: list[str]) -> list[str]:
    """`事件：赢单，回款` / `events:deal.won` -> the word `事件` and what follows it (a colon is how many write it)."""
    word, colon, rest = first[0].replace("：", ":").partition(":") if first else ("", "", "")
    if not colon or word.casefold() not in EVENT_WORDS:
        return first
    return [word, rest] if rest else [word]


async def _create(ctx: Context, args: Args) -> Reply:
    if not args.tokens or args.tokens[0].casefold() in EVENT_WORDS:
        raise args.fail("缺少推送地址", "missing the URL to post to")
    url = check_url(args.tokens.pop(0))
    args.tokens[:1] = _event_word_apart(args.tokens[:1])
    if args.tokens and args.tokens[0].casefold() not in EVENT_WORDS:
        raise args.fail(f"看不懂「{' '.join(args.tokens)}」（事件写在「事件」之后）",
                        f"cannot read '{' '.join(args.tokens)}' (events go after 'events')")
    events = parse_events(" ".join(args.tokens[1:])) if args.tokens else []
    if args.tokens and len(args.tokens) == 1:
        raise args.fail("「事件」之后缺少事件名", "missing the event names after 'events'")
    subscription = await store(ctx.uow).webhooks.add(Subscription(
        url=url, secret=new_secret(), events=events, created_by=ctx.rep_id, created_at=ctx.now))
    await ctx.audit("webhook", subscription.id, "create", url=url, events=events)
    ref = f"W{subscription.id}"
    done = ctx.t(f"已新建推送 {ref}：{url}\n事件：{describe(events, 'zh')}",
                 f"Webhook {ref} created: {url}\nEvents: {describe(events, 'en')}")
    secret = ctx.t(f"{ref} 的签名密钥（只显示这一次，请妥善保存，用它验证 X-Dealbot-Signature）：\n"
                   f"{subscription.secret}",
                   f"The signing secret of {ref} (shown this once; keep it safe and use it to verify "
                   f"X-Dealbot-Signature):\n{subscription.secret}")
    if ctx.conversation_id == ctx.rep.identities.get(ctx.channel):
        return Reply.text(done, secret)
    target = private_target(ctx)
    if target is None:
        raise args.fail("密钥只能私信发送，但找不到你的私聊方式，请单独给我发这条命令",
                        "the secret can only be sent privately and I cannot reach you one to one; send the "
                        "command to me directly")
    ctx.outbox.append(OutboxItem(channel=target[0], recipient=target[1], text=f"{done}\n{secret}",
                                 created_at=ctx.now))
    return Reply.text(done, ctx.t("签名密钥已私信发给你。", "I sent you the signing secret privately."))


async def _listing(ctx: Context, args: Args) -> Reply:
    _nothing_more(args)
    subscriptions = await store(ctx.uow).webhooks.list()
    if not subscriptions:
        return Reply.text(ctx.t("还没有推送。新建：推送 新建 https://… 事件 赢单,回款",
                                "No webhooks yet. Create one: webhook new https://… events deal.won"))
    lines = []
    for s in subscriptions:
        state = ctx.t("启用", "active") if s.active else ctx.t("停用", "disabled")
        by = ctx.directory.rep(s.created_by)
        when = s.created_at.astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d") if s.created_at else ""
        lines.append(f"W{s.id} [{state}] {s.url} · {describe(s.events, ctx.locale)} · "
                     f"{by.name if by else '-'} {when}")
    return Reply.card(ctx.t(f"推送 {len(subscriptions)} 个", f"{len(subscriptions)} webhook(s)"), lines=lines)


async def _set_active(ctx: Context, subscription: Subscription, active: bool) -> Reply:
    before, subscription.active = subscription.active, active
    await store(ctx.uow).webhooks.save(subscription)
    await ctx.audit("webhook", subscription.id, "update", active=[before, active])
    ref = f"W{subscription.id}"
    if active:
        return Reply.text(ctx.t(f"推送 {ref} 已启用。", f"Webhook {ref} enabled."))
    return Reply.text(ctx.t(f"推送 {ref} 已停用：不再产生新的推送，尚未送达的也不再发送。",
                            f"Webhook {ref} disabled: no new deliveries, and those not yet delivered are dropped."))


async def _delete(ctx: Context, subscription: Subscription) -> Reply:
    await store(ctx.uow).webhooks.delete(subscription)
    await ctx.audit("webhook", subscription.id, "delete", url=subscription.url)
    return Reply.text(ctx.t(f"推送 W{subscription.id} 已删除。", f"Webhook W{subscription.id} deleted."))
