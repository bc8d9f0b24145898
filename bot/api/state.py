"""What every API request shares in one process: storage, clock, settings, the directory cache, the
authenticator with its rate buckets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.api.auth import Authenticator, RateLimiter
from bot.api.settings import ApiSettings
from bot.context import Settings
from bot.directory_cache import DirectoryCache
from domain.ports import UnitOfWork


@dataclass(slots=True)
class ApiState:
    uow_factory: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    settings: ApiSettings
    bot_settings: Settings
    directory: DirectoryCache
    auth: Authenticator = field(init=False)
    purged_at: datetime | None = None  # the last purge of old idempotency records by this process

    def __post_init__(self) -> None:
        self.auth = Authenticator(self.settings, RateLimiter(self.settings.rate_per_minute))
