"""Message understanding: rep messages (zh/en) to intent, deal, company, contact, money and next step.

    parser = Parser()                                  # build once; pipelines load on first use
    result = parser.parse(text, now, known_customers)  # ParseResult (frozen)
    result.to_json()                                   # the `dealbot parse` contract
    parse_amount("36.8万")                              # (Decimal('368000'), 'CNY'); raises AmountNotUnderstood
    parse_when("下周三10点", now)                         # aware datetime; raises DateNotUnderstood
    describe_when(value, now, "zh")                    # 下周三(12月2日) 10:00

Importing this package is cheap: spaCy and jieba load when a Parser first parses. The command-line
adapter (`run_parse`, `main`) is in bot.nlp.cli.
"""

from bot.nlp.amounts import parse_amount
from bot.nlp.describe import describe_when
from bot.nlp.gazetteer import KnownName
from bot.nlp.parser import Parser
from bot.nlp.problems import AmountNotUnderstood, DateNotUnderstood, NotUnderstood, Problem
from bot.nlp.result import WRITE_THRESHOLD, Evidence, ParseResult
from bot.nlp.when import parse_when

__all__ = [
    "WRITE_THRESHOLD",
    "AmountNotUnderstood",
    "DateNotUnderstood",
    "Evidence",
    "KnownName",
    "NotUnderstood",
    "ParseResult",
    "Parser",
    "Problem",
    "describe_when",
    "parse_amount",
    "parse_when",
]
