"""[wecom] in the config (or DEALBOT_WECOM_* in the environment) turns the channel on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.channels import build_channels
from bot.channels.wecom import WeComConfigError, wecom_config
from bot.config import load_config
from connectors.wecom import WeComConnector
from domain.ports import UnitOfWork
from tests.wecom.wecom_support import AES_KEY, AGENT_ID, CORP_ID, ROBOT_KEY, SECRET, TOKEN
from tests.wecom_e2e.harness import wecom_section


def no_database() -> UnitOfWork:
    raise AssertionError("building the channel must not touch the database")


def test_without_a_wecom_section_there_is_no_wecom_channel() -> None:
    assert "wecom" not in build_channels(load_config(environ={}), no_database)


def test_a_wecom_section_without_corp_id_leaves_the_channel_off() -> None:
    config = load_config(environ={"DEALBOT_WECOM_SECRET": "x"})
    assert "wecom" not in build_channels(config, no_database)


def test_config_file_keys_map_onto_the_connector(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text(f'''
[wecom]
corp_id = "{CORP_ID}"
agent_id = {AGENT_ID}
secret = "{SECRET}"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
api_base = "http://127.0.0.1:9/"
freshness_window = 120
max_body = 65536

[wecom.robots]
"华东一组" = "{ROBOT_KEY}"
''', encoding="utf-8")
    connector = build_channels(load_config(path, environ={}), no_database)["wecom"]
    assert isinstance(connector, WeComConnector)
    cfg = connector.cfg
    assert (cfg.corp_id, cfg.agent_id, cfg.secret, cfg.token, cfg.encoding_aes_key) == (
        CORP_ID, AGENT_ID, SECRET, TOKEN, AES_KEY)
    assert (cfg.api_base, cfg.webhook_base) == ("http://127.0.0.1:9/", "http://127.0.0.1:9/")
    assert (cfg.freshness_window, cfg.max_body) == (120.0, 65536)
    assert dict(cfg.webhook_keys) == {"华东一组": ROBOT_KEY}


def test_environment_alone_can_configure_the_channel() -> None:
    environ = {"DEALBOT_WECOM_CORP_ID": CORP_ID, "DEALBOT_WECOM_AGENT_ID": str(AGENT_ID),
               "DEALBOT_WECOM_SECRET": SECRET, "DEALBOT_WECOM_TOKEN": TOKEN,
               "DEALBOT_WECOM_ENCODING_AES_KEY": AES_KEY,
               "DEALBOT_WECOM_ROBOTS": f'{{ "华南一组" = "{ROBOT_KEY}" }}'}
    connector = build_channels(load_config(environ=environ), no_database)["wecom"]
    assert isinstance(connector, WeComConnector)
    assert connector.cfg.agent_id == AGENT_ID
    assert dict(connector.cfg.webhook_keys) == {"华南一组": ROBOT_KEY}


@pytest.mark.parametrize(("change", "named"), [
    ({"secret": ""}, "secret"),
    ({"agent_id": "one"}, "agent_id"),
    ({"encoding_aes_key": "too-short-" + SECRET}, "encoding_aes_key"),
    ({"freshness_window": "soon"}, "freshness_window"),
    ({"robots": {"华东一组": 7}}, "robots"),
])
def test_bad_config_names_the_key_and_never_shows_a_value(change: dict[str, Any], named: str) -> None:
    with pytest.raises(WeComConfigError) as err:
        wecom_config({**wecom_section("http://127.0.0.1:9"), **change})
    assert named in str(err.value)
    for secret in (SECRET, TOKEN, AES_KEY, ROBOT_KEY):
        assert secret not in str(err.value)
