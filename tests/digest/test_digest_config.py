"""The [digest] config section: read into DigestSettings, and bad values refused naming the key."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.digest.cli import settings_from
from connectors.base import DeliveryError, OutboundMessage
from connectors.email.smtp import SmtpConfig, SmtpSender
from domain.opportunity import Stage


def config_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "dealbot.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_digest_keys_become_settings(tmp_path: Path) -> None:
    path = config_file(tmp_path, '[bot]\ntimezone = "Europe/Berlin"\n[digest]\ntime = "17:30"\n'
                                 'stalled_proposal = 5\ntop_reps = 3\nenabled = false\n')
    settings = settings_from(load_config(path, environ={}))
    assert (settings.time, settings.timezone, settings.top_reps, settings.enabled) == (
        time(17, 30), "Europe/Berlin", 3, False)
    assert settings.stall_days[Stage.PROPOSAL] == 5 and settings.stall_days[Stage.NEGOTIATION] == 7


@pytest.mark.parametrize(("body", "says"), [('time = "6pm"', 'like "18:00"'), ("top_reps = 0", "from 1 to 50"),
                                            ("trend_week = 4", "trend_weeks")])
def test_a_bad_digest_key_is_refused_saying_why(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_config(config_file(tmp_path, f"[digest]\n{body}\n"), environ={})


def test_a_broken_inline_image_is_a_permanent_delivery_error() -> None:
    sender = SmtpSender(SmtpConfig(host="127.0.0.1", from_address="bot@dealbot.cn"),
                        clock=lambda: datetime(2026, 12, 10, tzinfo=UTC))
    good = {"cid": "funnel-1@dealbot", "data": base64.b64encode(b"\x89PNG").decode(), "content_type": "image/png"}
    for bad in ({**good, "data": "not base64!"}, {**good, "cid": "a b<c>"}, {**good, "content_type": "png"}):
        with pytest.raises(DeliveryError) as err:
            sender.build(OutboundMessage("email", "a@b.cn", "text", extra={"html": "<p>x</p>", "inline_images": [bad]}))
        assert err.value.retry_after is None
    mail = sender.build(OutboundMessage("email", "a@b.cn", "text", extra={
        "html": "<p>x</p>", "inline_images": [good], "attachments": [{**good, "filename": "f.png"}]}))
    assert [p.get_content_type() for p in mail.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png",
        "image/png"]
