"""Webhook deliveries in chat (issue #16): a test ping, the dead letters, and replaying a delivery by id."""

from __future__ import annotations

import re

from bot.context import Context
from bot.delivery.access import store
from bot.reply import Reply
from domain.errors import DomainError, NotFound
from domain.webhooks import PING, Subscription, delivery, event_body, new_event_id

SHOWN = 20
# the connector's reasons (stored in English, as `dealbot outbox` shows them) as a Chinese reader sees them
REASONS_ZH = ((re.compile(r"subscription W(\d+) was deleted"), r"推送 W\1 已删除"),
              (re.compile(r"subscription W(\d+) is disabled"), r"推送 W\1 已停用"),
              (re.compile(r" \(redirects are not followed\)"), "（不跟随重定向）"),
              (re.compile(r"timeout after ([\d.]+) s"), r"\1 秒未响应"),
              (re.compile(r"connection failed: (\w+)"), r"连接失败：\1"),
              (re.compile(r"; gave up after (\d+) attempts"), r"；\1 次后放弃"))


def reason_zh(reason: str) -> str:
    for pattern, text in REASONS_ZH:
        reason = pattern.sub(text, reason)
    return reason


class WebhookDisabled(DomainError):
    zh = "推送 W{ref} 已停用，先启用（推送 启用 W{ref}）再{what}。"
    en = "Webhook W{ref} is disabled; enable it first (webhook enable W{ref}), then {what_en}."


async def send_ping(ctx: Context, subscription: Subscription) -> Reply:
    """Queue a `ping` event to one subscription, whatever event types it takes."""
    if not subscription.active:
        raise WebhookDisabled(ref=subscription.id, what="测试", what_en="test it")
    event_id = new_event_id()
    body = event_body(event_id, PING, ctx.now, {"subscription_id": subscription.id, "sent_by": ctx.rep_id})
    await ctx.uow.outbox.add(delivery(subscription, PING, event_id, body, ctx.now))
    return Reply.text(ctx.t(f"已向 W{subscription.id} 发送测试事件 ping（{event_id}）。结果见：推送 失败",
                            f"A ping event ({event_id}) is on its way to W{subscription.id}. Failures: webhook failed"))


async def dead_letters(ctx: Context) -> Reply:
    """The deliveries given up on, newest first: id, event, URL, attempts, last error, when."""
    found = await store(ctx.uow).webhooks.dead_letters(SHOWN)
    if not found:
        return Reply.text(ctx.t("没有失败的推送。", "No failed webhook deliveries."))
    lines = []
    for item, tried in found:
        when = (tried or item.created_at).astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d %H:%M")
        lines.append(f"D{item.id} · {item.extra.get('event', '')} · {item.extra.get('url', '')} · "
                     + ctx.t(f"{item.attempts} 次 · {reason_zh(item.last_error[:200])} · {when}",
                             f"{item.attempts} attempt(s) · {item.last_error[:200]} · {when}"))
    return Reply.card(ctx.t(f"失败的推送（最新 {len(found)} 条）；重发：推送 重发 D编号",
                            f"Failed webhook deliveries (newest {len(found)}); replay: webhook replay D<id>"),
                      lines=lines)


async def replay(ctx: Context, delivery_id: int) -> Reply:
    """A new delivery of the same body (same event id) to the same subscription, signed afresh when sent."""
    webhooks = store(ctx.uow).webhooks
    item = await webhooks.delivery(delivery_id)
    if item is None:
        raise NotFound("推送记录", f"D{delivery_id}", "webhook delivery")
    subscription_id = int(item.extra.get("subscription_id", 0))
    subscription = await webhooks.find(subscription_id)
    if subscription is None:
        raise NotFound("推送", f"W{subscription_id}", "webhook")
    if not subscription.active:
        raise WebhookDisabled(ref=subscription_id, what="重发", what_en="replay it")
    event = str(item.extra.get("event", ""))
    again = await ctx.uow.outbox.add(delivery(subscription, event, str(item.extra.get("event_id", "")), item.text,
                                              ctx.now))
    new_id = again.id if again is not None else "?"
    return Reply.text(ctx.t(f"已重发 D{delivery_id}（{event}）到 W{subscription_id}，新的推送记录 D{new_id}。",
                            f"D{delivery_id} ({event}) replayed to W{subscription_id} as delivery D{new_id}."))
