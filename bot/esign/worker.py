"""The `esign` outbox channel (issue #16): the provider calls the chat commands queued, made by the outbox
dispatcher with its retries, backoff and dead letters. Actions (`extra["action"]`):

- `send`: draw the contract PDF (in a worker thread), create the provider's flow, mark the request `sent`;
- `revoke`: withdraw the flow at the provider, mark it `revoked`;
- `fetch`: download the signed PDF into the file store ([files] dir), note it on the request and file it on
  the deal's delivery project(s) (bot.esign.filing).

A retryable provider failure is a DeliveryError (tried again later); a refusal for good marks the request
`failed` (send) or tells the requester why (revoke). It also serves POST /esign/callback (bot.esign.callback).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.delivery.files import FileStore
from bot.esign.filing import file_on_projects
from bot.esign.notices import tell_people
from bot.esign.pdf import render_pdf
from bot.esign.settings import CALLBACK_PATH, EsignSettings
from bot.esign.sheet import contract_sheet
from bot.esign.store import signature_repo
from bot.i18n import Text
from connectors.base import DeliveryError, Dispatch, OutboundMessage
from connectors.esign.base import FlowEvent, ProviderError, SignatureProvider, SignDocument, Signer
from domain.esign import OPEN, ContractSignature, SignatureStatus, contract_ref
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)


class EsignChannel:
    channel = "esign"

    def __init__(self, uow_factory: Callable[[], UnitOfWork], provider: SignatureProvider, settings: EsignSettings,
                 files: FileStore, order: Sequence[str], clock: Callable[[], datetime] | None = None) -> None:
        self.uow_factory, self.provider, self.settings, self.files = uow_factory, provider, settings, files
        self.order = tuple(order)
        self.clock = clock or (lambda: datetime.now(UTC))

    async def start(self, dispatch: Dispatch) -> None:
        """Nothing arrives through this channel but callbacks (served by the bot's HTTP server); meanwhile, every
        `poll_minutes`, ask e签宝 about requests out that long without news, in case a callback was lost."""
        minutes = self.settings.poll_minutes
        while minutes > 0:
            await asyncio.sleep(minutes * 60)
            try:
                await self.reconcile(timedelta(minutes=minutes))
            except Exception:  # the database or e签宝 away a moment: the next round tries again
                log.exception("e-signature status poll failed")

    async def reconcile(self, quiet_for: timedelta) -> int:
        """Apply the provider's state of every request sent more than `quiet_for` ago and still open, exactly
        as its callback would have (once); how many changed."""
        from bot.esign.callback import CallbackHandler

        async with self.uow_factory() as uow:
            waiting = await signature_repo(uow).sent_before(self.clock() - quiet_for)
        changed = 0
        for request in waiting:
            assert request.flow_id is not None
            try:
                outcome = await self.provider.flow_outcome(request.flow_id)
            except ProviderError as err:
                log.warning("e-signature status of %s: %s", contract_ref(request.contract_id), err)
                continue
            changed += await CallbackHandler(self).apply(FlowEvent(request.flow_id, outcome, "detail"))
        return changed

    async def stop(self) -> None:
        await self.provider.close()

    def add_routes(self, web_app: web.Application) -> None:
        from bot.esign.callback import CallbackHandler

        web_app.router.add_post(CALLBACK_PATH, CallbackHandler(self).handle)

    async def send(self, message: OutboundMessage) -> None:
        action, signature_id = message.extra.get("action"), message.extra.get("signature_id")
        if not isinstance(signature_id, int) or action not in ("send", "revoke", "fetch"):
            raise DeliveryError(f"esign item without action or signature id: {action!r}", retry_after=None)
        async with self.uow_factory() as uow:
            request = await signature_repo(uow).find(signature_id)
        if request is None:  # its contract was deleted (undo) since: nothing left to do
            return
        try:
            await getattr(self, f"_{action}")(request)
        except ProviderError as err:
            if err.retry_after is not None:
                raise DeliveryError(str(err), retry_after=err.retry_after) from None
            await self._refused(str(action), request, str(err))

    async def _send(self, request: ContractSignature) -> None:
        if request.status != SignatureStatus.QUEUED:
            return  # withdrawn before it went out, or already sent by an earlier attempt
        async with self.uow_factory() as uow:
            sheet = await contract_sheet(uow, request, self.settings.company)
        pdf = await asyncio.to_thread(render_pdf, sheet, self.settings.font)
        document = SignDocument(title=f"合同 {sheet.number}", filename=f"{sheet.number}.pdf", data=pdf,
                                reference=sheet.number)
        flow_id = await self.provider.create_flow(document, [Signer(request.signer_name, request.signer_mobile)],
                                                  self.settings.callback_url)
        request.status, request.flow_id, request.sent_at = SignatureStatus.SENT, flow_id, self.clock()
        ref = contract_ref(request.contract_id)
        async with self.uow_factory() as uow:
            moved = await signature_repo(uow).move(request.id or 0, frozenset({SignatureStatus.QUEUED}), request)
            if moved:
                await tell_people(uow, request, Text(
                    f"合同 {ref} 已发给 {request.signer_name} 签署（e签宝流程 {flow_id}）。",
                    f"Contract {ref} was sent to {request.signer_name} for signature (e签宝 flow {flow_id})."),
                    self.clock(), self.order, owner=False)
            await uow.commit()
        if not moved:  # withdrawn while it was being sent: withdraw it at the provider too
            await self.provider.revoke(flow_id, "撤回")

    async def _revoke(self, request: ContractSignature) -> None:
        if request.status != SignatureStatus.SENT or not request.flow_id:
            return
        await self.provider.revoke(request.flow_id, "发起方撤回")
        request.status, request.finished_at, request.reason = SignatureStatus.REVOKED, self.clock(), ""
        ref = contract_ref(request.contract_id)
        await self.finish(request, Text(f"合同 {ref} 的签署已撤回。",
                                        f"The signature of contract {ref} was withdrawn."))

    async def _fetch(self, request: ContractSignature) -> None:
        if request.status != SignatureStatus.SIGNED or not request.flow_id or request.signed_file:
            return
        data = await self.provider.download_signed(request.flow_id)
        sha = await self.files.put(data)
        async with self.uow_factory() as uow:
            stored = await signature_repo(uow).get(request.id or 0)
            stored.signed_file = sha
            await signature_repo(uow).save(stored)
            await file_on_projects(uow, stored, sha, len(data), self.clock())
            await uow.commit()

    async def finish(self, request: ContractSignature, text: Text, owner: bool = True,
                     also: Callable[[UnitOfWork], Awaitable[None]] | None = None) -> bool:
        """Move an open request to its end state, tell people and do `also`, in one transaction and once:
        False when it had already ended (a duplicate notice, a race with another process)."""
        async with self.uow_factory() as uow:
            moved = await signature_repo(uow).move(request.id or 0, OPEN, request)
            if moved:
                await tell_people(uow, request, text, self.clock(), self.order, owner=owner)
                if also is not None:
                    await also(uow)
            await uow.commit()
        return moved

    async def _refused(self, action: str, request: ContractSignature, reason: str) -> None:
        ref = contract_ref(request.contract_id)
        log.warning("e-signature %s of %s refused by the provider: %s", action, ref, reason)
        if action == "send":
            request.status, request.finished_at, request.reason = SignatureStatus.FAILED, self.clock(), reason
            await self.finish(request, Text(f"合同 {ref} 发起电子签署失败：{reason}",
                                            f"Contract {ref} could not be sent for e-signature: {reason}"), owner=False)
        elif action == "revoke":
            async with self.uow_factory() as uow:
                text = Text(f"合同 {ref} 的签署没能撤回：{reason}",
                            f"The signature of contract {ref} could not be withdrawn: {reason}")
                await tell_people(uow, request, text, self.clock(), self.order, owner=False)
                await uow.commit()
