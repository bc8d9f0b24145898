"""The DingTalk channel from config section [dingtalk]; enabled when it has a `client_id`.

```toml
[dingtalk]
client_id = "dingxxxxxxxx"          # the app's Client ID (AppKey)
client_secret = "..."               # the app's Client Secret (AppSecret)
robot_code = ""                     # the robot's RobotCode (default: the Client ID)
mode = "stream"                     # "stream" (no public URL) or "http" (outgoing robot → POST /dingtalk/callback)
card_template_id = ""               # an interactive card template (optional): buttons become card buttons
watchdog_seconds = 90               # a stream silent this long (no frame, not even a ping) is reopened
# openapi_base = "https://api.dingtalk.com"   oapi_base = "https://oapi.dingtalk.com"
# http_timeout = 5.0  token_margin = 300.0  callback_path = "/dingtalk/callback"

[dingtalk.robots]                   # team name = its custom group robot (webhook access_token + 加签 secret)
"华东一组" = { token = "...", secret = "SEC..." }
```
Every key can come from the environment (DEALBOT_DINGTALK_CLIENT_SECRET, ...). Values never reach a log
or an error message: errors name the key only. The access token lives in the shared database, so several
bot processes share one token and one refresher.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.channels.section import read_values
from bot.channels.tokens import DatabaseTokenStore, shared_store
from bot.config import Config, ConfigError
from connectors.dingtalk import DingTalkConfig, DingTalkConnector, RobotKey
from domain.ports import UnitOfWork

SECTION = "dingtalk"
REQUIRED = ("client_id", "client_secret")
_FLOATS = ("watchdog_seconds", "http_timeout", "token_margin")
_STRINGS = ("robot_code", "mode", "openapi_base", "oapi_base", "card_template_id", "callback_path")


class DingTalkConfigError(ConfigError):
    """[dingtalk] is incomplete or has a value of the wrong kind. The message names keys, never values."""


def enabled(config: Config) -> bool:
    return bool(str(config.get(SECTION, "client_id") or "").strip())


def _robots(value: Any) -> dict[str, RobotKey]:
    if value is None:
        return {}
    problem = "[dingtalk.robots] must map team names to { token = \"…\", secret = \"…\" }"
    if not isinstance(value, Mapping):
        raise DingTalkConfigError(problem)
    robots = {}
    for team, robot in value.items():
        if not isinstance(robot, Mapping) or not all(
                isinstance(robot.get(k), str) and robot[k].strip() for k in ("token", "secret")):
            raise DingTalkConfigError(f"{problem} (team {team!r})")
        robots[str(team)] = RobotKey(token=robot["token"].strip(), secret=robot["secret"].strip())
    return robots



def dingtalk_config(section: Mapping[str, Any]) -> DingTalkConfig:
    """Turn the [dingtalk] table into a `DingTalkConfig`; raises DingTalkConfigError naming the bad key."""
    values = read_values(SECTION, section, REQUIRED, ((_FLOATS, float), (_STRINGS, str)), DingTalkConfigError)
    values["robots"] = _robots(section.get("robots"))
    try:
        return DingTalkConfig(**values)
    except ValueError as err:  # DingTalkConfig's own messages never quote values
        raise DingTalkConfigError(f"[dingtalk] {err}") from None


def build(config: Config, clock: Callable[[], float], uow_factory: Callable[[], UnitOfWork],
          *, token_store: DatabaseTokenStore | None = None,
          rand: Callable[[], float] = random.random,
          backoff: tuple[float, float] | None = None) -> DingTalkConnector | None:
    """The DingTalk connector, or None when [dingtalk] has no client_id. `clock` gives epoch seconds;
    `backoff`: (base, cap) seconds of the stream's reconnect backoff (tests; no config key reaches it)."""
    if not enabled(config):
        return None
    cfg = dingtalk_config(config.section(SECTION))
    if backoff is not None:
        cfg = replace(cfg, backoff_base=backoff[0], backoff_max=backoff[1])
    store = token_store or shared_store(uow_factory, cfg.http_timeout)
    return DingTalkConnector(cfg, token_store=store, clock=clock, rand=rand)


def build_default(config: Config, uow_factory: Callable[[], UnitOfWork]) -> DingTalkConnector | None:
    """`build` with the wall clock: what `build_channels` uses."""
    return build(config, time.time, uow_factory)



def shows_cards(config: Config) -> bool:
    """Buttons become interactive cards (`DingTalkConnector.cards`): a card template, and stream mode (taps
    come back on the stream only). Otherwise messages say what to reply."""
    if not enabled(config):
        return False
    return bool(str(config.get(SECTION, "card_template_id") or "").strip()) and str(
        config.get(SECTION, "mode") or "stream") == "stream"
