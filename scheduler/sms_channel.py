"""The outbox channel "sms": our own per-number limits (counted in the sends ledger, so every process sees
them), then the provider, then the ledger line. What the limits hold back waits (a deferral: the outbox
tries it again when the window allows, without spending an attempt); nothing is dropped.

An outbox row of this channel carries `extra["sms"]` = {"template_id", "params": [...], "kind" (reminder |
payment), "customer_id"?, "milestone_id"?}; its recipient is the E.164 number and its text the message as
chat would read it (logs, `dealbot outbox`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from connectors.base import DeliveryError, Dispatch, OutboundMessage
from connectors.sms.base import SmsProvider, SmsRequest
from domain.ports import UnitOfWork
from domain.sms import SmsLimits, SmsSend, masked
from domain.sms_ports import SmsUnitOfWork

log = logging.getLogger(__name__)
CHANNEL = "sms"


class ThrottledSms:
    channel = CHANNEL

    def __init__(self, provider: SmsProvider, uow_factory: Callable[[], UnitOfWork], limits: SmsLimits,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.provider = provider
        self.uow_factory = cast(Callable[[], SmsUnitOfWork], uow_factory)
        self.limits = limits
        self.clock = clock or (lambda: datetime.now(UTC))

    async def start(self, dispatch: Dispatch) -> None:
        """Outbound only."""

    async def stop(self) -> None:
        await self.provider.close()

    async def send(self, message: OutboundMessage) -> None:
        sms = _payload(message)
        phone = message.recipient
        async with self.uow_factory() as uow:
            sent = await uow.sms.sent_since(phone, self.clock() - timedelta(days=1))
        wait = self.limits.wait(sent, self.clock())
        if wait > timedelta(0):
            raise DeliveryError(f"held back by our SMS limits for {masked(phone)} "
                                f"({len(sent)} in 24 h): next in {int(wait.total_seconds())} s",
                                retry_after=wait.total_seconds(), deferred=True)
        key = str(message.extra.get("delivery_key", ""))
        serial = await self.provider.send_sms(SmsRequest(phone, sms["template_id"], sms["params"], key))
        async with self.uow_factory() as uow:
            await uow.sms.record(SmsSend(phone, sms["kind"], self.clock(), sms["template_id"], key or None,
                                         sms.get("customer_id"), sms.get("milestone_id"), serial))
            await uow.commit()
        log.info("sms %s to %s accepted (%s)", sms["kind"], masked(phone), serial)


def _payload(message: OutboundMessage) -> dict[str, Any]:
    """`extra["sms"]` checked; a malformed one is a permanent failure (sending it again cannot fix it)."""
    sms = message.extra.get("sms")
    ok = isinstance(sms, dict) and isinstance(sms.get("template_id"), str) and sms["template_id"] \
        and isinstance(sms.get("params"), list) and all(isinstance(p, str) for p in sms["params"])
    if not ok:
        raise DeliveryError("sms outbox row without a template id and parameters", retry_after=None)
    assert isinstance(sms, dict)
    return {**sms, "kind": str(sms.get("kind") or "reminder")}
