"""`dealbot <command> --config bad.toml` in a real process: exit code 2, one clear message, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_cli(tmp_path: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEALBOT_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env=env, input=stdin,
                          capture_output=True, timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sqlite_section(tmp_path: Path) -> str:
    return f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_refused(done: subprocess.CompletedProcess[str], path: Path, message: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert f"dealbot: config error 配置错误: {path}: " in done.stderr
    assert message in done.stderr


@pytest.mark.parametrize(("text", "message"), [
    ('[http]\nport = "abc"\n', "[http] port must be a whole number from 0 to 65535 (got 'abc')"),
    ("[http]\nport = = 3\n", "not valid TOML: Invalid value (at line 2, column 8)"),
    ('[bot]\ntimezone = "Asia/Shanghia"\n', "[bot] timezone is not a known time zone"),
    ('[users]\nname = "张伟"\n', "write [[users]] (two brackets) instead of [users]"),
    ('[[users]]\nname = "张伟"\nwecom = "zw"\n[[users]]\nname = "李娜"\nwecom = "zw"\n',
     "[[users]] 张伟 and 李娜 both have wecom = 'zw'; a channel identity belongs to one person"),
    ("[htp]\nport = 1\n", "unknown section [htp] (did you mean 'http'?)"),
    ('[email]\nsmtp_pasword = "x"\n', "unknown key 'smtp_pasword' (did you mean 'smtp_password'?)"),
])
def test_serve_refuses_a_bad_config_with_one_message(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    assert_refused(run_cli(tmp_path, "serve", "--config", str(path)), path, message)


def test_serve_refuses_a_misspelt_team_and_creates_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, sqlite_section(tmp_path) + '[[teams]]\nname = "华东一组"\n'
                 '[[users]]\nname = "张伟"\nteam = "华东一祖"\n')
    done = run_cli(tmp_path, "serve", "--config", str(path))
    assert_refused(done, path, "'华东一祖' does not exist; declare it in [[teams]] first (did you mean '华东一组'?)")
    import sqlite3

    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("select count(*) from reps").fetchone() == (0,)
        assert db.execute("select name from teams").fetchall() == []


@pytest.mark.parametrize("scheme", ["postgresql+asyncpg", "mysql+asyncmy"])
def test_an_unreachable_database_is_named_with_its_password_masked(tmp_path: Path, scheme: str) -> None:
    url = f"{scheme}://dealbot:pg-secret-9@127.0.0.1:{closed_port()}/dealbot"
    path = write(tmp_path, f'[database]\nurl = "{url}"\n')
    done = run_cli(tmp_path, "-v", "serve", "--config", str(path))
    assert_refused(done, path, f"[database] url: cannot connect to {scheme}://dealbot:***@127.0.0.1:")
    assert "pg-secret-9" not in done.stderr + done.stdout


@pytest.mark.parametrize("command", [
    ["chat", "--as", "admin"], ["db", "upgrade"], ["demo"], ["users", "import", "users.csv"],
    ["import", "customers", "customers.csv"], ["parse", "--now", "2026-12-01T10:00:00+08:00"],
])
def test_every_subcommand_refuses_a_bad_config_the_same_way(tmp_path: Path, command: list[str]) -> None:
    path = write(tmp_path, '[http]\nport = "abc"\n')
    assert_refused(run_cli(tmp_path, *command, "--config", str(path)), path, "[http] port must be a whole number")


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert_refused(run_cli(tmp_path, "serve", "--config", str(path)), path, "config file not found")


def test_a_port_in_use_is_a_config_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        path = write(tmp_path, sqlite_section(tmp_path) + f'[http]\nport = {port}\n')
        done = run_cli(tmp_path, "serve", "--config", str(path))
    assert_refused(done, path, f"[http] cannot listen on 127.0.0.1:{port}")
