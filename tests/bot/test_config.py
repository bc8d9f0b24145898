from __future__ import annotations

from pathlib import Path

from bot.config import load_config


def test_embedded_defaults_use_sqlite_under_var_and_local_http() -> None:
    config = load_config(environ={})
    assert config.get("database", "url") == "sqlite+aiosqlite:///var/dealbot.db"
    assert (config.get("http", "host"), config.get("http", "port")) == ("127.0.0.1", 8080)


def test_environment_overrides_file_values(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text('[http]\nport = 9000\n[wecom]\ncorp_id = "ww1"\n', encoding="utf-8")
    config = load_config(path, environ={"DEALBOT_HTTP_PORT": "9100", "DEALBOT_WECOM_SECRET": "s3cret",
                                        "DEALBOT_TEST_PG_URL": "ignored"})
    assert config.get("http", "port") == 9100
    assert config.get("wecom", "corp_id") == "ww1"
    assert config.get("wecom", "secret") == "s3cret"
    assert "test" not in config.sections


def test_redacted_view_hides_secrets() -> None:
    config = load_config(environ={"DEALBOT_WECOM_SECRET": "s3cret", "DEALBOT_EMAIL_PASSWORD": "pw",
                                  "DEALBOT_WECOM_ENCODING_AES_KEY": "k"})
    text = str(config.redacted())
    assert "s3cret" not in text and "'pw'" not in text and "'k'" not in text
    assert config.redacted()["wecom"]["secret"] == "***"


def test_example_config_loads_and_lists_people_and_rules() -> None:
    config = load_config(Path(__file__).parents[2] / "config" / "dealbot.example.toml", environ={})
    assert {u["name"] for u in config.list("users")} >= {"王经理", "张伟"}
    assert config.list("assignment")[0]["team"] == "华东一组"


def test_robot_webhook_keys_are_redacted_whatever_the_team_is_called(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text('[wecom]\ncorp_id = "ww1"\n[wecom.robots]\n\"华东一组\" = "robot-key-123"\n', encoding="utf-8")
    text = str(load_config(path, environ={}).redacted())
    assert "robot-key-123" not in text and "ww1" in text
