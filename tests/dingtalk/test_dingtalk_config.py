"""DingTalk settings: `DingTalkConfig` keeps secrets out of repr/str and checks its values; [dingtalk] is
read by `bot.channels.dingtalk` from the config file and DEALBOT_DINGTALK_* variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.channels.dingtalk import DingTalkConfigError, dingtalk_config, enabled
from bot.config import Config, ConfigError, load_config
from connectors.dingtalk.config import DingTalkConfig, RobotKey

CLIENT_SECRET = "CS-client-secret-4711"
TOKENS = {"华东一组": RobotKey(token="tok-east-0815", secret="SEC-east-9999"),
          "华北二组": RobotKey(token="tok-north-4242", secret="SEC-north-7777")}


def full_config(**changes: Any) -> DingTalkConfig:
    values: dict[str, Any] = {"client_id": "dingAPPKEY01", "client_secret": CLIENT_SECRET, "robots": TOKENS}
    return DingTalkConfig(**(values | changes))


# --- connectors/dingtalk/config.py -----------------------------------------------------------------------

def test_repr_and_str_show_the_app_and_the_teams_but_no_secret() -> None:
    cfg = full_config()
    for shown in (repr(cfg), str(cfg), f"{cfg}", f"{cfg!r}", repr([cfg]), repr({"cfg": cfg})):
        assert "dingAPPKEY01" in shown and "华东一组" in shown and "华北二组" in shown
        for hidden in (CLIENT_SECRET, "tok-east-0815", "SEC-east-9999", "tok-north-4242", "SEC-north-7777"):
            assert hidden not in shown
    assert cfg.secrets == (CLIENT_SECRET, "tok-east-0815", "SEC-east-9999", "tok-north-4242", "SEC-north-7777")


def test_a_robot_key_alone_does_not_show_its_token_or_secret() -> None:
    # config.py: "Secrets never appear in repr/str"; cfg.robots holds RobotKeys, printing them must not leak
    cfg = full_config()
    for shown in (repr(TOKENS["华东一组"]), str(TOKENS["华东一组"]), repr(cfg.robots)):
        assert "tok-east-0815" not in shown and "SEC-east-9999" not in shown


@pytest.mark.parametrize("changes", [{"mode": "websocket"}, {"mode": ""}, {"mode": "HTTP"},
                                     {"watchdog_seconds": 0}, {"watchdog_seconds": -1.0},
                                     {"http_timeout": 0.0}, {"backoff_base": 0}, {"backoff_max": -5}])
def test_invalid_values_raise_value_error_without_quoting_them(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as caught:
        full_config(**changes)
    assert "websocket" not in str(caught.value) and CLIENT_SECRET not in str(caught.value)


def test_defaults_and_robot_code_or_id() -> None:
    cfg = DingTalkConfig(client_id="dingAPPKEY01", client_secret=CLIENT_SECRET)
    assert (cfg.mode, cfg.watchdog_seconds, cfg.robots, cfg.callback_path) == ("stream", 90.0, {}, "/dingtalk/callback")
    assert (cfg.openapi_base, cfg.oapi_base) == ("https://api.dingtalk.com", "https://oapi.dingtalk.com")
    assert cfg.robot_code_or_id == "dingAPPKEY01"
    assert full_config(robot_code="dingROBOT99").robot_code_or_id == "dingROBOT99"
    assert full_config(mode="http", watchdog_seconds=0.5).mode == "http"


# --- bot/channels/dingtalk.py: the [dingtalk] table ------------------------------------------------------

def test_dingtalk_config_from_a_minimal_table() -> None:
    cfg = dingtalk_config({"client_id": " dingAPPKEY01 ", "client_secret": f" {CLIENT_SECRET}\n"})
    assert (cfg.client_id, cfg.client_secret, cfg.mode, cfg.robots) == ("dingAPPKEY01", CLIENT_SECRET, "stream", {})
    assert (cfg.watchdog_seconds, cfg.robot_code_or_id) == (90.0, "dingAPPKEY01")


def test_dingtalk_config_reads_every_key() -> None:
    cfg = dingtalk_config({
        "client_id": "dingAPPKEY01", "client_secret": CLIENT_SECRET, "robot_code": "dingROBOT99", "mode": "http",
        "card_template_id": "tpl-1.schema", "watchdog_seconds": 30, "http_timeout": "2.5", "token_margin": 60,
        "callback_path": "/dt/cb", "openapi_base": "http://127.0.0.1:9/", "oapi_base": "",
        "robots": {"华东一组": {"token": " tok-east-0815 ", "secret": "SEC-east-9999"}}})
    assert (cfg.robot_code, cfg.mode, cfg.card_template_id) == ("dingROBOT99", "http", "tpl-1.schema")
    assert (cfg.watchdog_seconds, cfg.http_timeout, cfg.token_margin) == (30.0, 2.5, 60.0)
    assert isinstance(cfg.watchdog_seconds, float)
    assert (cfg.callback_path, cfg.openapi_base, cfg.oapi_base) == ("/dt/cb", "http://127.0.0.1:9/",
                                                                    "https://oapi.dingtalk.com")
    assert cfg.robots == {"华东一组": RobotKey(token="tok-east-0815", secret="SEC-east-9999")}


@pytest.mark.parametrize(("section", "key"), [
    ({"client_id": "dingAPPKEY01"}, "client_secret"),
    ({"client_id": "dingAPPKEY01", "client_secret": "   "}, "client_secret"),
    ({"client_secret": CLIENT_SECRET}, "client_id")])
def test_a_missing_credential_names_the_key_and_its_variable(section: dict[str, Any], key: str) -> None:
    with pytest.raises(DingTalkConfigError) as caught:
        dingtalk_config(section)
    message = str(caught.value)
    assert key in message and f"DEALBOT_DINGTALK_{key.upper()}" in message and CLIENT_SECRET not in message
    assert isinstance(caught.value, ConfigError)


@pytest.mark.parametrize("robot", [{"token": "tok-east-0815"}, {"token": "tok-east-0815", "secret": "  "},
                                   {"token": "tok-east-0815", "secret": 7}, "tok-east-0815"])
def test_a_robot_without_its_secret_names_the_team_never_the_token(robot: Any) -> None:
    section = {"client_id": "dingAPPKEY01", "client_secret": CLIENT_SECRET, "robots": {"华东一组": robot}}
    with pytest.raises(DingTalkConfigError) as caught:
        dingtalk_config(section)
    assert "华东一组" in str(caught.value)
    assert "tok-east-0815" not in str(caught.value) and CLIENT_SECRET not in str(caught.value)


@pytest.mark.parametrize(("key", "value"), [("watchdog_seconds", "soon"), ("watchdog_seconds", True),
                                            ("watchdog_seconds", 0), ("mode", "websocket"), ("robots", "tok-x1")])
def test_wrong_values_name_the_key(key: str, value: Any) -> None:
    with pytest.raises(DingTalkConfigError) as caught:
        dingtalk_config({"client_id": "dingAPPKEY01", "client_secret": CLIENT_SECRET, key: value})
    message = str(caught.value)
    assert message.startswith("[dingtalk") and key in message
    assert CLIENT_SECRET not in message and "tok-x1" not in message


def test_enabled_when_a_client_id_is_set() -> None:
    assert enabled(Config({"dingtalk": {"client_id": "dingAPPKEY01"}})) is True
    assert enabled(Config({"dingtalk": {"client_id": "  ", "client_secret": CLIENT_SECRET}})) is False
    assert enabled(Config({"dingtalk": {}})) is False
    assert enabled(Config({})) is False


# --- load_config: file and DEALBOT_DINGTALK_* ------------------------------------------------------------

ENV = {"DEALBOT_DINGTALK_CLIENT_ID": "dingAPPKEY01", "DEALBOT_DINGTALK_CLIENT_SECRET": "12345678",
       "DEALBOT_DINGTALK_MODE": "http", "DEALBOT_DINGTALK_WATCHDOG_SECONDS": "30"}


def test_environment_variables_configure_the_channel() -> None:
    config = load_config(None, environ=dict(ENV))
    assert enabled(config)
    cfg = dingtalk_config(config.section("dingtalk"))
    assert (cfg.client_id, cfg.client_secret, cfg.mode, cfg.watchdog_seconds) == ("dingAPPKEY01", "12345678",
                                                                                   "http", 30.0)
    assert config.get("dingtalk", "client_secret") == "12345678"  # text, not the number 12345678
    assert config.origins[("dingtalk", "client_secret")] == "DEALBOT_DINGTALK_CLIENT_SECRET"
    assert "12345678" not in repr(config) and "12345678" not in repr(cfg)


def test_without_dingtalk_settings_the_channel_is_off() -> None:
    assert not enabled(load_config(None, environ={}))


def test_file_robots_with_the_secret_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text('[dingtalk]\nclient_id = "dingFILE"\nrobot_code = "dingROBOT99"\n'
                    '[dingtalk.robots]\n"华东一组" = { token = "tok-east-0815", secret = "SEC-east-9999" }\n',
                    encoding="utf-8")
    config = load_config(path, environ={"DEALBOT_DINGTALK_CLIENT_SECRET": "00123"})
    cfg = dingtalk_config(config.section("dingtalk"))
    assert (cfg.client_id, cfg.client_secret, cfg.robot_code_or_id) == ("dingFILE", "00123", "dingROBOT99")
    assert cfg.robots == {"华东一组": RobotKey(token="tok-east-0815", secret="SEC-east-9999")}
    assert "tok-east-0815" not in repr(config) and "SEC-east-9999" not in repr(config)


@pytest.mark.parametrize(("name", "value"), [("DEALBOT_DINGTALK_MODE", "websocket"),
                                             ("DEALBOT_DINGTALK_WATCHDOG_SECONDS", "0")])
def test_a_bad_variable_is_a_config_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, environ={**ENV, name: value})
    assert name in str(caught.value) and "12345678" not in str(caught.value)
