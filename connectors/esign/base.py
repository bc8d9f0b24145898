"""What the bot needs from an e-signature provider, in its own small types (no domain imports).

A provider creates a sign flow for one PDF and its signers, reports a flow's state, hands out the signed file,
withdraws a flow, and verifies and reads the callbacks it sends. Errors: `ProviderError` (with `retry_after`
seconds, None when retrying cannot help), `CallbackForged` (signature or timestamp wrong: answer 403) and
`CallbackMalformed` (not the provider's JSON: answer 400).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class FlowOutcome(StrEnum):
    SIGNING = "signing"  # still open (or an event that ends nothing: read, one signer done)
    SIGNED = "signed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    mobile: str


@dataclass(frozen=True, slots=True)
class SignDocument:
    title: str  # the flow's title the signer sees
    filename: str  # ends in .pdf
    data: bytes
    reference: str  # our own id for the document (the contract number), echoed back where the provider can


@dataclass(frozen=True, slots=True)
class FlowEvent:
    """One callback, read: which flow, what it means for us, why (rejections, expiry), and when."""

    flow_id: str
    outcome: FlowOutcome
    action: str  # the provider's own event name
    reason: str = ""
    at: datetime | None = None


class ProviderError(Exception):
    def __init__(self, reason: str, retry_after: float | None = 30.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class CallbackForged(Exception):
    """Wrong app, signature or a stale timestamp."""


class CallbackMalformed(Exception):
    """Signed correctly but not a callback we can read."""


class SignatureProvider(Protocol):
    name: str

    async def create_flow(self, document: SignDocument, signers: Sequence[Signer], notify_url: str) -> str:
        """Upload the PDF, start a flow in which `signers` are notified; the provider's flow id."""
        ...

    async def flow_outcome(self, flow_id: str) -> FlowOutcome: ...

    async def download_signed(self, flow_id: str) -> bytes: ...

    async def revoke(self, flow_id: str, reason: str) -> None: ...

    def parse_callback(self, headers: Mapping[str, str], query: str, body: bytes, now: datetime) -> FlowEvent:
        """Verify then read one callback; raises CallbackForged or CallbackMalformed."""
        ...

    async def close(self) -> None: ...
