"""The event-loop guard: stalls are logged and reported on /healthz; the GC settings; [runtime] config."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import bootstrap
from bot.config import ConfigError, load_config
from bot.http import make_web_app
from bot.runtime import GcWatch, LagMonitor, freeze_heap, tune_gc


def blocking_call(seconds: float) -> None:
    """What must never run on the loop: it holds every other task for `seconds`."""
    time.sleep(seconds)


async def test_a_blocked_loop_is_logged_with_the_stall_length(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LagMonitor(warn_ms=100)
    monitor.start()
    try:
        await asyncio.sleep(0.05)
        assert monitor.stalls == 0
        with caplog.at_level(logging.WARNING, logger="bot.runtime"):
            blocking_call(0.3)
            await asyncio.sleep(0.05)
    finally:
        await monitor.stop()
    assert monitor.stalls == 1 and monitor.worst_ms >= 250
    [record] = [r for r in caplog.records if "event loop stalled" in r.getMessage()]
    assert record.levelno == logging.WARNING and f"for {monitor.worst_ms:.0f} ms" in record.getMessage()


def test_a_late_wake_up_under_the_threshold_is_not_a_stall(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LagMonitor(warn_ms=100)
    with caplog.at_level(logging.WARNING, logger="bot.runtime"):
        monitor.record(40)
        monitor.record(140)
        monitor.record(90)
    assert (monitor.stalls, monitor.worst_ms) == (1, 140)
    assert monitor.report() == {"worst_stall_ms": 140, "stalls": 1, "warn_ms": 100}
    assert [r.getMessage() for r in caplog.records] == ["event loop stalled for 140 ms (warning above 100 ms)"]


async def test_healthz_reports_the_worst_stall(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/dealbot.db"\n'
                    '[runtime]\nlag_warn_ms = 50\ngc_freeze = false\n', encoding="utf-8")
    app = await bootstrap(load_config(path, environ={}), chat=False)
    try:
        await app.start_runtime()
        assert app.bot.directory.misses == 1  # warmed before the first message
        await asyncio.sleep(0.05)
        blocking_call(0.2)
        await asyncio.sleep(0.05)
        async with TestClient(TestServer(make_web_app(app), port=0)) as client:
            body = await (await client.get("/healthz")).json()
    finally:
        await app.close()
    assert body["status"] == "ok" and body["loop"]["warn_ms"] == 50
    assert body["loop"]["stalls"] >= 1 and body["loop"]["worst_stall_ms"] >= 150
    assert set(body["gc"]) == {"collections", "full_collections", "worst_pause_ms", "frozen"}
    assert app.monitor.worst_ms >= 150


def test_runtime_keys_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text("[runtime]\nlag_warn_ms = 250\ngc_threshold = 20000\n", encoding="utf-8")
    config = load_config(path, environ={"DEALBOT_RUNTIME_GC_FREEZE": "false"})
    assert (config.get("runtime", "lag_warn_ms"), config.get("runtime", "gc_threshold")) == (250, 20000)
    assert config.get("runtime", "gc_freeze") is False
    path.write_text('[runtime]\nlag_warn_ms = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="lag_warn_ms"):
        load_config(path, environ={})
    path.write_text("[runtime]\nlag_warn = 100\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lag_warn_ms"):  # the "did you mean" hint
        load_config(path, environ={})


def test_gc_is_tuned_and_the_start_up_heap_frozen() -> None:
    before, callbacks = gc.get_threshold(), len(gc.callbacks)
    watch = GcWatch()
    watch.install()
    try:
        tune_gc(12_345)
        assert gc.get_threshold() == (12_345, *before[1:])
        assert freeze_heap() > 0 and gc.get_freeze_count() > 0
        gc.collect()
        assert watch.collections[2] >= 1 and watch.report()["full_collections"] == watch.collections[2]
    finally:
        watch.uninstall()
        gc.unfreeze()
        gc.set_threshold(*before)
    assert len(gc.callbacks) == callbacks
