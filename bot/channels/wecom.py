"""The WeCom channel from config section [wecom]; enabled when it has a `corp_id`.

```toml
[wecom]
corp_id = "ww0123456789abcdef"      # 企业ID
agent_id = 1000002                  # the self-built app's AgentId
secret = "..."                      # the app's Secret
token = "..."                       # 接收消息 Token
encoding_aes_key = "..."            # 接收消息 EncodingAESKey (43 characters)
# api_base = "https://qyapi.weixin.qq.com"   webhook_base defaults to api_base
# freshness_window = 300.0  max_body = 262144  http_timeout = 5.0  token_margin = 300.0
# max_token_retries = 2  duplicate_check_interval = 1800 (0: off)  callback_path = "/wecom/callback"

[wecom.robots]                      # team name = group robot webhook key
"华东一组" = "..."
```
Every key can come from the environment (DEALBOT_WECOM_SECRET, ...). Values never reach a log or
an error message: errors name the key only. The access token lives in the shared database
(`DatabaseTokenStore`), so several bot processes share one token and one refresher.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from bot.channels.section import read_values
from bot.channels.tokens import DatabaseTokenStore, shared_store
from bot.config import Config, ConfigError
from connectors.wecom import WeComConfig, WeComConnector
from connectors.wecom.config import DEFAULT_API_BASE
from domain.ports import UnitOfWork

SECTION = "wecom"
REQUIRED = ("corp_id", "agent_id", "secret", "token", "encoding_aes_key")
_FLOATS = ("freshness_window", "http_timeout", "token_margin")
_INTS = ("max_body", "max_token_retries", "duplicate_check_interval")
_STRINGS = ("api_base", "webhook_base", "callback_path")


class WeComConfigError(ConfigError):
    """[wecom] is incomplete or has a value of the wrong kind. The message names keys, never values."""


def enabled(config: Config) -> bool:
    return bool(str(config.get(SECTION, "corp_id") or "").strip())


def _robots(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                 for k, v in value.items()):
        raise WeComConfigError("[wecom.robots] must map team names to webhook keys (strings)")
    return {team: key.strip() for team, key in value.items()}



def wecom_config(section: Mapping[str, Any]) -> WeComConfig:
    """Turn the [wecom] table into a `WeComConfig`; raises WeComConfigError naming the bad key."""
    values = read_values(SECTION, section, REQUIRED, ((("agent_id",), int), (_FLOATS, float), (_INTS, int),
                                                      (_STRINGS, str)), WeComConfigError)
    values.setdefault("webhook_base", values.get("api_base", DEFAULT_API_BASE))
    values["webhook_keys"] = _robots(section.get("robots"))
    try:
        return WeComConfig(**values)
    except ValueError as err:  # WeComConfig's own messages never quote values
        raise WeComConfigError(f"[wecom] {err}") from None


def build(config: Config, clock: Callable[[], float], uow_factory: Callable[[], UnitOfWork],
          *, token_store: DatabaseTokenStore | None = None) -> WeComConnector | None:
    """The WeCom connector, or None when [wecom] has no corp_id. `clock` gives epoch seconds."""
    if not enabled(config):
        return None
    cfg = wecom_config(config.section(SECTION))
    store = token_store or shared_store(uow_factory, cfg.http_timeout)
    return WeComConnector(cfg, token_store=store, clock=clock)


def build_default(config: Config, uow_factory: Callable[[], UnitOfWork]) -> WeComConnector | None:
    """`build` with the wall clock: what `build_channels` uses."""
    return build(config, time.time, uow_factory)
