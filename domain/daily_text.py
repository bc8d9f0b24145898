"""What daily reports and morning lists say, in zh and en. Pure: records in, lines of text out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.activity import FollowUp, FollowUpKind
from domain.billing import Contract, Payment
from domain.daily_report import AgendaItem, DailyReport
from domain.opportunity import Stage
from domain.quote import Quote

NOTE_CHARS = 80  # of a follow-up's note in a report line
KIND_LABELS: dict[FollowUpKind, tuple[str, str]] = {
    FollowUpKind.NOTE: ("跟进", "Follow-up"), FollowUpKind.CALL: ("电话", "Call"),
    FollowUpKind.VISIT: ("拜访", "Visit"), FollowUpKind.MEETING: ("会议", "Meeting"),
    FollowUpKind.EMAIL: ("邮件", "Email"), FollowUpKind.WECHAT: ("微信", "WeChat"),
    FollowUpKind.IMPORTED: ("导入的跟进", "Imported follow-up"),
}


def t(locale: str, zh: str, en: str) -> str:
    return en if locale == "en" else zh


def deal_item(deal_id: int, customer: str, step: str) -> str:
    """"#259 苏州卫健委 · 约客户开会": a deal's next step, in reminders and in the morning list alike."""
    head = f"#{deal_id} {customer}".rstrip()
    return f"{head} · {step}" if step else head


def day_label(day: date, locale: str) -> str:
    return f"{day:%a} {day.day} {day:%b}" if locale == "en" else f"{day.month}月{day.day}日"


def short_note(text: str) -> str:
    first = " ".join(text.strip().split("\n", 1)[0].split())
    return first if len(first) <= NOTE_CHARS else first[:NOTE_CHARS - 1] + "…"


def followup_line(f: FollowUp, subject: str, locale: str) -> str:
    """拜访 · #12 MES（明途）：现场演示 — `subject` says what it was about (deal and/or customer)."""
    label = KIND_LABELS.get(f.kind, KIND_LABELS[FollowUpKind.NOTE])[1 if locale == "en" else 0]
    head = f"{label} · {subject}" if subject else label
    note = short_note(f.note)
    return f"{head}{t(locale, '：', ': ')}{note}" if note else head


def stage_line(deal: str, source: Stage, target: Stage, locale: str) -> str:
    return f"{deal}{t(locale, '：', ': ')}{source.label(locale)} → {target.label(locale)}"


def quote_line(deal: str, quote: Quote, locale: str) -> str:
    return t(locale, f"{deal} 报价 v{quote.version}：{quote.amount.format('zh')}",
             f"{deal} quote v{quote.version}: {quote.amount.format('en')}")


def payment_line(deal: str, payment: Payment, locale: str) -> str:
    return t(locale, f"{deal} 回款 {payment.amount.format('zh')}（{payment.received_on:%m-%d} 到账）",
             f"{deal} payment {payment.amount.format('en')} (received {payment.received_on:%d %b})")


def contract_line(deal: str, contract: Contract, locale: str) -> str:
    """A contract waiting for approval (or rejected) is not signed yet, and the line says so."""
    held = {"pending": ("（待审批）", " (awaiting approval)"), "rejected": ("（审批驳回）", " (rejected)")}.get(
        contract.approval.value, ("", ""))
    return t(locale, f"{deal} 合同 {contract.number}：{contract.amount.format('zh')}{held[0]}",
             f"{deal} contract {contract.number}: {contract.amount.format('en')}{held[1]}")


def new_deal_line(deal: str, locale: str) -> str:
    return t(locale, f"新商机 {deal}", f"New deal {deal}")


def agenda_line(item: AgendaItem, day_start: datetime, timezone: str, locale: str) -> str:
    """"10:00 #12 发合同"; before `day_start` it is overdue: "⚠ 逾期 12-04 10:00 …"."""
    local = item.due_at.astimezone(ZoneInfo(timezone))
    if item.due_at < day_start:
        return t(locale, f"⚠ 逾期 {local:%m-%d %H:%M} {item.text}", f"⚠ overdue {local:%d %b %H:%M} {item.text}")
    return f"{local:%H:%M} {item.text}"


def numbered(lines: Sequence[str]) -> list[str]:
    return [f"{n}. {line}" for n, line in enumerate(lines, 1)]


def report_body(report: DailyReport, locale: str) -> list[str]:
    """The report's sections: today's work (or that nothing was recorded), the rep's own lines, the plan."""
    out = [t(locale, "今日工作：", "Today:")]
    out += numbered(report.lines) or [t(
        locale, "今天没有记录到拜访、跟进、阶段变化、报价或回款。",
        "No visits, follow-ups, stage moves, quotes or payments were recorded today.")]
    if report.added:
        out += [t(locale, "补充：", "Added:"), *(f"- {line}" for line in report.added)]
    out += [t(locale, "明日计划：", "Plan for tomorrow:")]
    out += numbered(report.plan) or [t(locale, "（暂无到期的下一步或提醒）", "(no next steps or reminders due)")]
    return out


def report_text(report: DailyReport, name: str, locale: str) -> str:
    """The rep's view: their report with its state and how to confirm or add to it."""
    state = (t(locale, "已提交", "submitted") if report.submitted else t(locale, "草稿", "draft"))
    head = t(locale, f"📝 {name} {day_label(report.day, locale)} 日报（{state}）",
             f"📝 {name}'s daily report, {day_label(report.day, locale)} ({state})")
    lines = [head, *report_body(report, locale)]
    if not report.submitted:
        day = f"{report.day:%m-%d}"  # a draft read after midnight (held for quiet hours) still confirms its day
        lines.append(t(locale, f"确认提交：回复「日报 确认 {day}」；补充一行：「日报 补充 内容」",
                       f"To submit: 'daily report submit {day}'; to add a line: 'daily report add <text>'"))
    return "\n".join(lines)


def member_block(name: str, report: DailyReport | None, locale: str) -> list[str]:
    if report is None:
        return [t(locale, f"【{name}】未提交（没有日报）", f"[{name}] not submitted (no report)")]
    state = "" if report.submitted else t(locale, "未提交（草稿未确认）", " not submitted (draft not confirmed)")
    return [f"{t(locale, '【', '[')}{name}{t(locale, '】', ']')}{state}", *report_body(report, locale)]


def team_messages(team: str, day: date, members: Sequence[tuple[str, DailyReport | None]], locale: str,
                  max_chars: int) -> list[str]:
    """The team's reports for its manager, as few messages of at most `max_chars` as they fit in."""
    done = sum(1 for _, r in members if r is not None and r.submitted)
    head = t(locale, f"📋 {team} {day_label(day, locale)} 日报（已提交 {done}/{len(members)}）",
             f"📋 {team} daily reports, {day_label(day, locale)} ({done}/{len(members)} submitted)")
    blocks = ["\n".join(member_block(name, report, locale)) for name, report in members]
    return split_blocks(head, blocks, max_chars)


def split_blocks(head: str, blocks: Sequence[str], max_chars: int) -> list[str]:
    """`head` then the blocks, separated by blank lines; a new message starts where one would overflow; a
    block longer than a message is cut at line ends (or hard, for one very long line)."""
    messages: list[str] = []
    current = head
    for block in blocks:
        for piece in _pieces(block, max_chars):
            if len(current) + 2 + len(piece) > max_chars and current:
                messages.append(current)
                current = piece
            else:
                current = f"{current}\n\n{piece}" if current else piece
    messages.append(current)
    return messages


def _pieces(block: str, max_chars: int) -> list[str]:
    if len(block) <= max_chars:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        while len(line) > max_chars:
            pieces += [p for p in (current, line[:max_chars]) if p]
            current, line = "", line[max_chars:]
        if current and len(current) + 1 + len(line) > max_chars:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*pieces, current] if current else pieces


def missing_text(team: str, day: date, members: Sequence[tuple[str, DailyReport | None]], locale: str) -> str:
    """For `日报 团队`: who has submitted, who has only a draft, who has nothing."""
    submitted = [n for n, r in members if r is not None and r.submitted]
    drafts = [n for n, r in members if r is not None and not r.submitted]
    none = [n for n, r in members if r is None]
    sep = t(locale, "、", ", ")
    dash = t(locale, "无", "none")
    return "\n".join([
        t(locale, f"📋 {team} {day_label(day, locale)} 日报：已提交 {len(submitted)}/{len(members)}",
          f"📋 {team}, {day_label(day, locale)}: {len(submitted)}/{len(members)} submitted"),
        t(locale, "已提交：", "Submitted: ") + (sep.join(submitted) or dash),
        t(locale, "草稿未确认：", "Draft not confirmed: ") + (sep.join(drafts) or dash),
        t(locale, "还没有日报：", "No report yet: ") + (sep.join(none) or dash),
    ])


def morning_text(name: str, day: date, items: Sequence[str], more: int, risks: Sequence[str],
                 locale: str) -> str:
    """Good morning, today's items (already ordered and cut to the limit), how many more, then risks."""
    lines = [t(locale, f"☀️ 早上好，{name}！{day_label(day, locale)} 今天要做：",
               f"☀️ Good morning, {name}! Due today, {day_label(day, locale)}:")]
    lines += numbered(items) or [t(locale, "今天没有到期的跟进、下一步或提醒。",
                                   "No follow-ups, next steps or reminders due today.")]
    if more > 0:
        lines.append(t(locale, f"另有 {more} 条，发送「提醒」查看全部。",
                       f"{more} more; send 'reminders' to see them all."))
    if risks:
        lines += [t(locale, "⚠️ 风险：", "⚠️ Risks:"), *(f"- {line}" for line in risks)]
    return "\n".join(lines)
