"""Run in a subprocess by test_email_memory_bounds: capture one mailbox, print what was dispatched and the
tracemalloc peak as JSON. A fresh interpreter, so nothing else the test session allocated is counted.

    python tests/email/memory_probe.py HOST PORT USER PASSWORD [BATCH_MB]
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import tracemalloc

from connectors.base import InboundMessage
from connectors.email import CaptureSettings, ImapAccount, InMemoryBookmarkStore, MailboxCapture


async def capture(account: ImapAccount, settings: CaptureSettings) -> list[InboundMessage]:
    received: list[InboundMessage] = []

    async def dispatch(message: InboundMessage) -> None:
        received.append(message)

    await MailboxCapture(account, "INBOX", InMemoryBookmarkStore(), dispatch, settings).capture_once()
    return received


def main(argv: list[str]) -> int:
    host, port, user, password = argv[:4]
    settings = CaptureSettings()
    if len(argv) > 4:
        settings = dataclasses.replace(settings, batch_bytes=int(float(argv[4]) * 1024 * 1024))
    account = ImapAccount(host=host, port=int(port), username=user, password=password, ssl=False)
    tracemalloc.start()
    received = asyncio.run(capture(account, settings))
    _, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"peak": peak, "mails": [
        {"subject": m.subject, "too_large": bool(m.extra.get("too_large")), "raw_size": m.extra.get("raw_size"),
         "text": m.text[:200]} for m in received]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
