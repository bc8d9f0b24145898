"""Scores of a gold file grouped by each line's "kind": what is left to fix, failure by failure.

    PYTHONPATH=$PWD .venv/bin/python -m tests.nlp.by_kind [tests/nlp/gold.jsonl] [--errors]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from bot.nlp import Parser
from tests.nlp.conftest import NOW
from tests.nlp.scoring import Score, load


def scores_by_kind(path: Path) -> dict[str, Score]:
    parser = Parser()
    scores: dict[str, Score] = defaultdict(Score)
    for line in load(path):
        now = datetime.fromisoformat(line["now"]) if "now" in line else NOW
        predicted = parser.parse(line["text"], now).to_json()
        scores[line.get("kind", "-")].add(line, predicted)
        scores["ALL"].add(line, predicted)
    return scores


def main(argv: list[str]) -> int:
    path = Path(next((a for a in argv if not a.startswith("--")), Path(__file__).parent / "gold.jsonl"))
    scores = scores_by_kind(path)
    for kind, score in sorted(scores.items(), key=lambda item: (item[0] == "ALL", item[1].f1)):
        print(f"{kind:20s} lines {score.messages:3d}  field_f1 {score.f1:.3f}  intent {score.intent_accuracy:.3f}"
              f"  (tp {score.tp} fp {score.fp} fn {score.fn})")
        if "--errors" in argv and kind != "ALL":
            print("".join(f"    {error}\n" for error in score.errors), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
