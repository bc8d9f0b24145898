from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


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
    config = load_config(environ={"DEALBOT_WECOM_SECRET": "s3cret", "DEALBOT_EMAIL_IMAP_PASSWORD": "pw",
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


# --- validation: one ConfigError naming the file, the section and the key ---------------------------------

BAD_CONFIGS = [
    ('[http]\nport = "abc"\n', "[http] port must be a whole number"),
    ("[http]\nport = 70000\n", "[http] port must be a whole number from 0 to 65535"),
    ("[http]\nport = = 3\n", "not valid TOML: Invalid value (at line 2, column 8)"),
    ('[bot]\ntimezone = "Asia/Shanghia"\n', "[bot] timezone is not a known time zone"),
    ('[bot]\nlocale = "fr"\n', "[bot] locale must be one of zh, en"),
    ("[bot]\nmax_message_chars = 0\n", "[bot] max_message_chars must be a whole number of at least 1"),
    ('[scheduler]\nenabled = "yes"\n', "[scheduler] enabled must be true or false"),
    ("[scheduler]\noutbox_interval = -1\n", "[scheduler] outbox_interval must be a number greater than 0"),
    ("[queue]\nmax_attempts = 0\n", "[queue] max_attempts must be a whole number of at least 1"),
    ('[queue]\nlease_seconds = "long"\n', "[queue] lease_seconds must be a number greater than 0"),
    ("[scheduler]\nshutdown_grace = 0\n", "[scheduler] shutdown_grace must be a number greater than 0"),
    ('[users]\nname = "张伟"\n', "[[users]] must be an array of tables: write [[users]] (two brackets)"),
    ('[[http]]\nport = 1\n', "[http] must be one table"),
    ("[htp]\nport = 1\n", "unknown section [htp] (did you mean 'http'?)"),
    ("[http]\nprot = 1\n", "[http]: unknown key 'prot' (did you mean 'port'?)"),
    ("port = 8080\n", "'port' is outside any [section] (did you mean [http] port?)"),
    ('[[users]]\nname = "张伟"\nteem = "华东一组"\n', "[[users]] #1 (张伟): unknown key 'teem' (did you mean 'team'?)"),
    ('[[users]]\nname = "张伟"\nrole = "boss"\n', "[[users]] #1 (张伟) role must be one of rep, manager, admin"),
    ('[[users]]\nrole = "rep"\n', "[[users]] #1 is missing name"),
    ('[[users]]\nname = "张伟"\ntimezone = "Mars/Base"\n', "[[users]] #1 (张伟) timezone is not a known time zone"),
    ('[[users]]\nname = "张伟"\nwecom = "zw"\n[[users]]\nname = "李娜"\nwecom = "zw"\n',
     "[[users]] 张伟 and 李娜 both have wecom = 'zw'"),
    ('[[teams]]\nname = "华东一组"\n[[teams]]\nname = "华东一组"\n', "[[teams]] name '华东一组' appears twice"),
    ('[[assignment]]\nteam = "华东一组"\nmin_budget = "lots"\n', "[[assignment]] #1 min_budget must be a number"),
    ('[[assignment]]\nteam = "华东一组"\nregoins = ["华东"]\n', "unknown key 'regoins' (did you mean 'regions'?)"),
    ('[database]\nurl = "postgresql://u:pw@db/x"\n', "[database] url must start with postgresql+asyncpg://"),
    ('[database]\nurl = "mysql+pymysql://u:pw@db/x"\n', "[database] url must start with mysql+asyncmy://"),
    ('[wecom]\nagent_id = "one"\n', "[wecom] agent_id must be a whole number"),
    ('[wecom.robots]\n"华东一组" = 7\n', "[wecom] robots must be a table of names to text"),
    ('[email]\nsmtp_port = "abc"\n', "[email] smtp_port must be a whole number from 1 to 65535"),
    ('[email]\nimap_pasword = "x"\n', "unknown key 'imap_pasword' (did you mean 'imap_password'?)"),
    ('[[email.accounts]]\nhost = "h"\nuser = "u"\n', "[[email.accounts]] #1 is missing password"),
    ('[dingtalk]\nmode = "websocket"\n', "[dingtalk] mode must be one of stream, http"),
    ('[dingtalk]\nwatchdog_seconds = 0\n', "[dingtalk] watchdog_seconds must be"),
    ('[dingtalk.robots]\n"华东一组" = "token"\n', "[dingtalk] robots must be a table of team names to robots"),
    ('[dingtalk]\nclient_secert = "x"\n', "unknown key 'client_secert' (did you mean 'client_secret'?)"),
    (f'[[users]]\nname = "{"张" * 300}"\n', "name is longer than 255 characters (300)"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_a_bad_config_is_one_error_naming_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_a_secret_of_the_wrong_kind_is_named_but_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[email]\nsmtp_password = 98765432\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="smtp_password must be text") as err:
        load_config(path, environ={})
    assert "98765432" not in str(err.value)
    path.write_text('[database]\nurl = "mysql://u:hunter22@h/db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="url must start with") as err:
        load_config(path, environ={})
    assert "hunter22" not in str(err.value) and "u:***@h" in str(err.value)


def test_a_bad_environment_value_names_its_variable() -> None:
    with pytest.raises(ConfigError) as err:
        load_config(environ={"DEALBOT_HTTP_PORT": "abc"})
    assert "[http] port must be a whole number" in str(err.value)
    assert "DEALBOT_HTTP_PORT" in str(err.value)
    with pytest.raises(ConfigError, match=r"unknown section \[wecon\].*DEALBOT_WECON_SECRET"):
        load_config(environ={"DEALBOT_WECON_SECRET": "x"})
    assert "peer" not in load_config(environ={"DEALBOT_PEER_MAIL": "/x", "DEALBOT_DOVECOT": "/y"}).sections


def test_environment_text_keys_stay_text_even_when_they_look_like_numbers() -> None:
    config = load_config(environ={"DEALBOT_WECOM_SECRET": "0123456", "DEALBOT_WECOM_AGENT_ID": "1000002"})
    assert config.get("wecom", "secret") == "0123456"
    assert config.get("wecom", "agent_id") == 1000002


def test_missing_or_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", environ={})
    (tmp_path / "gbk.toml").write_bytes('[bot]\ndefault_team = "华东"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / "gbk.toml", environ={})


def test_the_example_config_and_the_queue_keys_pass_validation(tmp_path: Path) -> None:
    load_config(Path(__file__).parents[2] / "config" / "dealbot.example.toml", environ={})
    path = tmp_path / "queue.toml"
    path.write_text("[queue]\nlease_seconds = 60\nsweep_interval = 5.0\nmax_attempts = 5\nretry_base_delay = 2\n"
                    "[scheduler]\nshutdown_grace = 10\n", encoding="utf-8")
    assert load_config(path, environ={}).get("queue", "max_attempts") == 5


# --- secrets never in a repr ---------------------------------------------------------------------------------

def test_repr_of_the_config_masks_every_secret_and_the_database_password() -> None:
    config = load_config(environ={"DEALBOT_DATABASE_URL": "postgresql+asyncpg://dealbot:pg-pass-1@db:5432/x",
                                  "DEALBOT_WECOM_SECRET": "wecom-secret-1", "DEALBOT_WECOM_TOKEN": "tok-1234",
                                  "DEALBOT_EMAIL_IMAP_PASSWORD": "imap-pass-1"})
    for text in (repr(config), str(config), str(config.redacted())):
        for secret in ("pg-pass-1", "wecom-secret-1", "tok-1234", "imap-pass-1"):
            assert secret not in text
        assert "postgresql+asyncpg://dealbot:***@db:5432/x" in text
    assert config.get("database", "url").endswith("pg-pass-1@db:5432/x")  # the value itself is intact
