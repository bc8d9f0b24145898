"""`变更` / `change requests`: change requests of delivery projects (issue #15), filed by customers on the portal or by
mail reply, decided in chat.

- `变更` lists the open requests of the projects one may see; `变更 P3` every request of P3;
- `变更 CR3 同意 [+10天] [+5万] [备注]` accepts (the project's end and its open milestones move by the days,
  the deal's amount by the money; audited, 撤销 undoes it); `变更 CR3 驳回 原因` declines with a reason.
"""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery.access import open_project, ref_number, store
from bot.delivery.words import split_verb
from bot.handlers.common import money, when
from bot.portal.decisions import (
    ACCEPT_WORDS,
    REJECT_WORDS,
    accept,
    cr_number,
    open_request,
    read_effect,
    refuse_decided,
    reject,
    require_decider,
)
from bot.registry import command
from bot.reply import Reply
from domain.delivery import ChangeRequest
from domain.errors import NotFound

LISTED = 20


@command("变更", "change requests", "change request", "变更请求", section="delivery", writes=True, prefix=False,
         help_zh="客户的变更请求：列出待处理的；变更 CR3 同意 [+10天] [+5万] [备注] 或 变更 CR3 驳回 原因",
         help_en="Customers' change requests: list the open ones; change request CR3 accept [+10d] [+50000] [note] or "
                 "change request CR3 reject <reason>",
         usage_zh="变更 | 变更 P3 | 变更 CR3 同意 [+10天] [+5万] [备注] | 变更 CR3 驳回 原因",
         usage_en="change requests | change requests P3 | change request CR3 accept [+10 days] [+50000] [note] | "
                  "change request CR3 reject <reason>")
async def change_requests(ctx: Context, args: Args) -> Reply:
    if not args.tokens:
        return await _open_list(ctx)
    first = args.tokens.pop(0)
    number = cr_number(first)
    if number is None:
        if ref_number("P", first) is None or args.tokens:
            raise args.fail(f"看不懂「{first}」，请写变更请求号（如 CR3）或项目号（如 P3）",
                            f"cannot read '{first}'; give a change request (like CR3) or a project (like P3)")
        return await _project_list(ctx, first)
    request, access = await open_request(ctx, number)
    verb = split_verb(args, args.tokens.pop(0).casefold(), ACCEPT_WORDS + REJECT_WORDS) if args.tokens else ""
    if not verb:
        return Reply.text(_line(ctx, request, with_project=True))
    if verb not in ACCEPT_WORDS + REJECT_WORDS:
        raise args.fail(f"「{verb}」不是处理方式，请写 同意 或 驳回",
                        f"'{verb}' is no decision; write accept or reject")
    require_decider(ctx, access, number)
    refuse_decided(request)
    if verb in REJECT_WORDS:
        reason = args.required_rest("驳回要写原因，如：变更 CR3 驳回 超出合同范围",
                                    "say why, e.g.: change request CR3 reject out of the contract's scope")
        await reject(ctx, request, access, reason)
        return Reply.text(ctx.t(f"已驳回变更请求 CR{number}（{reason}）。",
                                f"Declined change request CR{number} ({reason})."))
    said = await accept(ctx, request, access, read_effect(args))
    return Reply.text(*said)


def _line(ctx: Context, request: ChangeRequest, with_project: bool = False) -> str:
    state = {None: ctx.t("待处理", "open"), True: ctx.t("已同意", "accepted"), False: ctx.t("已驳回", "rejected")}
    where = f"P{request.project_id} " if with_project else ""
    who = f" · {request.requester}" if request.requester else ""
    effect = "".join([ctx.t(f" · 工期 {request.days_delta:+d} 天", f" · {request.days_delta:+d} days")
                      if request.days_delta else "",
                      f" · {money(request.amount_delta, ctx.locale)}" if request.amount_delta else ""])
    state_text = ctx.t(f"（{state[request.approved]}{effect}）", f" ({state[request.approved]}{effect})")
    return (f"CR{request.id} {where}{request.title}{state_text}{who} · "
            f"{when(request.requested_at, ctx, date_only=True)}")


async def _project_list(ctx: Context, ref: str) -> Reply:
    access = await open_project(ctx, ref)
    assert access.project.id is not None
    found = list(await ctx.uow.change_requests.for_project(access.project.id))[-LISTED:]
    if not found:
        return Reply.text(ctx.t(f"P{access.project.id} 还没有变更请求。",
                                f"P{access.project.id} has no change requests."))
    return Reply.card(ctx.t(f"P{access.project.id} 的变更请求", f"Change requests of P{access.project.id}"),
                      lines=[_line(ctx, r) for r in reversed(found)])


async def _open_list(ctx: Context) -> Reply:
    shown: list[ChangeRequest] = []
    allowed: dict[int, bool] = {}
    for request in await store(ctx.uow).change_requests.open_ones(LISTED * 10):
        if request.project_id not in allowed:
            allowed[request.project_id] = await _may_view(ctx, request.project_id)
        if allowed[request.project_id]:
            shown.append(request)
    if not shown:
        return Reply.text(ctx.t("没有待处理的变更请求。", "No open change requests."))
    lines = [_line(ctx, r, with_project=True) for r in shown[:LISTED]]
    lines.append(ctx.t("处理：变更 CR3 同意 [+10天] [+5万] [备注] ／ 变更 CR3 驳回 原因",
                       "Decide: change request CR3 accept [+10 days] [+50000] [note] / "
                       "change request CR3 reject <reason>"))
    return Reply.card(ctx.t(f"待处理的变更请求（{len(shown)}）", f"Open change requests ({len(shown)})"), lines=lines)


async def _may_view(ctx: Context, project_id: int) -> bool:
    try:
        await open_project(ctx, project_id)
    except NotFound:
        return False
    return True
