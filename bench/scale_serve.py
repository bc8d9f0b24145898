"""A real `dealbot serve` on a scaled database for bench/scale.py, and the client that talks to it.

Commands go through the bench-only endpoint POST /bench/console (`[http] bench_console = true`): it
hands one console message to the bot, waits until it is handled and answers the replies, so the round
trip is the command's latency. A thread probes /healthz every 20 ms meanwhile; its slowest answer is the
worst event-loop stall seen from outside (serve's own lag log, once there, is counted too).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ADMIN = "benchadmin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(path: Path, db_url: str, port: int, risk_minutes: float | None = None) -> None:
    """The bench's serve config; `risk_minutes`: run the risk scan that often (its first run: that long
    after the start), so a full scan of the company runs while the commands come in."""
    risks = ["[risks]", f"interval_minutes = {risk_minutes}"] if risk_minutes else []
    path.write_text("\n".join([
        "[database]", f'url = "{db_url}"',
        "[http]", 'host = "127.0.0.1"', f"port = {port}", "bench_console = true",
        "[scheduler]", "outbox_interval = 3600.0", "reminder_interval = 3600.0", *risks,
        "[[users]]", 'name = "基准管理员"', 'role = "admin"', f'console = "{ADMIN}"',
    ]) + "\n", encoding="utf-8")


def _post(url: str, body: dict[str, Any], timeout: float = 120.0) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


class HealthProbe(threading.Thread):
    """GET /healthz back to back (20 ms apart); `worst` is the slowest answer in seconds."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.worst, self.count = url, 0.0, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=120) as response:
                    response.read()
            except OSError:
                pass
            self.worst = max(self.worst, time.perf_counter() - started)
            self.count += 1
            self._halt.wait(0.02)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=130)


class Serve:
    """`python -m bot.cli serve` (sys.executable, PYTHONPATH = this repository) on a free port."""

    def __init__(self, workdir: Path, db_url: str, risk_minutes: float | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.config = workdir / "serve.toml"
        write_config(self.config, db_url, self.port, risk_minutes)
        self.log_path = workdir / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEALBOT_")}
        env["PYTHONPATH"] = str(REPO)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--config", str(self.config)],
                                        cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 900.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("serve did not answer /healthz in time")

    def say(self, user: str, text: str, timeout: float = 300.0) -> tuple[float, list[str]]:
        """(seconds, replies); a command that gets no answer in `timeout` counts as taking `timeout`."""
        started = time.perf_counter()
        try:
            replies = _post(self.base + "/bench/console", {"user": user, "text": text}, timeout)["replies"]
        except TimeoutError:
            return timeout, [f"TIMEOUT after {timeout:.0f} s"]
        return time.perf_counter() - started, [str(r) for r in replies]

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")

    def logged_stall(self) -> float:
        """The longest event-loop stall serve logged (ms, slice runtime's lag monitor), 0 if none."""
        text = self.log_path.read_text(errors="replace")
        found = [float(m) for m in re.findall(r"(?:stall|lag)\w*[^\n]*?(\d+(?:\.\d+)?)\s*ms", text, re.I)]
        return max(found, default=0.0)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
