"""API tokens (issue #16): what a token may do, how its secret is made and checked (standard library only).

A token's secret is shown once, when an admin creates it in chat; only its SHA-256 hash is stored, with a
short display prefix (`dbt_1a2b3c4d`) that lists and logs may show. `access` is read or write; `resources`
limits it to some resources (empty: all); `team_id` scopes it to one team (None: the whole company).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

SECRET_PREFIX = "dbt_"
PREFIX_HEX = 8  # hex digits of the display prefix after "dbt_"


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


# Resources a token may be limited to: API name -> (zh, en) as admins write them in chat.
RESOURCES: dict[str, tuple[str, ...]] = {
    "customers": ("客户", "customer", "customers"),
    "contacts": ("联系人", "contact", "contacts"),
    "leads": ("线索", "lead", "leads"),
    "opportunities": ("商机", "deal", "deals", "opportunity", "opportunities"),
    "quotes": ("报价", "quote", "quotes"),
    "contracts": ("合同", "contract", "contracts"),
    "payment_milestones": ("回款", "回款节点", "payment", "payments", "milestone", "milestones"),
    "invoices": ("发票", "invoice", "invoices"),
    "projects": ("项目", "project", "projects"),
    "tasks": ("任务", "task", "tasks"),
}


@dataclass(slots=True)
class ApiToken:
    name: str
    prefix: str
    secret_hash: str
    access: Access = Access.READ
    resources: list[str] = field(default_factory=list)  # empty: every resource
    team_id: int | None = None  # None: the whole company (an admin's view)
    created_by: int | None = None
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, resource: str, write: bool) -> bool:
        """May this token touch `resource` (reading, or writing when `write`)?"""
        if write and self.access is not Access.WRITE:
            return False
        return not self.resources or resource in self.resources


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(the whole secret, its display prefix): `dbt_<8 hex>_<43 url-safe characters>`."""
    prefix = SECRET_PREFIX + secrets.token_hex(PREFIX_HEX // 2)
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def resource_named(word: str) -> str | None:
    """The API resource a chat word names (客户, deals, opportunities…), None when it names none."""
    folded = word.strip().casefold()
    return next((name for name, words in RESOURCES.items() if folded == name or folded in words), None)
