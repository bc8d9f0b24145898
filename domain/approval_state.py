"""A quote's or contract's approval (domain.approvals): none needed, waiting, approved, rejected."""

from __future__ import annotations

from enum import StrEnum


class ApprovalState(StrEnum):
    NONE = ""
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # its request was withdrawn (a newer version superseded it): never approved

    @property
    def blocks(self) -> bool:
        """Not to be mailed nor counted as signed: waiting for approval, or rejected."""
        return self in (ApprovalState.PENDING, ApprovalState.REJECTED, ApprovalState.WITHDRAWN)
