"""What a message turned out to be, noted by the routes as they decide (kind and feature of its usage event).

The router notes the command it ran; the free-text route notes a capture, a correction or a fallback; undo
notes whether it took back a free-text capture. The bot turns the note into one usage event per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.usage import COMMAND


@dataclass(slots=True)
class UsageTrace:
    kind: str = COMMAND
    feature: str = ""
    target: str | None = None

    def note(self, kind: str, feature: str | None = None) -> None:
        self.kind = kind
        if feature is not None:
            self.feature = feature


def capture_key(rep_id: int) -> str:
    """The settings key of a person's last free-text capture (bot.understanding.corrections keeps it there)."""
    return f"freetext:last:{rep_id}"


def is_capture_batch(record: Any, batch: str) -> bool:
    """Did the stored last capture (`capture_key`) write the audit batch `batch`?"""
    return isinstance(record, dict) and bool(batch) and record.get("batch") == batch
