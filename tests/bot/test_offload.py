"""Long free text is parsed in a worker thread, short text inline; the result is the same either way."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.nlp import Parser
from bot.understanding.offload import INLINE_CHARS, parse_text

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
SENTENCE = "今天拜访了明途科技的王总，预算大概80万，下周三上午10点再约一次演示。"


class RecordingParser:
    """Wraps the real parser and notes the thread each parse ran on."""

    def __init__(self) -> None:
        self.parser = Parser(tz="Asia/Shanghai")
        self.threads: list[str] = []

    def parse(self, text: str, now: datetime, names: object = ()) -> object:
        self.threads.append(threading.current_thread().name)
        return self.parser.parse(text, now, ())


async def test_a_long_message_is_parsed_off_the_event_loop() -> None:
    parser = RecordingParser()
    long_text = SENTENCE * (INLINE_CHARS // len(SENTENCE) + 1)
    assert len(long_text) > INLINE_CHARS and len(SENTENCE) <= INLINE_CHARS
    short = await parse_text(parser, SENTENCE, NOW)
    long = await parse_text(parser, long_text, NOW)
    loop_thread = threading.current_thread().name
    assert parser.threads[0] == loop_thread and parser.threads[1] != loop_thread
    assert short == parser.parser.parse(SENTENCE, NOW)
    assert long == parser.parser.parse(long_text, NOW)
    assert short.amount is not None and short.next_at is not None
