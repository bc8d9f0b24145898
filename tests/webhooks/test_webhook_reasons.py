"""`推送 失败` in Chinese: the connector's reasons (stored in English for `dealbot outbox`) read in Chinese."""

from __future__ import annotations

import pytest

from bot.handlers.webhook_deliveries import reason_zh


@pytest.mark.parametrize(("stored", "shown"), [
    ("subscription W4 was deleted", "推送 W4 已删除"),
    ("subscription W2 is disabled", "推送 W2 已停用"),
    ("HTTP 500; gave up after 8 attempts", "HTTP 500；8 次后放弃"),
    ("HTTP 301 (redirects are not followed)", "HTTP 301（不跟随重定向）"),
    ("timeout after 10 s; gave up after 3 attempts", "10 秒未响应；3 次后放弃"),
    ("connection failed: ClientConnectorError", "连接失败：ClientConnectorError"),
    ("HTTP 404", "HTTP 404"),
])
def test_stored_reasons_read_in_chinese(stored: str, shown: str) -> None:
    assert reason_zh(stored) == shown
