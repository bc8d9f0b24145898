"""E-signature of a contract (issue #16): one signature request per sending, its state and the rules.

A request is stored `queued` by the chat command (nothing has left the process yet); the outbox worker
sends the contract PDF to the provider and marks it `sent` with the provider's flow id; the provider's
callback ends it: `signed`, `rejected`, `expired` or `revoked`. `failed`: the provider refused the request
for good (the requester is told). Only one request per contract may be open (queued or sent) at a time,
and a signed contract is never sent again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.errors import DomainError


class SignatureStatus(StrEnum):
    QUEUED = "queued"  # asked for in chat; the worker has not reached the provider yet
    SENT = "sent"  # the provider holds the flow; waiting for the signer
    SIGNED = "signed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REVOKED = "revoked"  # withdrawn by us (`合同 C3 撤回签署`), or before it reached the provider
    FAILED = "failed"  # the provider refused the request for good


OPEN = frozenset({SignatureStatus.QUEUED, SignatureStatus.SENT})
FINAL = frozenset({SignatureStatus.SIGNED, SignatureStatus.REJECTED, SignatureStatus.EXPIRED,
                   SignatureStatus.REVOKED, SignatureStatus.FAILED})


@dataclass(slots=True)
class ContractSignature:
    contract_id: int
    signer_name: str
    signer_mobile: str
    requested_at: datetime
    requested_by: int | None = None
    status: SignatureStatus = SignatureStatus.QUEUED
    flow_id: str | None = None  # the provider's sign flow id, once sent
    sent_at: datetime | None = None
    finished_at: datetime | None = None  # signed, rejected, expired, revoked or failed
    reason: str = ""  # why it was rejected, expired, revoked or failed (the provider's words)
    signed_file: str = ""  # sha256 of the signed PDF in the file store, once fetched
    id: int | None = None


_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_NAME = re.compile(r"^[^/\\:：*\"<>|?？\n\t]{1,30}$")


class SignerMissing(DomainError):
    zh = "缺少签署人：请写签署人的姓名和手机号"
    en = "missing the signer: give the signer's name and mobile number"


class BadMobile(DomainError):
    zh = "签署人手机号「{value}」无效：请写 11 位中国大陆手机号，如 13800138000"
    en = "the signer's mobile '{value}' is not valid: write an 11-digit mainland China mobile, like 13800138000"


class BadSignerName(DomainError):
    zh = "签署人姓名「{value}」无效：1–30 个字，不含 / \\ : ： * \" < > | ?"
    en = "the signer's name '{value}' is not valid: 1-30 characters, none of / \\ : * \" < > | ?"


class AlreadySigned(DomainError):
    zh = "合同 {ref} 已经签署完成（{at}），不能再次发起签署"
    en = "contract {ref} is already signed ({at}); it cannot be sent for signature again"


class SignatureOpen(DomainError):
    zh = "合同 {ref} 已在签署中（签署人 {signer}），要重发请先撤回：合同 {ref} 撤回签署"
    en = ("contract {ref} is already out for signature (signer {signer}); to send again, withdraw it first: "
          "contract {ref} withdraw")


class NothingToRevoke(DomainError):
    zh = "合同 {ref} 没有进行中的签署，无需撤回"
    en = "contract {ref} has no signature in progress to withdraw"


def signer_from(words: Sequence[str]) -> tuple[str, str]:
    """(name, mobile) from the words after 签署人 / signer: one mobile number and a name, in either order."""
    mobiles = [w for w in words if _MOBILE.match(w.replace("-", ""))]
    names = [w for w in words if w not in mobiles]
    if not words:
        raise SignerMissing()
    if not mobiles:
        if any(ch.isdigit() for ch in "".join(words)):
            raise BadMobile(value=next(w for w in words if any(ch.isdigit() for ch in w)))
        raise BadMobile(value="")
    name = " ".join(names).strip()
    if not name:
        raise SignerMissing()
    if not _NAME.match(name):
        raise BadSignerName(value=name)
    match = _MOBILE.match(mobiles[0].replace("-", ""))
    assert match is not None
    return name, match.group(1)


def check_can_send(ref: str, latest: ContractSignature | None) -> None:
    """A contract may be sent unless it is signed or a request is still open."""
    if latest is None:
        return
    if latest.status == SignatureStatus.SIGNED:
        at = latest.finished_at.date().isoformat() if latest.finished_at else ""
        raise AlreadySigned(ref=ref, at=at)
    if latest.status in OPEN:
        raise SignatureOpen(ref=ref, signer=latest.signer_name)


def check_can_revoke(ref: str, latest: ContractSignature | None) -> ContractSignature:
    if latest is None or latest.status not in OPEN:
        raise NothingToRevoke(ref=ref)
    return latest


def contract_ref(contract_id: int) -> str:
    return f"C{contract_id}"


class ContractSignatureRepository(Protocol):
    async def add(self, item: ContractSignature) -> ContractSignature: ...
    async def get(self, item_id: int) -> ContractSignature: ...
    async def find(self, item_id: int) -> ContractSignature | None: ...
    async def save(self, item: ContractSignature) -> None: ...
    async def latest_for(self, contract_id: int) -> ContractSignature | None: ...
    async def by_flow(self, flow_id: str) -> ContractSignature | None: ...
    async def sent_before(self, cutoff: datetime, limit: int = 100) -> list[ContractSignature]: ...

    async def move(self, item_id: int, from_statuses: frozenset[SignatureStatus], item: ContractSignature) -> bool:
        """Write `item` only if the stored row is still in one of `from_statuses`; whether it was written.
        Two processes handling one callback twice: only one of them moves the row (and tells the owner)."""
        ...
