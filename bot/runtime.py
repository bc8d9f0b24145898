"""The event loop's health: a lag monitor that logs stalls, and garbage-collector settings for a big heap.

`LagMonitor` wakes every `interval` seconds; when a wake-up comes late by more than `warn_ms`, something
held the loop (a CPU-bound build, blocking I/O) and a warning names the stall's length. `worst_ms` and
`stalls` are what /healthz reports, so the benchmark can read them.

`tune_gc` raises the youngest generation's threshold (fewer collections of short-lived per-message garbage)
and, once start-up is done, `freeze_heap` moves everything alive into the permanent generation, so that
the full collections no longer walk the long-lived structures (directory, parser pipelines, caches).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_WARN_MS = 100.0
DEFAULT_GC_THRESHOLD = 50_000  # young-generation allocations between collections (CPython's default: 700)
DEFAULT_SWITCH_MS = 0.5  # how long the event loop waits at most for a worker thread's GIL (CPython's default: 5)


@dataclass(slots=True)
class LagMonitor:
    warn_ms: float = DEFAULT_WARN_MS
    interval: float = 0.02  # seconds between wake-ups: a stall is measured to within this
    worst_ms: float = 0.0
    stalls: int = 0  # how many wake-ups came later than warn_ms
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name="loop-lag-monitor")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _watch(self) -> None:
        clock = time.perf_counter
        while True:
            expected = clock() + self.interval
            await asyncio.sleep(self.interval)
            self.record((clock() - expected) * 1000)

    def record(self, late_ms: float) -> None:
        """A wake-up came `late_ms` after it was due."""
        if late_ms > self.worst_ms:
            self.worst_ms = late_ms
        if late_ms > self.warn_ms:
            self.stalls += 1
            log.warning("event loop stalled for %.0f ms (warning above %.0f ms)", late_ms, self.warn_ms)

    def report(self) -> dict[str, Any]:
        return {"worst_stall_ms": round(self.worst_ms, 1), "stalls": self.stalls, "warn_ms": self.warn_ms}


@dataclass(slots=True)
class GcWatch:
    """Counts collections by generation and the longest pause, through gc.callbacks."""

    collections: list[int] = field(default_factory=lambda: [0, 0, 0])
    worst_ms: float = 0.0
    _started: float = 0.0

    def install(self) -> None:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.collections[info["generation"]] += 1
        self.worst_ms = max(self.worst_ms, (time.perf_counter() - self._started) * 1000)

    def report(self) -> dict[str, Any]:
        return {"collections": list(self.collections), "full_collections": self.collections[2],
                "worst_pause_ms": round(self.worst_ms, 1), "frozen": gc.get_freeze_count()}


def tune_gc(threshold0: int = DEFAULT_GC_THRESHOLD) -> None:
    """Once, at start-up: collect the young generation after `threshold0` allocations, not 700."""
    _, threshold1, threshold2 = gc.get_threshold()
    gc.set_threshold(threshold0, threshold1, threshold2)


def freeze_heap() -> int:
    """After the start-up warm-up: collect once (so no garbage is kept), then leave everything alive out
    of future collections. Objects freed by reference counting are still freed. Returns how many froze."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def tune_switching(interval_ms: float = DEFAULT_SWITCH_MS) -> None:
    """Once, in a long-running process: a thread that wants the GIL gets it after `interval_ms`, not 5 ms.
    A worker thread busy in Python (the known-customer build, a long parse) otherwise makes the event loop
    wait up to 5 ms at every GIL hand-over: a message's dozens of database round trips each pay it."""
    sys.setswitchinterval(interval_ms / 1000)
