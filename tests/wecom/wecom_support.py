"""Constants and hand-written fakes shared by the WeCom tests."""

from __future__ import annotations

import base64
from typing import Any

from connectors.base import InboundMessage
from connectors.wecom.config import WeComConfig

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
SECRET = "S3cretAppSecretValue-0123456789abcdefXYZ"
TOKEN = "CallbackTok3nValue"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
ROBOT_KEY = "robot-key-5f3c2a1b-0000-4c4c-9999-abcdefabcdef"
NOW = 1_700_000_000.0


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_config(**overrides: Any) -> WeComConfig:
    values: dict[str, Any] = {
        "corp_id": CORP_ID, "agent_id": AGENT_ID, "secret": SECRET, "token": TOKEN,
        "encoding_aes_key": AES_KEY, "webhook_keys": {"sales": ROBOT_KEY}, "http_timeout": 2.0,
    }
    values.update(overrides)
    return WeComConfig(**values)


class FakeInbox:
    """Stands in for the bot's accept: records messages, can be told to fail."""

    def __init__(self) -> None:
        self.messages: list[InboundMessage] = []
        self.fail = False

    async def accept(self, message: InboundMessage) -> None:
        if self.fail:
            raise RuntimeError("inbox unavailable")
        self.messages.append(message)
