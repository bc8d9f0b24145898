"""The people and the clock the chat-channel end-to-end tests share (WeCom, DingTalk): two teams, a manager
and three reps (one English-speaking), the assignment rules, and one test clock for the bot and the channel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

TEAMS = [{"name": "华东一组", "region": "华东"}, {"name": "华南一组", "region": "华南"}]
RULES = [{"regions": ["华东"], "team": "华东一组"}, {"regions": ["华南"], "rep": "陈晨"}]


def users(channel: str, manager: str) -> list[dict[str, Any]]:
    """王经理 (manager, identity `manager`), 张伟 `zhangwei` and 李娜 `lina` of 华东一组, 陈晨 `chenchen` of 华南一组
    (English), each known on `channel`."""
    return [
        {"name": "王经理", "role": "manager", "team": "华东一组", channel: manager},
        {"name": "张伟", "role": "rep", "team": "华东一组", channel: "zhangwei"},
        {"name": "李娜", "role": "rep", "team": "华东一组", channel: "lina"},
        {"name": "陈晨", "role": "rep", "team": "华南一组", channel: "chenchen", "locale": "en"},
    ]


class Clock:
    """One time source: datetimes for the bot and the outbox, epoch seconds for the connector."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.timestamp()

    def advance(self, delta: timedelta) -> None:
        self.now += delta
