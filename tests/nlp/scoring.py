"""Field scoring with the semantics of shared/eval/score_parse.py, for in-process gold tests.

A gold line: {"text", "intent": str | [str], <field>: value | [alternatives], optional "now"
(ISO 8601) and "known" ([name or [name, alias, ...]])}. A field absent from the line means there
is nothing to extract, so predicting a value there is a false positive.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELDS = ("opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage", "next_at")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _text(value: Any) -> str:
    return re.sub(r"[\s，。,.!！:：;；]+$", "", str(value).strip()).casefold()


def _phone(value: Any) -> str:
    digits = re.sub(r"\D", "", str(value))
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _when(value: Any) -> tuple[dt.date, tuple[int, int] | None]:
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text), None
    moment = dt.datetime.fromisoformat(text)
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI)
    return moment.date(), (moment.hour, moment.minute)


def same(name: str, gold: Any, predicted: Any) -> bool:
    if predicted is None:
        return False
    if name == "amount":
        return abs(float(gold) - float(predicted)) < 0.5
    if name == "opportunity":
        return int(gold) == int(predicted)
    if name == "phone":
        return _phone(gold) == _phone(predicted)
    if name == "next_at":
        gold_day, gold_time = _when(gold)
        day, time = _when(predicted)
        return gold_day == day and (gold_time is None or gold_time == time)
    return _text(gold) == _text(predicted)


def matches(name: str, gold: Any, predicted: Any) -> bool:
    options = gold if isinstance(gold, list) else [gold]
    return any(same(name, option, predicted) for option in options)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    intents_right: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, gold: dict[str, Any], predicted: dict[str, Any]) -> None:
        self.messages += 1
        wanted = gold["intent"] if isinstance(gold["intent"], list) else [gold["intent"]]
        if predicted.get("intent") in wanted:
            self.intents_right += 1
        else:
            self.errors.append(f"INTENT {gold['text']!r}: want {wanted} got {predicted.get('intent')!r}")
        for name in FIELDS:
            want, got = gold.get(name), predicted.get(name)
            if want is None and got is None:
                continue
            if want is not None and matches(name, want, got):
                self.tp += 1
                continue
            self.fp += got is not None
            self.fn += want is not None
            self.errors.append(f"{name.upper()} {gold['text']!r}: want {want!r} got {got!r}")

    @property
    def f1(self) -> float:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.messages if self.messages else 1.0
