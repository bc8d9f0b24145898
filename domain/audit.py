"""Audit trail: who changed what, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

UNDO_ACTION = "undo"  # the entry an undo leaves on each record it put back: in no batch, never itself undone


@dataclass(slots=True)
class AuditEntry:
    actor_id: int | None
    entity: str  # "opportunity", "customer", ...
    entity_id: int
    action: str  # "create", "update", "stage", "delete", "undo"
    at: datetime
    changes: dict[str, Any] = field(default_factory=dict)  # field -> [before, after]
    batch: str = ""  # one id per user action, so `undo` can revert the whole action
    id: int | None = None
