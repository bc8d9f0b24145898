"""A shared location (WeCom location message) is a check-in: at the nearest of the rep's customers within
the far distance, or, when none is that near, a question "在哪个客户？" kept as the person's open question
(`pending:checkin:…` in the settings, like bot.understanding.pending), so that the rep answers with just the
customer's name (`明途`), or with `签到 明途`. The question expires after [visits] location_minutes; another
location replaces it; `取消` drops it; any other message leaves it waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import plan_question
from bot.capture.customers import find_customers
from bot.context import Context
from bot.errors import AmbiguousMatch
from bot.reply import Reply
from bot.visits.record import check_in, visits
from connectors.base import Location
from domain.visit import Point

KIND = "checkin"
MAX_ANSWER = 40  # characters: a longer message is not a customer's name


async def located(ctx: Context, location: Location) -> Reply:
    """The route of a location message."""
    here = Point(location.latitude, location.longitude)
    near = await visits(ctx).nearby_customers(ctx.rep_id, here, ctx.settings.visits.far_metres, limit=1)
    if near:
        customer = await ctx.uow.customers.get(near[0].customer_id)
        return await check_in(ctx, customer, here, location.label)
    minutes = ctx.settings.visits.location_minutes
    await ctx.uow.settings.put(ctx.question_key(KIND), {
        "latitude": here.latitude, "longitude": here.longitude, "label": location.label,
        "at": ctx.now.isoformat(), "expires": (ctx.now + timedelta(minutes=minutes)).isoformat()})
    place = f"（{location.label}）" if location.label else ""
    return Reply.text(ctx.t(
        f"收到位置{place}，附近没有你的客户地址。在哪个客户？回复客户名，例如：明途（{minutes} 分钟内有效；"
        "回复「取消」不签到）",
        f"Location received{place}; none of your customers' addresses is near. Which customer? Reply with "
        f"the customer's name, e.g. Mingtu (valid {minutes} minutes; reply 'cancel' to drop it)"))


async def take_location(ctx: Context) -> tuple[Point, str, datetime] | None:
    """The location waiting for a customer (taken: answered once), if one was shared in the last minutes."""
    if await ctx.open_question(KIND) is None:
        return None
    record: dict[str, Any] | None = await ctx.uow.settings.take(ctx.question_key(KIND))
    if not record:
        return None
    return (Point(float(record["latitude"]), float(record["longitude"])), str(record.get("label", "")),
            datetime.fromisoformat(record["at"]))


async def answer_checkin(ctx: Context, text: str) -> Reply | None:
    """The router's hook: the name of one customer answers a waiting location; `取消` drops it. None for
    anything else (the location keeps waiting until it expires)."""
    word = text.strip().rstrip("。.!！")
    if not word or len(word) > MAX_ANSWER or await ctx.open_question(KIND) is None:
        return None
    if word.casefold() in plan_question.CANCEL:
        await ctx.uow.settings.take(ctx.question_key(KIND))
        return Reply.text(ctx.t("已取消，这次位置没有签到。", "Cancelled; that location was not checked in."))
    found = await find_customers(ctx, word)
    if not found:
        return None
    if len(found) > 1:
        raise AmbiguousMatch(text=word, what="客户", what_en="customers", options="、".join(c.name for c in found[:5]))
    waiting = await take_location(ctx)
    if waiting is None:  # answered a moment ago (a double tap)
        return Reply.text(ctx.t("这次位置已经签到过了。", "That location was already checked in."))
    here, label, at = waiting
    return await check_in(ctx, found[0], here, label, at)
