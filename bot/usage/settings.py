"""`[usage]` (issue #16): how long usage events are kept, the admins' monthly feedback summary, and the buffer
in which page views and API calls wait before they are written.

```toml
[usage]
retention_days = 400        # usage events older than this are pruned by housekeeping; 0 keeps them forever
summary = true              # the monthly feedback summary to every admin
summary_at = "09:00"        # ...sent on the 1st of each month after this local time ([bot] timezone)
flush_seconds = 5.0         # page views / API calls are written in batches at least this often
flush_size = 200            # ...or as soon as this many wait
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from scheduler.daily import parse_local_time

DEFAULTS: dict[str, Any] = {"retention_days": 400, "summary": True, "summary_at": "09:00", "flush_seconds": 5.0,
                            "flush_size": 200}


@dataclass(frozen=True, slots=True)
class UsageSettings:
    retention_days: int = 400
    summary: bool = True
    summary_at: time = time(9, 0)
    timezone: str = "Asia/Shanghai"
    interval: float = 300.0  # seconds between looks for the monthly summary
    flush_seconds: float = 5.0
    flush_size: int = 200

    @classmethod
    def from_sections(cls, usage: Mapping[str, Any], bot: Mapping[str, Any]) -> UsageSettings:
        values = {**DEFAULTS, **usage}
        return cls(retention_days=int(values["retention_days"]), summary=bool(values["summary"]),
                   summary_at=parse_local_time(str(values["summary_at"])),
                   timezone=str(bot.get("timezone", "Asia/Shanghai")),
                   flush_seconds=float(values["flush_seconds"]), flush_size=int(values["flush_size"]))
