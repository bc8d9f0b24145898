"""Every message of gold.jsonl parses to its gold fields; the whole file scores F1 >= 0.95."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.nlp import KnownName, Parser
from tests.nlp.conftest import NOW
from tests.nlp.scoring import Score, load

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
GOLD = load(HERE / "gold.jsonl")
DEV = ROOT.parent / "shared" / "eval" / "nlp_dev.jsonl"


def _known(line: dict[str, Any]) -> list[KnownName]:
    known = []
    for entry in line.get("known", []):
        names = [entry] if isinstance(entry, str) else entry
        known.append(KnownName(names[0], tuple(names[1:])))
    return known


def _predict(parser: Parser, line: dict[str, Any]) -> dict[str, Any]:
    now = datetime.fromisoformat(line["now"]) if "now" in line else NOW
    return parser.parse(line["text"], now, _known(line)).to_json()


def test_gold_file_is_big_and_covers_every_field_and_intent() -> None:
    assert len(GOLD) >= 150
    intents = {i for line in GOLD for i in ([line["intent"]] if isinstance(line["intent"], str) else line["intent"])}
    assert intents >= {"new_lead", "follow_up", "reminder", "stage_change", "quote", "payment", "query", "help",
                       "unknown"}
    for name in ("opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage", "next_at"):
        assert sum(name in line for line in GOLD) >= 5, name
    assert sum(not any("\u4e00" <= c <= "\u9fff" for c in line["text"]) for line in GOLD) >= 40  # English


@pytest.mark.parametrize("line", GOLD, ids=[f"{i + 1}:{g['text'][:24]}" for i, g in enumerate(GOLD)])
def test_gold_message_parses_to_its_fields(parser: Parser, line: dict[str, Any]) -> None:
    score = Score()
    score.add(line, _predict(parser, line))
    assert score.errors == []


def test_gold_file_scores_field_f1_and_intent_accuracy_of_at_least_095(parser: Parser) -> None:
    score = Score()
    for line in GOLD:
        score.add(line, _predict(parser, line))
    assert score.f1 >= 0.95, score.errors
    assert score.intent_accuracy >= 0.95, score.errors


def test_cli_passes_the_shared_dev_set_with_the_shared_scorer() -> None:
    assert DEV.exists(), f"shared eval data expected beside the repository at {DEV}"
    command = f"{sys.executable} -m bot.nlp.cli parse --now 2026-11-24T10:00:00+08:00"
    result = subprocess.run(
        [sys.executable, str(DEV.parent / "score_parse.py"), str(DEV), "--cmd", command,
         "--min-f1", "0.95", "--min-intent", "0.95", "--show-errors"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "field_f1" in result.stdout


def test_every_contract_key_is_present_for_every_gold_message(parser: Parser) -> None:
    keys = {"intent", "opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage", "next_at"}
    for line in GOLD:
        payload = _predict(parser, line)
        assert set(payload) == keys
        json.dumps(payload, ensure_ascii=False)
