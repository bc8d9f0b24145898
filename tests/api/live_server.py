"""The real API served from a thread of its own (own event loop), for clients that block, such as
schemathesis's requests-based calls."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import unused_port

from bot.http import make_web_app
from tests.api.conftest import NOW
from tests.e2e.harness import Console, start_console

T = TypeVar("T")


class LiveServer:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="live-api", daemon=True)
        self.thread.start()
        self.console: Console | None = None
        self.runner: web.AppRunner | None = None
        self.port = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def start(self, db_url: str, **sections: Any) -> str:
        """Start the bot on `db_url` and serve it on a free port; the API's base URL."""
        self.console = self.run(start_console(db_url, "admin", NOW, **sections))
        self.runner = web.AppRunner(make_web_app(self.console.app), access_log=None)
        self.run(self.runner.setup())
        self.port = unused_port()
        self.run(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
        return f"http://127.0.0.1:{self.port}/api/v1"

    def say(self, text: str, as_user: str = "admin") -> str:
        assert self.console is not None
        return self.run(self.console.say(text, as_user=as_user))

    def stop(self) -> None:
        if self.runner is not None:
            self.run(self.runner.cleanup())
        if self.console is not None:
            self.run(self.console.app.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
