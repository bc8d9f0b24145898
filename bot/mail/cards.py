"""What people hear in chat about mail: the owner's card for a new mail, the admin's flood notice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.mail.threads import bare_subject
from bot.reply import CardBuilder, Reply, render_markdown, render_text
from domain.customer import Customer
from domain.lead import Lead
from domain.messaging import OutboxItem
from domain.opportunity import Opportunity
from domain.people import Rep

PREVIEW_LINES = 3
PREVIEW_CHARS = 240


def preview(text: str) -> list[str]:
    """The first non-empty lines of the mail, shortened."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()][:PREVIEW_LINES]
    shown, budget = [], PREVIEW_CHARS
    for line in lines:
        if budget <= 0:
            break
        shown.append(line if len(line) <= budget else line[: budget - 1] + "…")
        budget -= len(line)
    return shown


def customer_label(customer: Customer) -> str:
    return customer.short_name or customer.name


def mail_card(locale: str, customer: Customer, sender_name: str, subject: str, text: str,
              deal: Opportunity | None, lead: Lead | None, new: bool) -> Reply:
    """明途 何总 来信 · subject · the deal/lead · first lines · what to answer with."""
    zh = locale != "en"
    label, title = customer_label(customer), bare_subject(subject)
    card = CardBuilder(f"{label} {sender_name} 来信" if zh else f"Mail from {sender_name} ({label})", locale)
    card.add("主题", "Subject", title)
    if deal is not None:
        card.add("商机", "Deal", f"#{deal.id} {deal.name}")
        ref = f"#{deal.id}"
    elif lead is not None:
        card.add("线索", "Lead", f"L{lead.id}" + (("（新线索，已分配给你）" if zh else " (new, assigned to you)")
                                                if new else ""))
        ref = f"L{lead.id}"
    else:
        ref = ""
    for line in preview(text):
        card.line(f"> {line}")
    if not ref:
        return card.build()
    view = f"商机 {ref}" if ref.startswith("#") else "线索"
    footer = (f"回复：邮件 {ref} 内容 · 查看：{view} · 转给：转给 {ref} 姓名" if zh
              else f"Reply: email {ref} <text> · View: {'deal ' + ref if ref.startswith('#') else 'leads'}"
                   f" · Hand over: handover {ref} <name>")
    return card.build(footer)


def held_notice(locale: str, sender: str, ref: str, subject: str, text: str, code: str, failed: bool) -> Reply:
    """陌生发件人 x@y 回复了 #12 的邮件：归档 / 忽略 — with the commands that do it."""
    zh = locale != "en"
    if failed and zh:
        title = f"发件人 {sender} 未通过发信域验证（可能是冒充）" + (f"，邮件涉及 {ref}" if ref else "")
    elif failed:
        title = f"Sender {sender} failed authentication (possibly forged)" + (f", mail about {ref}" if ref else "")
    elif zh:
        title = f"陌生发件人 {sender} 回复了 {ref} 的邮件"
    else:
        title = f"Unknown sender {sender} replied to deal {ref}'s mail" if ref.startswith("#") else \
            f"Unknown sender {sender} replied to {ref}'s mail"
    card = CardBuilder(title, locale).add("主题", "Subject", bare_subject(subject))
    for line in preview(text):
        card.line(f"> {line}")
    card.line("未建联系人、未记跟进。" if zh else "No contact was added, nothing was recorded.")
    return card.build(f"归档：归档 {code} · 忽略：忽略 {code}" if zh else f"File: file {code} · Ignore: ignore {code}")


def flood_notice(locale: str, sender: str, limit: int, hours: float) -> Reply:
    if locale == "en":
        return Reply.text(f"Mail flood: {sender} sent {limit} or more mails within {hours:g} hours. "
                          "Further mails from this sender are kept in the inbox but not processed "
                          "(no leads, no notifications).", error=True)
    return Reply.text(f"邮件洪水：{sender} 在 {hours:g} 小时内来信已达 {limit} 封。之后的来信仍保存在收件箱，"
                      "但不再建线索、不再通知。", error=True)


def chat_items(reps: Sequence[Rep], reply: Reply, channel_order: Sequence[str], now: datetime,
               dedupe_key: str | None = None) -> list[OutboxItem]:
    """One message per person, on the first channel of `channel_order` they have an identity on."""
    items = []
    for rep in reps:
        target = rep.preferred_channel(channel_order)
        if target is None or not rep.active:
            continue
        items.append(OutboxItem(channel=target[0], recipient=target[1],
                                text=render_text(reply, rep.locale), markdown=render_markdown(reply, rep.locale),
                                created_at=now, dedupe_key=dedupe_key and f"{dedupe_key}:{rep.id}"))
    return items
