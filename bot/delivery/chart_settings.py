"""What the Gantt command needs from config beyond the web pages' address (`Settings.web`): the CJK font charts
draw with (`[digest] font`; "" = the installed Noto Sans CJK)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ChartSettings:
    font: str = ""

    @classmethod
    def from_sections(cls, digest: Any) -> ChartSettings:
        return cls(font=str(digest.get("font") or ""))
