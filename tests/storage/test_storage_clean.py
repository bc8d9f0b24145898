"""The storage text guard: NUL bytes and lone surrogates never reach a driver; clean values pass untouched."""

from __future__ import annotations

import json

from storage.clean import clean_parameters, clean_text
from storage.types import json_dumps


def test_clean_text_drops_nul_joins_pairs_and_replaces_lone_surrogates() -> None:
    assert clean_text("a\x00b") == "ab"
    assert clean_text("\ud83d\ude00 ok") == "😀 ok"
    assert clean_text("x\udc80y\ud800") == "x\ufffdy\ufffd"
    clean = "明途 MES 80万"
    assert clean_text(clean) is clean


def test_parameters_are_cleaned_in_every_shape_and_kept_when_clean() -> None:
    flat = ("console", 5, None, "明途")
    assert clean_parameters(flat) is flat
    assert clean_parameters(("a\x00", 5, None)) == ("a", 5, None)
    assert clean_parameters([("ok", 1), ("b\ud800", 2)]) == [("ok", 1), ("b\ufffd", 2)]  # executemany
    assert clean_parameters({"name": "c\x00", "n": 1}) == {"name": "c", "n": 1}
    assert clean_parameters(b"\x00bytes") == b"\x00bytes"


def test_json_values_lose_nul_and_lone_surrogates() -> None:
    assert json.loads(json_dumps({"k\x00": ["a\x00b", "c\udc80"], "n": 1})) == {"k": ["ab", "c\ufffd"], "n": 1}
    assert json_dumps({"text": "明途"}) == '{"text":"明途"}'
