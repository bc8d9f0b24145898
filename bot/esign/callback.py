"""POST /esign/callback: e签宝's notices about our flows (issue #16).

Verified first (app id, HMAC signature, timestamp within [esign] callback_max_age): 403 otherwise, 400 for a
body that is not a notice, 413 above MAX_BODY. Then, in one transaction, the request is moved from open to
its end state only if it is still open (a guarded UPDATE), so a redelivered or concurrent duplicate changes
nothing and tells nobody twice. Signed: the contract's signing date is set, the owner told, and a `fetch` item
queued to bring the signed PDF into the file store. Rejected / expired / revoked: state and reason, owner told.
A flow we do not know, and news that ends nothing, are acknowledged with 200 (e签宝 retries anything else).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.esign.store import signature_repo
from bot.i18n import Text
from connectors.esign.base import CallbackForged, CallbackMalformed, FlowEvent, FlowOutcome
from domain.esign import OPEN, ContractSignature, SignatureStatus, contract_ref
from domain.messaging import OutboxItem
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.esign.worker import EsignChannel


log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024
ZONE = ZoneInfo("Asia/Shanghai")
OK = {"code": "200", "msg": "success"}
ENDS = {FlowOutcome.SIGNED: SignatureStatus.SIGNED, FlowOutcome.REJECTED: SignatureStatus.REJECTED,
        FlowOutcome.EXPIRED: SignatureStatus.EXPIRED, FlowOutcome.REVOKED: SignatureStatus.REVOKED}


class CallbackHandler:
    def __init__(self, channel: EsignChannel) -> None:
        self.channel = channel

    async def handle(self, request: web.Request) -> web.Response:
        if (request.content_length or 0) > MAX_BODY:
            return web.json_response({"code": "413", "msg": "too large"}, status=413)
        body = await request.read()
        if len(body) > MAX_BODY:
            return web.json_response({"code": "413", "msg": "too large"}, status=413)
        try:
            event = self.channel.provider.parse_callback(request.headers, request.query_string, body,
                                                          self.channel.clock())
        except CallbackForged as err:
            log.warning("e-signature callback refused: %s", err)
            return web.json_response({"code": "403", "msg": "forbidden"}, status=403)
        except CallbackMalformed as err:
            return web.json_response({"code": "400", "msg": str(err)}, status=400)
        await self.apply(event)
        return web.json_response(OK)

    async def apply(self, event: FlowEvent) -> bool:
        """Whether this notice changed anything."""
        status = ENDS.get(event.outcome)
        if status is None:
            return False
        async with self.channel.uow_factory() as uow:
            request = await signature_repo(uow).by_flow(event.flow_id)
        if request is None or request.status not in OPEN:
            if request is None:
                log.info("e-signature callback for an unknown flow %s ignored", event.flow_id)
            return False
        request.status, request.reason = status, event.reason
        request.finished_at = event.at or self.channel.clock()
        if status == SignatureStatus.SIGNED:
            return await self._signed(request)
        return await self.channel.finish(request, ended_text(request))

    async def _signed(self, request: ContractSignature) -> bool:
        assert request.finished_at is not None
        ref = contract_ref(request.contract_id)
        day = request.finished_at.astimezone(ZONE).date()
        fetch = OutboxItem(channel="esign", recipient=ref, text=f"fetch {request.id}", created_at=self.channel.clock(),
                           extra={"action": "fetch", "signature_id": request.id},
                           dedupe_key=f"esign:fetch:{request.id}")
        async def record(uow: UnitOfWork) -> None:
            contract = await uow.contracts.get(request.contract_id)
            contract.signed_on = day
            await uow.contracts.save(contract)
            await uow.outbox.add(fetch)

        return await self.channel.finish(request, Text(
            f"🎉 合同 {ref} 已由 {request.signer_name} 完成电子签署（{day.isoformat()}），签署件随后存档。"
            f"查看：合同 {ref}",
            f"🎉 Contract {ref} was signed by {request.signer_name} ({day.isoformat()}); the signed PDF is being "
            f"filed. See: contract {ref}"), also=record)

def ended_text(request: ContractSignature) -> Text:
    ref = contract_ref(request.contract_id)
    why_zh = f"：{request.reason}" if request.reason else ""
    why_en = f": {request.reason}" if request.reason else ""
    if request.status == SignatureStatus.REJECTED:
        return Text(f"合同 {ref} 被 {request.signer_name} 拒签{why_zh}。重新发起：合同 {ref} 签署",
                    f"{request.signer_name} refused to sign contract {ref}{why_en}. Send again: contract {ref} sign")
    if request.status == SignatureStatus.EXPIRED:
        return Text(f"合同 {ref} 的电子签署已过期，{request.signer_name} 未签{why_zh}。重新发起：合同 {ref} 签署",
                    f"The e-signature of contract {ref} expired unsigned by {request.signer_name}{why_en}. "
                    f"Send again: contract {ref} sign")
    return Text(f"合同 {ref} 的电子签署已撤销{why_zh}。", f"The e-signature of contract {ref} was withdrawn{why_en}.")
