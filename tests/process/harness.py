"""Real `dealbot serve` processes for the crash and scale-out tests, and the fake WeCom API they talk to.

- `WeComApi`: the fake WeCom API (tests/wecom/wecom_fake_server.py) in a thread with its own event
  loop, so a child process can reach it; it can answer `message/send` slowly (sends in flight).
- `ServeProcess`: `python -m bot.cli serve --config FILE` with sys.executable, PYTHONPATH = this
  repository, cwd = a temp dir; output goes to a log file shown when something fails.
- `write_config`: the TOML each process reads (fast queue/outbox timings, WeCom pointed at the fake).

Every wait here is bounded in time; all traffic is on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.email.dovecot import free_port
from tests.wecom.wecom_fake_server import FakeWeCom
from tests.wecom.wecom_support import AES_KEY, AGENT_ID, CORP_ID, ROBOT_KEY, SECRET, TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]
TEAM = "华东一组"
REPS = [f"rep{i:02d}" for i in range(20)]  # 300 messages stay under WeCom's 30 per member per minute
SEND = "/cgi-bin/message/send"


@dataclass
class SlowFakeWeCom(FakeWeCom):
    """The fake WeCom API for several processes: any token it issued is valid (the processes share
    one token store, but a refresh race must not turn into failed sends), `send_delay` keeps sends in
    flight, and `delivered` holds the bodies of the app messages it accepted (errcode 0)."""

    send_delay: float = 0.0
    delivered: list[dict[str, Any]] = field(default_factory=list)
    delivered_at: list[float] = field(default_factory=list)  # time.monotonic() of each delivered body
    in_flight: int = 0

    async def message_send(self, request: web.Request) -> web.Response:
        rec = await self._record(request)
        self.in_flight += 1
        try:
            if self.send_delay:
                await asyncio.sleep(self.send_delay)
        finally:
            self.in_flight -= 1
        if rec.query.get("access_token") not in self.issued:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        assert rec.body is not None
        self.delivered.append(rec.body)
        self.delivered_at.append(time.monotonic())
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": ""})

    def shown(self) -> list[dict[str, Any]]:
        """What the members saw: WeCom accepts but does not show an app message identical to one the same
        member got within `duplicate_check_interval` seconds when it carries `enable_duplicate_check`."""
        last: dict[str, float] = {}
        seen = []
        for body, at in zip(list(self.delivered), list(self.delivered_at), strict=False):
            key = json.dumps([body.get("touser"), body.get("msgtype"), body.get(str(body.get("msgtype")))],
                             sort_keys=True, ensure_ascii=False)
            window = float(body.get("duplicate_check_interval", 1800))
            if body.get("enable_duplicate_check") == 1 and key in last and at - last[key] < window:
                continue
            last[key] = at
            seen.append(body)
        return seen


class WeComApi:
    """Runs a `SlowFakeWeCom` on its own loop in a daemon thread."""

    def __init__(self, send_delay: float = 0.0) -> None:
        self.fake = SlowFakeWeCom(corp_id=CORP_ID, secret=SECRET, webhook_keys={ROBOT_KEY},
                                  send_delay=send_delay)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-wecom", daemon=True)

    @property
    def url(self) -> str:
        return self.fake.url

    def start(self) -> WeComApi:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.fake.close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def delivered(self) -> list[dict[str, Any]]:
        return list(self.fake.delivered)

    def in_flight(self) -> int:
        return self.fake.in_flight


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def write_config(path: Path, db_url: str, port: int, api_base: str,
                 extra: dict[str, dict[str, Any]] | None = None) -> Path:
    """A serve config: fast queue and outbox timings, WeCom pointed at the fake, twenty reps in one team."""
    sections: dict[str, dict[str, Any]] = {
        "database": {"url": db_url},
        "http": {"host": "127.0.0.1", "port": port},
        "bot": {"default_team": TEAM},
        "scheduler": {"outbox_interval": 0.2, "reminder_interval": 3600.0, "shutdown_grace": 10.0},
        "queue": {"lease_seconds": 3.0, "sweep_interval": 0.5, "max_attempts": 5, "retry_base_delay": 0.2},
        "console": {"user": "admin"},
        "wecom": {"corp_id": CORP_ID, "agent_id": AGENT_ID, "secret": SECRET, "token": TOKEN,
                  "encoding_aes_key": AES_KEY, "api_base": api_base, "http_timeout": 10.0,
                  "duplicate_check_interval": 1800},
    }
    for name, values in (extra or {}).items():
        sections.setdefault(name, {}).update(values)
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    lines += ["[[teams]]", f"name = {_toml(TEAM)}"]
    for i, rep in enumerate(REPS):
        lines += ["[[users]]", f"name = {_toml(f'销售{i}')}", 'role = "rep"', f"team = {_toml(TEAM)}",
                  f"wecom = {_toml(rep)}", f"dingtalk = {_toml(rep)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class ServeProcess:
    """One `dealbot serve` child process on its own free loopback port."""

    def __init__(self, workdir: Path, name: str, db_url: str, api_base: str,
                 extra: dict[str, dict[str, Any]] | None = None) -> None:
        self.workdir = workdir / name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = free_port()
        self.config = write_config(self.workdir / "dealbot.toml", db_url, self.port, api_base, extra)
        self.log_path = self.workdir / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServeProcess:
        assert not self.alive(), f"{self.name} is already running"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEALBOT_")}
        env["PYTHONPATH"] = str(REPO_ROOT)
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} ---\n".encode())
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--config", str(self.config)], cwd=self.workdir,
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a crash or an OOM kill."""
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
        self.wait(10)

    def pause(self) -> None:
        """SIGSTOP: the process stalls (a long GC pause, a frozen VM) while holding its claims."""
        assert self.process is not None and self.alive()
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None and self.alive()
        self.process.send_signal(signal.SIGCONT)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait (bounded) for the graceful stop; returns the exit code."""
        assert self.process is not None
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"{self.name} did not exit within {timeout} s:\n{self.log_tail()}") from None

    def stop(self) -> None:
        """Fixture teardown: the process and its group are gone, whatever happened."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, chars: int = 3000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        lines = [line for line in text.splitlines() if "maximum number of running instances" not in line]
        return f"[{self.name} log]\n" + "\n".join(lines)[-chars:]

    def check_alive(self) -> None:
        if not self.alive():
            raise AssertionError(f"{self.name} exited unexpectedly:\n{self.log_tail()}")


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll a synchronous predicate, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
