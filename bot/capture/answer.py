"""The replies to the dedupe offer (bot.capture.offer): "记到 #62" / "add to #62", "新开商机" / "new deal",
"取消" / "cancel". The router tries this hook before free text; any other message leaves the offer open."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.capture import offer
from bot.capture.deals import owner_name
from bot.capture.followups import record_note
from bot.context import Context
from bot.i18n import Text
from bot.nlp import ParseResult, describe_when
from bot.reply import CardBuilder, Reply
from bot.understanding import corrections
from bot.understanding.echo import UNDO_HINT, recorded_card
from bot.understanding.offload import parse_text
from bot.understanding.subjects import Subjects, contact_of
from bot.understanding.visit import next_moment, record_visit
from domain import permissions
from domain.errors import DomainError, NotFound


class NoOffer(DomainError):
    zh = "没有等待处理的记录（提议 2 小时后失效）。请重新发送那条记录。"
    en = "There is no note waiting (an offer lasts 2 hours). Please send the note again."


class NotOffered(DomainError):
    zh = "刚才提议的商机是 {options}；请回复「记到 {example}」，或「新开商机」「取消」。没有记录任何内容。"
    en = "The deals offered were {options}; reply 'add to {example}', or 'new deal' or 'cancel'. Nothing was recorded."


class DealClosedMeanwhile(DomainError):
    zh = "商机 #{ref} 已经结束，不能再记到它上面。可以回复「新开商机」或「取消」。没有记录任何内容。"
    en = "Deal #{ref} is closed now; a note cannot be added to it. Reply 'new deal' or 'cancel'. Nothing was recorded."


async def answer_capture_offer(ctx: Context, text: str) -> Reply | None:
    """The router's hook: None when `text` is not an answer to an offer."""
    word = text.strip()
    add_to, new_deal = offer.ADD_TO.match(word), offer.NEW_DEAL.match(word)
    cancel = word.casefold() in offer.CANCEL
    if not (add_to or new_deal or cancel):
        return None
    record = await offer.pending(ctx)
    if record is None:
        if cancel:
            return None  # someone else's question may want it (the payment plan's, undo...)
        raise NoOffer()
    if cancel:
        await offer.close(ctx)
        return Reply.text(ctx.t("好的，这条记录没有保存。", "OK, the note was not recorded."))
    if new_deal:
        return await _open_own_deal(ctx, record)
    assert add_to is not None
    return await _add_note(ctx, record, int(add_to.group(1)))


async def _reparse(ctx: Context, record: dict[str, Any]) -> tuple[str, datetime, ParseResult]:
    text, at = str(record["text"]), datetime.fromisoformat(record["at"])
    names = await ctx.settings.known.names(ctx.uow, text)
    return text, at, await parse_text(ctx.settings.parser, text, at, names)


async def _open_own_deal(ctx: Context, record: dict[str, Any]) -> Reply:
    text, at, result = await _reparse(ctx, record)
    subjects = await record_visit(ctx, result, text, force=True)
    await offer.close(ctx)
    await corrections.remember(ctx, text, at=at)
    return recorded_card(ctx, result, subjects)


async def _add_note(ctx: Context, record: dict[str, Any], ref: int) -> Reply:
    offered = [int(d) for d in record["deals"]]
    if ref not in offered:
        raise NotOffered(options="、".join(f"#{d}" for d in offered), example=f"#{offered[0]}")
    opp = await ctx.uow.opportunities.find(ref)
    if opp is None:
        raise NotFound("商机", f"#{ref}", "deal")
    if not permissions.can_add_note(ctx.rep, opp, ctx.directory.team_of, ctx.directory.teams):
        raise DealClosedMeanwhile(ref=ref)
    text, _, result = await _reparse(ctx, record)
    subjects = Subjects(customer=await ctx.uow.customers.get(opp.customer_id))
    assert subjects.customer is not None
    contact = await contact_of(ctx, result, subjects.customer, subjects, text)
    due = next_moment(result, ctx.now)
    await record_note(ctx, opp, text, due, contact.id if contact else None)
    assert opp.owner_id is not None
    await ctx.notify(opp.owner_id, Text(
        f"{ctx.rep.name} 在你的商机 #{opp.id} {opp.name} 上添加了跟进：{text}",
        f"{ctx.rep.name} added a note to your deal #{opp.id} {opp.name}: {text}"))
    await offer.close(ctx)
    who = owner_name(ctx, opp)
    card = CardBuilder(ctx.t(f"已记到 #{opp.id} {opp.name}（{who}的商机）",
                             f"Added to #{opp.id} {opp.name} ({who}'s deal)"), ctx.locale)
    card.add("客户", "Customer", subjects.customer.name)
    if contact is not None:
        new = ctx.t("（新）", " (new)") if "contact" in subjects.created else ""
        card.add("联系人", "Contact", f"{contact.name}{contact.title}{new}")
    card.add("内容", "Note", text)
    if due is not None:
        card.add("我的提醒", "My reminder", describe_when(due, ctx.now, ctx.locale))
    card.line(ctx.t(f"已通知 {who}。商机的金额、阶段和下一步仍由{who}负责，没有改动。",
                    f"{who} was notified. The deal's amount, stage and next step stay {who}'s; none changed."))
    return card.build(ctx.t(*UNDO_HINT))
