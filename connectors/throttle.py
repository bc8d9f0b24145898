"""Sliding-window send limits. WeCom silently drops what exceeds them and DingTalk bans a robot for 10
minutes, so we never exceed them.

Pure and clock-injected: `reserve(recipient, now)` either records the send(s) and returns 0, or
records nothing and returns how many seconds to wait. Counts are per process: run WeCom delivery
in one dispatcher (or give each process a share of the limits).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    count: int
    window: float  # seconds


MEMBER_LIMITS = (RateLimit(30, 60.0), RateLimit(1000, 3600.0))  # per member per app
ROBOT_LIMITS = (RateLimit(20, 60.0),)  # per WeCom group robot (webhook)
# per DingTalk custom robot: its limit is 20 a minute, then a 10-minute ban; one below, a second's margin
DINGTALK_ROBOT_LIMITS = (RateLimit(19, 61.0),)
_SWEEP_EVERY = 1024


class Throttle:
    def __init__(self, limits: Sequence[RateLimit] = MEMBER_LIMITS) -> None:
        if not limits or any(lim.count < 1 or lim.window <= 0 for lim in limits):
            raise ValueError("limits need a positive count and window")
        self._limits = tuple(limits)
        self._horizon = max(lim.window for lim in self._limits)
        self._capacity = max(lim.count for lim in self._limits)
        self._sent: dict[str, deque[float]] = {}
        self._calls = 0

    @property
    def limits(self) -> tuple[RateLimit, ...]:
        return self._limits

    def reserve(self, recipient: str, now: float, count: int = 1) -> float:
        """Seconds to wait before `count` messages may go to `recipient`; 0 means go (and recorded)."""
        if count < 1 or any(count > lim.count for lim in self._limits):
            raise ValueError(f"cannot reserve {count} sends within {self._limits}")
        self._sweep(now)
        sent = self._sent.setdefault(recipient, deque(maxlen=self._capacity))
        while sent and now - sent[0] >= self._horizon:
            sent.popleft()
        wait = max(self._wait(sent, lim, now, count) for lim in self._limits)
        if wait > 0:
            return wait
        sent.extend([now] * count)
        return 0.0

    @staticmethod
    def _wait(sent: deque[float], limit: RateLimit, now: float, count: int) -> float:
        recent = [t for t in sent if now - t < limit.window]
        excess = len(recent) + count - limit.count
        if excess <= 0:
            return 0.0
        # The `excess` oldest sends in the window must age out first.
        return recent[excess - 1] + limit.window - now

    def _sweep(self, now: float) -> None:
        self._calls += 1
        if self._calls % _SWEEP_EVERY:
            return
        idle = [r for r, sent in self._sent.items() if not sent or now - sent[-1] >= self._horizon]
        for recipient in idle:
            del self._sent[recipient]
