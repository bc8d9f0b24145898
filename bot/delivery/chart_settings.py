"""What the Gantt command needs from config: the address of the web pages (`[web] public_url`, where the link
under a chart points) and the CJK font charts draw with (`[digest] font`; "" = the installed Noto Sans CJK)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True, slots=True)
class ChartSettings:
    public_url: str = DEFAULT_PUBLIC_URL
    font: str = ""

    def project_url(self, project_id: int) -> str:
        """The team's web view of a project (bot.web serves it after login)."""
        return f"{self.public_url.rstrip('/')}/team/projects/{project_id}"

    @classmethod
    def from_sections(cls, web: Any, digest: Any) -> ChartSettings:
        return cls(public_url=str(web.get("public_url") or DEFAULT_PUBLIC_URL), font=str(digest.get("font") or ""))
