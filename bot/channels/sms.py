"""The "sms" outbox channel from [sms] (issue #16): the provider adapter behind our per-number limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.config import Config
from bot.sms_config import build_provider, sms_settings
from domain.ports import UnitOfWork
from scheduler.sms_channel import ThrottledSms


def build(config: Config, uow_factory: Callable[[], UnitOfWork],
          clock: Callable[[], datetime] | None = None) -> ThrottledSms | None:
    """The channel, or None unless [sms] enabled = true. `clock`: aware now (tests); None: the wall clock."""
    settings = sms_settings(config)
    if settings is None:
        return None
    return ThrottledSms(build_provider(settings, clock), uow_factory, settings.limits, clock)
