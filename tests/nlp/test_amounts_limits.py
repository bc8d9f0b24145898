"""Numbers far beyond any deal size are not read as money (and never raise)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlp import AmountNotUnderstood, Parser, parse_amount

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("text", [
    "报价调整为99999999999999999999999999999万",
    "预算999999999999999999999999999999999999亿",
    "#1 quote $99999999999999999999999999k",
])
def test_absurd_amounts_are_not_money(text: str) -> None:
    result = Parser().parse(text, NOW)
    assert result.amount is None


def test_an_absurd_amount_argument_is_refused_with_a_clear_error() -> None:
    with pytest.raises(AmountNotUnderstood):
        parse_amount("99999999999999999999999999999万")


def test_the_largest_real_amounts_still_read() -> None:
    assert parse_amount("3.5亿") is not None and parse_amount("9999亿") is not None
