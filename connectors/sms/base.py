"""What every SMS provider adapter offers: one templated SMS to one number, or a DeliveryError saying when
to try again (None: never, with the provider's reason)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SmsRequest:
    phone: str  # E.164, "+8613800138000"
    template_id: str
    params: Sequence[str]
    context: str = ""  # echoed back by the provider (SessionContext): our outbox delivery key


class SmsProvider(Protocol):
    async def send_sms(self, request: SmsRequest) -> str:
        """Send one SMS; returns the provider's serial number. Raises connectors.base.DeliveryError."""
        ...

    async def close(self) -> None: ...
