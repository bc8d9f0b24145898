"""WeCom (企业微信) settings. Secrets never appear in repr/str."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"
_HIDDEN = "'***'"


@dataclass(frozen=True, slots=True)
class WeComConfig:
    """One self-built WeCom app plus the group robots of each team.

    `secret`, `token`, `encoding_aes_key` and the webhook keys are secrets: `repr()` masks them.
    `duplicate_check_interval` > 0 asks WeCom to drop an identical app message sent to the same
    user within that many seconds (`enable_duplicate_check`): the outbox delivers at least once, so a
    resend after a crash or a lost HTTP answer is dropped by WeCom. Default 1800 (WeCom's own default;
    at most 14400); 0 = off.
    """

    corp_id: str
    agent_id: int
    secret: str
    token: str
    encoding_aes_key: str
    api_base: str = DEFAULT_API_BASE
    callback_path: str = "/wecom/callback"
    max_body: int = 256 * 1024
    freshness_window: float = 300.0
    webhook_keys: Mapping[str, str] = field(default_factory=dict)
    webhook_base: str = DEFAULT_API_BASE
    http_timeout: float = 5.0
    token_margin: float = 300.0
    max_token_retries: int = 2
    duplicate_check_interval: int = 1800

    def __post_init__(self) -> None:
        try:
            key = base64.b64decode(self.encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(self.encoding_aes_key) != 43 or len(key) != 32:
            raise ValueError("WeCom encoding_aes_key must be 43 base64 characters (32-byte key)")
        if self.max_body <= 0 or self.freshness_window <= 0 or self.http_timeout <= 0:
            raise ValueError("WeCom max_body, freshness_window and http_timeout must be positive")
        if self.max_token_retries < 0:
            raise ValueError("WeCom max_token_retries must be >= 0")

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value that must never reach a log line or an exception message."""
        return (self.secret, self.token, self.encoding_aes_key, *self.webhook_keys.values())

    def __repr__(self) -> str:
        teams = sorted(self.webhook_keys)
        return (
            f"WeComConfig(corp_id={self.corp_id!r}, agent_id={self.agent_id!r}, secret={_HIDDEN}, "
            f"token={_HIDDEN}, encoding_aes_key={_HIDDEN}, api_base={self.api_base!r}, "
            f"callback_path={self.callback_path!r}, max_body={self.max_body!r}, "
            f"freshness_window={self.freshness_window!r}, webhook_teams={teams!r}, "
            f"webhook_base={self.webhook_base!r}, http_timeout={self.http_timeout!r})"
        )

    __str__ = __repr__
