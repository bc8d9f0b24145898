"""Deciding a change request in chat (issue #15): `变更 CR3 同意 [+10天] [+5万] [备注]` / `变更 CR3 驳回 原因`.

Who decides: the project's manager (项目负责人), or whoever holds control of the deal (its owner, the manager
of the owner's team, an admin). Accepting stores the effect: the project's end and every milestone still to
come move by the days (domain.customer_voice.shift_plan), the deal's amount by the money; all of it audited
(撤销 puts it back) and told on the project's public timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import values
from bot.args import Args
from bot.context import Context
from bot.delivery.access import Access, open_project
from bot.delivery.events import record
from bot.handlers.common import money
from bot.i18n import Text
from bot.nlp.numerals import cn_to_int
from domain.customer_voice import checked_days, shift_plan
from domain.delivery import ChangeRequest
from domain.errors import DomainError, InvalidValue, NotFound, PermissionDenied
from domain.money import Money
from domain.permissions import Right

ACCEPT_WORDS = ("同意", "批准", "接受", "accept", "approve", "yes")
REJECT_WORDS = ("驳回", "拒绝", "不同意", "reject", "decline", "no")
_DAYS = re.compile(r"^([+-]?)(\d{1,4}|[零一二两三四五六七八九十百]{1,4})\s*(?:个)?"
                   r"(天|日|d|days?|周|星期|礼拜|w|wks?|weeks?)$", re.IGNORECASE)
_WEEK_UNITS = ("周", "星期", "礼拜", "w", "wk", "wks", "week", "weeks")
_SIGNED_NUMBER = re.compile(r"^[+-][\d零一二两三四五六七八九十]")  # +1周, -3万: an effect, never a note
_SIGNED = re.compile(r"^([+-])(.+)$")
_CR = re.compile(r"^(?:CR|cr|Cr)(\d{1,9})$")


class AlreadyDecided(DomainError):
    zh = "变更请求 CR{id} 已经{state}，不能再改。"
    en = "Change request CR{id} was already {state_en}; it cannot be decided again."


@dataclass(frozen=True, slots=True)
class Effect:
    days: int | None
    amount: Money | None
    note: str


def cr_number(token: str) -> int | None:
    found = _CR.match(token.strip())
    return int(found.group(1)) if found else None


async def open_request(ctx: Context, number: int) -> tuple[ChangeRequest, Access]:
    """The change request and its project, if this person may view the project (else NotFound, as if missing)."""
    missing = NotFound("变更请求", f"CR{number}", "change request")
    request = await ctx.uow.change_requests.find(number)
    if request is None:
        raise missing
    try:
        return request, await open_project(ctx, request.project_id)
    except NotFound:
        raise missing from None


def _days(token: str, unit: str) -> tuple[int, int] | None:
    """(days, words used) of +10天 / +2周 / 十天 / 10 days / +2 weeks; None when it is none of these."""
    for text, used in ((token, 1), (token + unit, 2)):
        found = _DAYS.match(text)
        if found and (used == 1 or token.lstrip("+-").isdigit()):
            count = int(found.group(2)) if found.group(2).isdigit() else cn_to_int(found.group(2))
            if count is None:
                return None
            count *= 7 if found.group(3).casefold() in _WEEK_UNITS else 1
            return checked_days(-count if found.group(1) == "-" else count), used
    return None


def read_effect(args: Args) -> Effect:
    """+10天 / 10 days / +2周 / -3d, +5万 / -20000, then the note (the rest of the words). A signed number
    that is neither (+1月, -3x) is refused rather than kept as the note."""
    days: int | None = None
    amount: Money | None = None
    rest: list[str] = []
    tokens = list(args.tokens)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        unit = tokens[i + 1].casefold() if i + 1 < len(tokens) else ""
        if days is None and (read := _days(token, unit)):
            days, i = read[0], i + read[1]
            continue
        signed = _SIGNED.match(token)
        if amount is None and signed and values.looks_like_amount(signed.group(2)):
            parsed = values.to_money(signed.group(2))
            if parsed is None:
                raise args.fail(f"金额「{token}」看不懂，请写成 +5万 或 -20000", f"cannot read '{token}'; write +50000")
            amount = parsed if signed.group(1) == "+" else Money(-parsed.amount, parsed.currency)
            i += 1
            continue
        if _SIGNED_NUMBER.match(token):
            raise args.fail(f"看不懂「{token}」：工期写 +10天 或 +2周，金额写 +5万 或 -20000",
                            f"cannot read '{token}': write the schedule as +10 days or +2 weeks, the price as "
                            "+50000 or -20000")
        rest.append(token)
        i += 1
    args.tokens = []
    return Effect(days, amount, " ".join(rest))


def require_decider(ctx: Context, access: Access, number: int) -> None:
    if access.right < Right.CONTROL and access.project.manager_id != ctx.rep_id:
        raise PermissionDenied(f"变更请求 CR{number}（项目负责人、商机负责人、其经理或管理员可以处理）",
                               f"change request CR{number} (its project's manager, the deal's owner, their "
                               "manager or an admin may decide it)")


async def accept(ctx: Context, request: ChangeRequest, access: Access, effect: Effect) -> list[str]:
    """Store the acceptance and its effect; the lines (in the asker's language) saying what changed."""
    said = [ctx.t(f"已同意变更请求 CR{request.id}：{request.title}", f"Accepted change request CR{request.id}: "
                  f"{request.title}")]
    if effect.days:
        said.append(await _shift(ctx, access, effect.days))
    if effect.amount is not None and effect.amount.amount != 0:
        said.append(await _reprice(ctx, access, effect.amount))
    await _decide(ctx, request, True, effect)
    parts_zh = [f"工期 {effect.days:+d} 天" if effect.days else "", f"金额 {_signed(effect.amount, 'zh')}"
                if effect.amount else ""]
    parts_en = [f"schedule {effect.days:+d} days" if effect.days else "", f"price {_signed(effect.amount, 'en')}"
                if effect.amount else ""]
    await record(ctx, access.project.id, "change",
                 f"变更请求 CR{request.id} 已同意：{request.title}" + _joined(parts_zh, "；", "（", "）"),
                 f"Change request CR{request.id} accepted: {request.title}" + _joined(parts_en, "; ", " (", ")"),
                 public=True)
    return said


async def reject(ctx: Context, request: ChangeRequest, access: Access, reason: str) -> None:
    await _decide(ctx, request, False, Effect(None, None, reason))
    await record(ctx, access.project.id, "change", f"变更请求 CR{request.id} 未被采纳：{request.title}（{reason}）",
                 f"Change request CR{request.id} declined: {request.title} ({reason})", public=True)


def refuse_decided(request: ChangeRequest) -> None:
    if request.approved is not None:
        raise AlreadyDecided(id=request.id, state="同意" if request.approved else "驳回",
                             state_en="accepted" if request.approved else "rejected")


async def _decide(ctx: Context, request: ChangeRequest, approved: bool, effect: Effect) -> None:
    refuse_decided(request)
    ctx.remember("change_request", request)
    request.approved, request.decided_by, request.decided_at = approved, ctx.rep_id, ctx.now
    request.days_delta, request.amount_delta, request.note = effect.days, effect.amount, effect.note
    await ctx.update("change_request", request, approved=approved, days_delta=effect.days,
                     amount_delta=str(effect.amount.amount) if effect.amount else None)


async def _shift(ctx: Context, access: Access, days: int) -> str:
    project = access.project
    assert project.id is not None
    stones = list(await ctx.uow.project_milestones.for_project(project.id))
    ctx.remember("project", project)
    for stone in stones:
        ctx.remember("project_milestone", stone)
    before = project.ends_on
    moved = shift_plan(project, stones, days)
    for stone in moved:
        await ctx.update("project_milestone", stone, due_on=str(stone.due_on))
    await ctx.update("project", project, ends_on=[str(before), str(project.ends_on)])
    return ctx.t(f"工期 {days:+d} 天：项目结束 {before or '未定'} → {project.ends_on or '未定'}，"
                 f"顺延 {len(moved)} 个未完成里程碑",
                 f"Schedule {days:+d} days: project ends {before or 'unset'} → {project.ends_on or 'unset'}, "
                 f"{len(moved)} open milestones moved")


async def _reprice(ctx: Context, access: Access, delta: Money) -> str:
    deal = access.deal
    ctx.remember("opportunity", deal)
    before = deal.amount
    try:
        deal.amount = before + delta if before is not None else delta
    except ValueError:
        raise InvalidValue("金额", f"商机金额是 {before.currency if before else ''}，变更金额要用同一币种",
                           "amount", f"the deal is in {before.currency if before else ''}; use the same currency"
                           ) from None
    await ctx.update("opportunity", deal, amount=[str(before.amount) if before else None, str(deal.amount.amount)])
    if deal.owner_id is not None and deal.owner_id != ctx.rep_id:
        await ctx.notify(deal.owner_id, Text(
            f"{ctx.rep.name} 同意了项目 P{access.project.id} 的变更，商机 #{deal.id} 金额 {money(before, 'zh')} → "
            f"{money(deal.amount, 'zh')}",
            f"{ctx.rep.name} accepted a change on project P{access.project.id}: deal #{deal.id} amount "
            f"{money(before, 'en')} → {money(deal.amount, 'en')}"))
    return ctx.t(f"商机 #{deal.id} 金额 {money(before, 'zh') or '未填'} → {money(deal.amount, 'zh')}",
                 f"Deal #{deal.id} amount {money(before, 'en') or 'unset'} → {money(deal.amount, 'en')}")


def _signed(value: Money | None, locale: str) -> str:
    if value is None:
        return ""
    return ("+" if value.amount > 0 else "") + value.format(locale)


def _joined(parts: list[str], sep: str, left: str, right: str) -> str:
    kept = [p for p in parts if p]
    return f"{left}{sep.join(kept)}{right}" if kept else ""
