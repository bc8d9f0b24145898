"""The handover summary each person gets (successor, leaver, manager, the asker), in zh and en."""

from __future__ import annotations

from dataclasses import dataclass

from domain.handover import ApprovalsMoved, BookPreview, MovedBook
from domain.money import Money


@dataclass(frozen=True, slots=True)
class HandoverOutcome:
    """Everything the summary tells: names, what moved, what could not, and the leaver's account."""

    asker: str
    leaver: str
    successor: str
    preview: BookPreview
    moved: MovedBook
    approvals: ApprovalsMoved
    account: str  # "deactivated", "kept" (asked to keep it), "inactive" (already was)
    managed_teams: tuple[str, ...] = ()  # teams the leaver manages: someone must be named


def amounts(preview: BookPreview, locale: str) -> str:
    parts = [Money(total, currency).format(locale) for currency, total in sorted(preview.deal_amounts.items())]
    return " + ".join(parts) if parts else ("无金额" if locale == "zh" else "no amounts")


def summary(outcome: HandoverOutcome, locale: str) -> str:
    """The lines of the summary, in `locale` ("zh" or "en")."""
    en = locale == "en"
    o, moved = outcome, outcome.moved
    names = ("、" if not en else ", ").join(o.preview.customer_names)
    more = len(moved.customers) > len(o.preview.customer_names)
    lines = [
        f"Handover: {o.leaver} → {o.successor} (by {o.asker})" if en
        else f"离职交接：{o.leaver} → {o.successor}（{o.asker} 操作）",
        (f"Customers: {len(moved.customers)}" + (f" ({names}{', …' if more else ''})" if names else "")) if en
        else (f"客户 {len(moved.customers)} 个" + (f"（{names}{'等' if more else ''}）" if names else "")),
        f"Leads: {moved.lead_count}" if en else f"线索 {moved.lead_count} 条",
        f"Open deals: {moved.deal_count}, total {amounts(o.preview, locale)}" if en
        else f"进行中的商机 {moved.deal_count} 个，金额合计 {amounts(o.preview, locale)}",
        f"Reminders: {len(moved.reminders)}" if en else f"提醒 {len(moved.reminders)} 条",
    ]
    if o.preview.closed_deals:
        closed = o.preview.closed_deals
        lines.append(f"Closed deals: {closed} stay credited to {o.leaver}; shared with {o.successor} to see their "
                     "history and chase payments" if en else
                     f"已结束的商机 {closed} 个：赢单/输单记录仍归 {o.leaver}，"
                     f"已共享给 {o.successor} 以便查看和跟进回款")
    if shares := len(moved.shares_moved) + len(moved.shares_dropped):
        lines.append(f"Colleagues' deals shared with {o.leaver}: {shares}, now shared with {o.successor}" if en
                     else f"同事共享给 {o.leaver} 的商机 {shares} 个：改为共享给 {o.successor}")
    if o.approvals.moved:
        refs = ", ".join(a.ref for a in o.approvals.moved)
        lines.append(f"Approval requests now by {o.successor}: {refs}" if en
                     else f"审批申请改由 {o.successor} 提交：{refs}")
    lines += _cannot_move(o, en)
    lines.append(_account(o, en))
    return "\n".join(lines)


def _cannot_move(o: HandoverOutcome, en: bool) -> list[str]:
    stuck = [(f"{a.ref}{f' ({a.subject})' if a.subject else ''} waits for {o.leaver}'s decision: an admin "
               f"decides it (approve {a.ref})" if en
               else f"{a.ref}{f'（{a.subject}）' if a.subject else ' '}等待 {o.leaver} 审批："
                    f"请管理员决定（审批 同意 {a.ref}）")
             for a in o.approvals.stuck]
    stuck += [(f"{o.leaver} manages team {team}; name a new manager in the users file" if en
               else f"{o.leaver} 是 {team} 的经理，请在人员配置中指定新经理") for team in o.managed_teams]
    if not stuck:
        return []
    return ["Could not move:" if en else "无法转移：", *(f"- {line}" for line in stuck)]


def _account(o: HandoverOutcome, en: bool) -> str:
    if o.account == "deactivated":
        return (f"{o.leaver}'s account is now inactive: they can no longer use the bot (undo restores it)." if en
                else f"{o.leaver} 的账号已停用，不能再使用机器人（撤销 可恢复）。")
    if o.account == "inactive":
        return f"{o.leaver}'s account was already inactive." if en else f"{o.leaver} 的账号此前已停用。"
    return (f"{o.leaver}'s account stays active, as asked." if en
            else f"按要求保留了 {o.leaver} 的账号，仍可使用机器人。")
