"""The command-line adapter: one JSON object per input line, in order, whatever the line holds."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.nlp.cli import main, read_known, run_parse
from tests.nlp.conftest import NOW

KEYS = {"intent", "opportunity", "company", "contact", "phone", "email", "amount", "currency", "stage", "next_at"}
ROOT = Path(__file__).resolve().parents[2]


def test_run_parse_yields_one_object_per_line_including_empty_lines() -> None:
    lines = ["#3 推进到谈判\n", "\n", "👍\n", "help\n"]
    out = [json.loads(line) for line in run_parse(NOW, lines)]
    assert [o["intent"] for o in out] == ["stage_change", "unknown", "unknown", "help"]
    assert all(set(o) == KEYS for o in out)
    assert out[0]["stage"] == "negotiation" and out[0]["opportunity"] == 3


def test_run_parse_full_adds_confidence_problems_and_spans() -> None:
    (line,) = run_parse(NOW, ["预算60"], full=True)
    payload = json.loads(line)
    assert payload["problems"][0]["code"] == "amount_unit_missing"
    assert {"confidence", "spans"} <= set(payload)


def test_main_reads_stdin_and_writes_utf8_json_lines(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("#9 报价调整为36.8万元\n明早9点给刘总打电话\n"))
    assert main(["parse", "--now", "2026-11-24T10:00:00+08:00"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["amount"] == 368000
    assert json.loads(lines[1])["next_at"] == "2026-11-25T09:00:00+08:00"
    assert "刘总" in lines[1]


def test_main_honours_the_time_zone(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("明天\n"))
    assert main(["parse", "--now", "2026-11-24T20:30:00Z", "--tz", "Asia/Shanghai"]) == 0
    assert json.loads(capsys.readouterr().out)["next_at"] == "2026-11-26"


def test_main_rejects_a_bad_clock_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--now", "not-a-date"]) == 2
    assert main(["parse", "--now", "2026-11-24T10:00:00+08:00", "--tz", "Mars/Olympus"]) == 2
    assert "dealbot parse" in capsys.readouterr().err


def test_known_customers_file_feeds_the_gazetteer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    known = tmp_path / "known.txt"
    known.write_text("苏州恒瑞智能装备有限公司|恒瑞|恒瑞智能\n\nInitrode Systems Ltd|Initrode\n", encoding="utf-8")
    assert [k.name for k in read_known(known)] == ["苏州恒瑞智能装备有限公司", "Initrode Systems Ltd"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("明天去恒瑞\n"))
    assert main(["parse", "--now", "2026-11-24T10:00:00+08:00", "--known", str(known)]) == 0
    assert json.loads(capsys.readouterr().out)["company"] == "苏州恒瑞智能装备有限公司"


def test_the_module_runs_as_a_command_with_utf8_whatever_the_locale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.nlp.cli", "parse", "--now", "2026-11-24T10:00:00+08:00"],
        input="新线索：青岛海纳电子有限公司，联系人马经理 13600001111，预算100万\n\n".encode(),
        capture_output=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C"}, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    first, second = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert first["company"] == "青岛海纳电子有限公司" and first["contact"] == "马经理"
    assert second["intent"] == "unknown"


def test_main_accepts_its_options_without_the_parse_word(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("#3 推进到谈判\n"))
    assert main(["--now", "2026-11-24T10:00:00+08:00"]) == 0
    assert json.loads(capsys.readouterr().out)["stage"] == "negotiation"


def test_a_carriage_return_inside_a_message_does_not_split_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.nlp.cli", "parse", "--now", "2026-11-24T10:00:00+08:00"],
        input="#9 赢单\r客户很满意\r\n明天\n".encode(), capture_output=True, cwd=ROOT, timeout=60,
    )
    lines = result.stdout.decode("utf-8").splitlines()
    assert [json.loads(line)["intent"] for line in lines] == ["stage_change", "follow_up"]
    assert result.stderr == b""
