"""The chat use cases of e-signature (issue #16): send a contract for signature, show where it stands,
withdraw it. The provider is never called here: the request is stored and an `esign` outbox item queued in
the same transaction; the outbox worker (bot.esign.worker) makes the call, with retries.

Who may: sending and withdrawing need the right to work on the contract's deal (domain.permissions); showing
needs the right to see it. A contract whose deal one may not see answers exactly like a missing contract.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.esign.store import signature_repo
from bot.handlers.common import money, when
from bot.i18n import Text
from domain import permissions
from domain.billing import Contract
from domain.errors import DomainError, NotFound
from domain.esign import (
    ContractSignature,
    ContractSignatureRepository,
    SignatureStatus,
    check_can_revoke,
    check_can_send,
    contract_ref,
    signer_from,
)
from domain.messaging import OutboxItem
from domain.opportunity import Opportunity
from domain.permissions import Right

CHANNEL = "esign"
STATUS_WORDS = {
    SignatureStatus.QUEUED: ("待发送", "queued"), SignatureStatus.SENT: ("签署中", "out for signature"),
    SignatureStatus.SIGNED: ("已签署", "signed"), SignatureStatus.REJECTED: ("已拒签", "rejected"),
    SignatureStatus.EXPIRED: ("已过期", "expired"), SignatureStatus.REVOKED: ("已撤回", "withdrawn"),
    SignatureStatus.FAILED: ("发送失败", "failed")}


class EsignOff(DomainError):
    zh = "电子签约未开启：请管理员在配置文件的 [esign] 里填写 app_id 和 app_secret"
    en = "e-signature is not set up: an admin fills in app_id and app_secret under [esign] in the config file"


class ContractHeld(DomainError):
    zh = "合同 {ref} 还在审批中或未获批准，不能发起签署"
    en = "contract {ref} is waiting for approval or was not approved; it cannot be sent for signature"


class NoSigner(DomainError):
    zh = "请写签署人姓名和手机号：合同 {ref} 签署 签署人 何总 13800138000（商机联系人没有手机号可用）"
    en = ("give the signer's name and mobile: contract {ref} sign signer Mr He 13800138000 (the deal's contact has "
          "no mobile)")


def signatures(ctx: Context) -> ContractSignatureRepository:
    return signature_repo(ctx.uow)


async def load_contract(ctx: Context, contract_id: int, need: Right) -> tuple[Contract, Opportunity]:
    """The contract and its deal if this person may see it (else NotFound, as for a missing one) and holds
    `need` on the deal (else PermissionDenied)."""
    ref = contract_ref(contract_id)
    contract = await ctx.uow.contracts.find(contract_id)
    deal = await ctx.uow.opportunities.find(contract.opportunity_id) if contract is not None else None
    if contract is None or deal is None or not permissions.can_view(ctx.rep, deal, ctx.directory.team_of,
                                                                      ctx.directory.teams):
        raise NotFound("合同", ref, "contract")
    permissions.require(ctx.rep, deal, need, ctx.directory.team_of, ctx.directory.teams)
    return contract, deal


async def send_for_signature(ctx: Context, contract_id: int, words: Sequence[str]) -> Text:
    if ctx.settings.esign is None:
        raise EsignOff()
    contract, deal = await load_contract(ctx, contract_id, Right.WORK)
    ref = contract_ref(contract_id)
    name, mobile = signer_from(words) if words else await _deal_contact(ctx, deal, ref)
    if contract.approval.blocks:
        raise ContractHeld(ref=ref)
    repo = signatures(ctx)
    check_can_send(ref, await repo.latest_for(contract_id))
    request = await repo.add(ContractSignature(contract_id=contract_id, signer_name=name, signer_mobile=mobile,
                                               requested_at=ctx.now, requested_by=ctx.rep.id))
    await ctx.audit("contract_signature", request.id, "create", contract=contract_id, signer=name)
    ctx.outbox.append(work_item("send", request, ctx))
    return Text(f"合同 {ref}（{contract.number}）已提交电子签署，签署人 {name} {mask(mobile)}，发出后会收到短信。"
                f"\n查看进度：合同 {ref}",
                f"Contract {ref} ({contract.number}) is being sent for e-signature to {name} {mask(mobile)}, who "
                f"gets a text message.\nProgress: contract {ref}")


async def revoke_signature(ctx: Context, contract_id: int) -> Text:
    if ctx.settings.esign is None:
        raise EsignOff()
    await load_contract(ctx, contract_id, Right.WORK)
    ref = contract_ref(contract_id)
    repo = signatures(ctx)
    request = check_can_revoke(ref, await repo.latest_for(contract_id))
    if request.status == SignatureStatus.QUEUED:  # not at the provider yet: the worker will skip it
        request.status, request.finished_at, request.reason = SignatureStatus.REVOKED, ctx.now, ""
        await repo.save(request)
        await ctx.audit("contract_signature", request.id, "revoke", contract=contract_id)
        return Text(f"合同 {ref} 的签署已撤回（尚未发出）。",
                    f"The signature of contract {ref} was withdrawn (not sent yet).")
    await ctx.audit("contract_signature", request.id, "revoke", contract=contract_id)
    ctx.outbox.append(work_item("revoke", request, ctx))
    return Text(f"正在撤回合同 {ref} 的签署，完成后会通知你。",
                f"Withdrawing the signature of contract {ref}; you will be told.")


async def show_contract(ctx: Context, contract_id: int) -> Text:
    contract, deal = await load_contract(ctx, contract_id, Right.VIEW)
    ref = contract_ref(contract_id)
    head_zh = f"合同 {ref} {contract.number} · #{deal.id} {deal.name} · {money(contract.amount, 'zh')}"
    head_en = f"Contract {ref} {contract.number} · #{deal.id} {deal.name} · {money(contract.amount, 'en')}"
    request = await signatures(ctx).latest_for(contract_id)
    if request is None:
        return Text(f"{head_zh}\n电子签署：未发起（合同 {ref} 签署 签署人 姓名 手机号）",
                    f"{head_en}\nE-signature: not sent (contract {ref} sign signer <name> <mobile>)")
    zh, en = STATUS_WORDS[request.status]
    stamp = when(request.finished_at or request.sent_at or request.requested_at, ctx)
    reason = f"（{request.reason}）" if request.reason else ""
    reason_en = f" ({request.reason})" if request.reason else ""
    file_zh = "\n已签署文件已存档" if request.signed_file else ""
    file_en = "\nThe signed file is kept" if request.signed_file else ""
    return Text(f"{head_zh}\n电子签署：{zh}{reason} · 签署人 {request.signer_name} {mask(request.signer_mobile)} · "
                f"{stamp}{file_zh}",
                f"{head_en}\nE-signature: {en}{reason_en} · signer {request.signer_name} "
                f"{mask(request.signer_mobile)} · {stamp}{file_en}")


def work_item(action: str, request: ContractSignature, ctx: Context) -> OutboxItem:
    """The outbox item the worker acts on; one sending per request (its dedupe key)."""
    assert request.id is not None
    return OutboxItem(channel=CHANNEL, recipient=contract_ref(request.contract_id), text=f"{action} {request.id}",
                      created_at=ctx.now, extra={"action": action, "signature_id": request.id},
                      dedupe_key=f"esign:{action}:{request.id}" if action == "send" else None)


async def _deal_contact(ctx: Context, deal: Opportunity, ref: str) -> tuple[str, str]:
    """The deal's contact; else the customer's only contact with a mobile. NoSigner when neither has one."""
    contact = await ctx.uow.contacts.find(deal.contact_id) if deal.contact_id is not None else None
    candidates = [contact] if contact is not None else list(await ctx.uow.contacts.for_customer(deal.customer_id))
    found: list[tuple[str, str]] = []
    for person in candidates:
        try:
            found.append(signer_from([person.name, person.phone]))
        except DomainError:
            continue
    if len(found) != 1:
        raise NoSigner(ref=ref)
    return found[0]

def mask(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else mobile
