"""Read lines from a terminal, print what the bot sends. A picture (extra["image"]) is named with its size on a
line of its own; with `image_dir` it is also saved there, and the line says where."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from connectors.base import Dispatch, InboundMessage, OutboundImage, OutboundMessage, clean_text, image_of

CHANNEL = "console"


class ConsoleConnector:
    channel = CHANNEL

    def __init__(self, user: str, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 clock: Callable[[], datetime] | None = None, prompt: str = "> ",
                 after_each: Callable[[], Awaitable[None]] | None = None, image_dir: Path | None = None) -> None:
        self.user = user
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.clock = clock or (lambda: datetime.now(UTC))
        self.prompt = prompt if self.stdin.isatty() else ""
        self.after_each = after_each  # e.g. deliver the outbox so the reply shows before the next prompt
        self._stopped = False
        self.image_dir = image_dir

    def message(self, text: str) -> InboundMessage:
        return InboundMessage(channel=CHANNEL, external_id=uuid.uuid4().hex, conversation_id=self.user,
                              sender_id=self.user, sender_name=self.user, text=text, received_at=self.clock())

    async def start(self, dispatch: Dispatch) -> None:
        """Runs until end of input or `stop()`."""
        while not self._stopped:
            self._write(self.prompt, end="")
            line = await asyncio.to_thread(self._readline)
            if not line:
                break
            text = line.rstrip("\r\n")
            if text.strip() in ("/quit", "/exit", "退出"):
                break
            await dispatch(self.message(text))
            if self.after_each is not None:
                await self.after_each()

    def _readline(self) -> str:
        """One line of input. A terminal or pipe is read as bytes: invalid UTF-8 becomes U+FFFD instead of
        ending the session (NUL bytes and lone surrogates are dropped by InboundMessage itself)."""
        raw = getattr(self.stdin, "buffer", None)
        if raw is None:
            return clean_text(self.stdin.readline())
        data: bytes = raw.readline()
        return data.decode("utf-8", "replace")

    async def send(self, message: OutboundMessage) -> None:
        prefix = "" if message.recipient == self.user else f"[→ {message.recipient}] "
        image = image_of(message)
        if image is not None:
            self._write(prefix + self._image_line(image))
        self._write(prefix + message.text)

    def _image_line(self, image: OutboundImage) -> str:
        size = f"{image.filename}, {image.content_type}, {len(image.data):,} bytes"
        if self.image_dir is None:
            return (f"[图片 image: {size} — 企业微信/钉钉里是图片消息，邮件里内嵌 / "
                    "an image message in WeCom or DingTalk, inline in mail; not saved here]")
        self.image_dir.mkdir(parents=True, exist_ok=True)
        path = self.image_dir / image.filename
        path.write_bytes(image.data)
        return f"[图片 image: {size} — saved to {path}]"

    async def stop(self) -> None:
        self._stopped = True

    def _write(self, text: str, end: str = "\n") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()
