"""[api] settings of the open API (issue #16), read once by bot.api.app from the config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import Config

PAGE_DEFAULT, PAGE_MAX = 50, 200


@dataclass(frozen=True, slots=True)
class ApiSettings:
    enabled: bool = True
    rate_per_minute: int = 600  # per token and process: a token bucket of this size, refilled per minute
    max_body_bytes: int = 65536  # a larger request body is refused with 413
    idempotency_hours: int = 24  # how long an Idempotency-Key's answer is kept and replayed
    last_used_seconds: int = 60  # a token's last_used_at is written at most this often

    @classmethod
    def from_config(cls, config: Config) -> ApiSettings:
        values: dict[str, Any] = {name: config.get("api", name, getattr(cls(), name))
                                  for name in ("enabled", "rate_per_minute", "max_body_bytes", "idempotency_hours",
                                               "last_used_seconds")}
        return cls(**values)
