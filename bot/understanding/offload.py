"""Free-text parsing off the event loop when it can take more than a few milliseconds.

Measured (bench figures in docs/slices/runtime-RESULTS.md): a 60-character message parses in ~0.5 ms, 500
characters in ~2 ms, 1,000-2,000 characters in 20-40 ms — long enough to hold every other message and the
platform acknowledgements. Short messages (nearly all) stay inline: handing one to a thread costs more
than parsing it. The parser is thread-safe (bot.nlp.parser.Parser).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.nlp import ParseResult

INLINE_CHARS = 300  # longer messages are parsed in a worker thread


async def parse_text(parser: Any, text: str, now: datetime, names: Sequence[Any] = ()) -> ParseResult:
    """`parser.parse(text, now, names)`, in a worker thread when `text` is long."""
    if len(text) <= INLINE_CHARS:
        result: ParseResult = parser.parse(text, now, names)
        return result
    return await asyncio.to_thread(parser.parse, text, now, names)
