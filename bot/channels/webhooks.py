"""The webhook channel from config section [webhooks] (issue #16): always on unless `enabled = false`.

```toml
[webhooks]
timeout = 10               # seconds per POST
max_attempts = 8           # then the delivery is a dead letter (推送 失败 / webhook failed); at most 10
retry_base_seconds = 30    # backoff: 30 s, 60 s, 120 s, … unless the receiver sent Retry-After
retry_max_seconds = 21600  # the longest wait between two attempts (not below retry_base_seconds)
```
Subscriptions are made in chat (`推送 新建 …`); each delivery reads its subscription's URL and secret when sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.config import Config
from bot.delivery.access import store
from connectors.webhook.connector import RetryRules, Target, WebhookConnector
from domain.ports import UnitOfWork

DEFAULTS = RetryRules()


def retry_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    """[webhooks] as a whole (bot.config_schema): the first wait may not be longer than the longest. Names the
    key written (retry_base_seconds when both are), with what it must be and how to fix it."""
    base = float(values.get("retry_base_seconds", DEFAULTS.base_delay))
    longest = float(values.get("retry_max_seconds", DEFAULTS.max_delay))
    if base <= longest:
        return None
    fix = "; lower retry_base_seconds or raise retry_max_seconds"
    if "retry_base_seconds" in values:
        default = "" if "retry_max_seconds" in values else ", the default"
        return "retry_base_seconds", (f"must not be larger than retry_max_seconds (got {base:g} > {longest:g}"
                                      f"{default}): the first wait would be longer than the longest{fix}")
    return "retry_max_seconds", (f"must not be smaller than retry_base_seconds (got {longest:g} < {base:g}, the "
                                 f"default): the longest wait would be shorter than the first{fix}")


def build(config: Config, uow_factory: Callable[[], UnitOfWork]) -> WebhookConnector | None:
    section = config.section("webhooks")
    if not section.get("enabled", True):
        return None

    async def lookup(subscription_id: int) -> Target | None:
        async with uow_factory() as uow:
            found = await store(uow).webhooks.find(subscription_id)
        return None if found is None else Target(found.url, found.secret, found.active)

    rules = RetryRules(max_attempts=int(section.get("max_attempts", DEFAULTS.max_attempts)),
                       base_delay=float(section.get("retry_base_seconds", DEFAULTS.base_delay)),
                       max_delay=float(section.get("retry_max_seconds", DEFAULTS.max_delay)))
    return WebhookConnector(lookup, timeout=float(section.get("timeout", 10.0)), rules=rules)
