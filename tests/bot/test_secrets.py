"""Secrets never reach a repr or a log line: config values under secret keys, URL passwords."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.bootstrap import bootstrap
from bot.config import Config, load_config
from bot.redaction import install_secret_filter, mask_url
from tests.wecom.wecom_support import AES_KEY, ROBOT_KEY, SECRET, TOKEN
from tests.wecom_e2e.harness import wecom_section

IMAP_PASSWORD = "imap-Pass-7781"
SMTP_PASSWORD = "smtp-Pass-2290"
PG_PASSWORD = "pg-Pass-5512"
SECRETS = (SECRET, TOKEN, AES_KEY, ROBOT_KEY, IMAP_PASSWORD, SMTP_PASSWORD)


def secret_config(tmp_path: Path) -> Config:
    config = load_config(environ={})
    config.sections["database"]["url"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    config.sections["wecom"] = wecom_section("http://127.0.0.1:9")
    config.sections["email"] = {"from_address": "sales@ourco.test", "imap_host": "imap.ourco.test",
                                "imap_user": "sales", "imap_password": IMAP_PASSWORD,
                                "smtp_host": "smtp.ourco.test", "smtp_password": SMTP_PASSWORD}
    return config


def test_mask_url_hides_passwords_in_urls_and_queries() -> None:
    assert mask_url("postgresql+asyncpg://dealbot:p%40ss@db:5432/x") == "postgresql+asyncpg://dealbot:***@db:5432/x"
    assert mask_url("connect postgresql://u:pw@h/db?password=x2&sslmode=require failed") == \
        "connect postgresql://u:***@h/db?password=***&sslmode=require failed"
    assert mask_url("sqlite+aiosqlite:///var/dealbot.db") == "sqlite+aiosqlite:///var/dealbot.db"
    assert mask_url("postgresql+asyncpg://postgres@127.0.0.1/test") == "postgresql+asyncpg://postgres@127.0.0.1/test"


async def test_repr_of_the_app_and_its_config_shows_no_secret(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = await bootstrap(secret_config(tmp_path), chat=False)
    try:
        shown = repr(app) + str(app) + repr(app.config)
        assert "wecom" in shown and "email" in shown and "corp_id" in shown
        for secret in SECRETS:
            assert secret not in shown
            assert secret not in caplog.text
        assert "config: {" in caplog.text  # the -v start-up line ran, redacted
    finally:
        await app.close()


def test_the_log_filter_masks_known_secrets_and_url_passwords_in_every_record(
        caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql+asyncpg://dealbot:{PG_PASSWORD}@db.internal:5432/dealbot"
    config = load_config(environ={"DEALBOT_DATABASE_URL": url, "DEALBOT_EMAIL_SMTP_PASSWORD": SMTP_PASSWORD})
    install_secret_filter(config.sections)
    log = logging.getLogger("some.library")
    caplog.set_level(logging.DEBUG)
    log.info("connecting to %s", url)
    log.debug("login with %r", {"password": SMTP_PASSWORD})
    log.warning("raw password %s in a message", PG_PASSWORD)
    try:
        raise RuntimeError(f"auth failed for {url} using {SMTP_PASSWORD}")
    except RuntimeError:
        log.exception("send failed")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert PG_PASSWORD not in text and SMTP_PASSWORD not in text
    assert "postgresql+asyncpg://dealbot:***@db.internal:5432/dealbot" in text
    assert "raw password *** in a message" in text
    assert "RuntimeError: auth failed for postgresql+asyncpg://dealbot:***@db.internal" in caplog.text


def test_a_webhook_signing_secret_is_masked_in_every_log_record(caplog: pytest.LogCaptureFixture) -> None:
    install_secret_filter()
    secret = "whsec_" + "3f" * 24
    caplog.set_level(logging.DEBUG)
    logging.getLogger("bot.service").info("reply to admin: W1 的签名密钥：\n%s", secret)
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert secret not in text and "W1 的签名密钥：\n***" in text
