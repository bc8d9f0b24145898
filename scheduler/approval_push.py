"""What the bot pushes about approvals: the card to the approver (同意 / 驳回), and its daily reminder."""

from __future__ import annotations

from datetime import datetime

from domain.approvals import KIND_LABELS, ApprovalRequest
from scheduler.push import Push


def commands(request: ApprovalRequest, locale: str) -> tuple[str, str]:
    """The typed commands of the card's two buttons: approve, reject (the reason is asked for)."""
    if locale == "en":
        return f"approval approve {request.ref}", f"approval reject {request.ref}"
    return f"审批 同意 {request.ref}", f"审批 驳回 {request.ref}"


def describe(request: ApprovalRequest, requester: str, locale: str) -> str:
    """"张伟 的报价 #1 明途 · MES v2 45万（折扣 18%，超过 15%）": who asks what, and why it needs a yes."""
    asked = request.asked
    en = locale == "en"
    what = str(asked.get("what_en" if en else "what", ""))
    why = ("; " if en else "；").join(str(w) for w in asked.get("why_en" if en else "why", []))
    label = KIND_LABELS[request.kind][en]
    if en:
        return f"{requester} asks for {label} approval: {what}" + (f" ({why})" if why else "")
    return f"{requester} 提交的{label}审批：{what}" + (f"（{why}）" if why else "")


def approval_push(request: ApprovalRequest, requester: str, locale: str, with_buttons: bool, *,
                  reminder: tuple[str, str] | None = None, left: str | None = None) -> Push:
    """The card to the approver; with `reminder` (local day, how long it waited), the day's reminder of a
    request still waiting; `left`: the approver who left, when an admin is reminded in their place. Without
    buttons the text says what to type."""
    approve, reject = commands(request, locale)
    en = locale == "en"
    if reminder is None:
        head = f"📝 Approval {request.ref}" if en else f"📝 审批 {request.ref}"
    else:
        head = (f"⏳ {request.ref} has waited {reminder[1]} for your decision" if en
                else f"⏳ {request.ref} 已等待你审批 {reminder[1]}")
    lines = [head, describe(request, requester, locale)]
    if left is not None:
        lines.append(f"The approver {left} is no longer active: please decide in their place." if en
                     else f"审批人 {left} 已停用，请你代为审批。")
    if not with_buttons:
        lines.append(f"Reply: {approve} / {reject} <reason>" if en else f"回复：{approve} / {reject} 原因")
    buttons = ({"text": "Approve" if en else "同意", "key": approve},
               {"text": "Reject" if en else "驳回", "key": reject}) if with_buttons else ()
    kind, period = ("approval_reminder", f"{request.ref}:{reminder[0]}") if reminder else ("approval", request.ref)
    return Push(kind=kind, period=period, text="\n".join(lines), buttons=buttons, extra={"card": request.ref})


def waited(request: ApprovalRequest, now: datetime, locale: str) -> str:
    hours = int((now - request.created_at).total_seconds() // 3600) if request.created_at else 0
    days, hours = divmod(max(hours, 0), 24)
    if locale == "en":
        return f"{days} d {hours} h" if days else f"{hours} h"
    return f"{days}天{hours}小时" if days else f"{hours}小时"
